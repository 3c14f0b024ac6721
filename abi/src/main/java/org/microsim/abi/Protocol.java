package org.microsim.abi;

/**
 * What the one server runtime and the one client need to know of a protocol, beyond its request records:
 * how a request message decodes, and how a failure is typed on each side. A protocol is its msg ids, its
 * sealed request type with {@code toMessage()} and {@code decode(Message)}, its reply records, its error codes
 * and one instance of this interface (each request type's {@code PROTOCOL}): nothing else.
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
public interface Protocol<R, E extends ProtocolException> {
    /** A short name for logs: "block", "filesystem". */
    String name();

    /**
     * Decodes a request. A message with an unknown msg id, bytes that do not fit, or handles the request does
     * not take is malformed: the server answers it with {@link #badRequestCode()} and its handles are closed.
     */
    R decode(Message message) throws MalformedException;

    /** The exception for an error reply with {@code code} (an unknown code is the protocol's generic failure). */
    E failure(int code, String detail);

    /**
     * The exception for a call that got no usable answer: {@code error} is the kernel's reason (timed out,
     * peer died ...), or null when the answer came but did not decode.
     */
    E unreachable(String detail, SysError error);

    /** The code of the error reply to a request that does not decode. */
    int badRequestCode();

    /** The code of the error reply when the server failed on its own (a defect, not the request). */
    int internalErrorCode();
}
