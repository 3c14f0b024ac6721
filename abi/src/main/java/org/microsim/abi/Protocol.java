package org.microsim.abi;

/**
 * What the one server runtime and the one client need to know of a protocol, beyond its request records:
 * how a request message decodes, and how a failure is typed on each side. A protocol is its msg ids, its
 * sealed request type with {@code toMessage()} and {@code decode(Message)}, its reply records, its error codes
 * and one instance of this class (each request type's {@code PROTOCOL}): nothing else.
 *
 * <pre>
 *  client ── Request.toMessage() ──▶ kernel ──▶ Server: decode(Message) ─▶ handler ─▶ reply / error code
 *    ▲                                                                                    │
 *    └── Request.decodeReply(reply)  or  failure(code, detail) / unreachable(...) ◀───────┘
 * </pre>
 *
 * @param <R> the sealed request type a server's handler switches over
 * @param <E> the protocol's exception
 */
public final class Protocol<R, E extends ProtocolException> {
    /** Decodes a request message. */
    @FunctionalInterface
    public interface Decoder<R> {
        R decode(Message message) throws MalformedException;
    }

    /** The exception for an error reply with a code (an unknown code becomes the protocol's generic failure). */
    @FunctionalInterface
    public interface Failure<E> {
        E of(int code, String detail);
    }

    /** The exception for a call that got no usable answer: the kernel's error, or null for a reply that did not decode. */
    @FunctionalInterface
    public interface Unreachable<E> {
        E of(String detail, SysError error);
    }

    /**
     * The protocol of a port that takes no requests, only notices (init's inbox): every call is answered as
     * unknown. Its failures are the kernel's error codes.
     */
    public static final Protocol<Void, CallException> NONE = of("no", message -> {
        throw new MalformedException("this port takes no requests");
    }, CallException::of, CallException::new, ErrorCode.UNKNOWN_REQUEST.code(), ErrorCode.UNAVAILABLE.code());

    private final String name;
    private final Decoder<R> decoder;
    private final Failure<E> failure;
    private final Unreachable<E> unreachable;
    private final int badRequestCode;
    private final int internalErrorCode;

    private Protocol(String name, Decoder<R> decoder, Failure<E> failure, Unreachable<E> unreachable,
                     int badRequestCode, int internalErrorCode) {
        this.name = name;
        this.decoder = decoder;
        this.failure = failure;
        this.unreachable = unreachable;
        this.badRequestCode = badRequestCode;
        this.internalErrorCode = internalErrorCode;
    }

    /**
     * A protocol.
     *
     * @param name              a short name for logs: "block", "filesystem"
     * @param decoder           the request decoder (see {@link #decode})
     * @param failure           the client's exception for an error reply
     * @param unreachable       the client's exception for a call without a usable answer
     * @param badRequestCode    the code of the error reply to a request that does not decode
     * @param internalErrorCode the code of the error reply when the server fails on its own (a defect)
     */
    public static <R, E extends ProtocolException> Protocol<R, E> of(String name, Decoder<R> decoder,
            Failure<E> failure, Unreachable<E> unreachable, int badRequestCode, int internalErrorCode) {
        return new Protocol<>(name, decoder, failure, unreachable, badRequestCode, internalErrorCode);
    }

    /** A short name for logs. */
    public String name() {
        return name;
    }

    /**
     * Decodes a request. A message with an unknown msg id, bytes that do not fit, or handles the request does
     * not take is malformed: the server answers it with {@link #badRequestCode()} and its handles are closed.
     */
    public R decode(Message message) throws MalformedException {
        return decoder.decode(message);
    }

    /** The exception for an error reply with {@code code}. */
    public E failure(int code, String detail) {
        return failure.of(code, detail);
    }

    /** The exception for a call that got no usable answer; {@code error} is null when the answer did not decode. */
    public E unreachable(String detail, SysError error) {
        return unreachable.of(detail, error);
    }

    /** The code of the error reply to a request that does not decode. */
    public int badRequestCode() {
        return badRequestCode;
    }

    /** The code of the error reply when the server failed on its own (a defect, not the request). */
    public int internalErrorCode() {
        return internalErrorCode;
    }
}
