package org.microsim.abi;

import java.util.function.BiFunction;

/**
 * A request that failed, as its protocol says: a constant of the protocol's own error enum (its wire code
 * travels in a {@link Replies#error} reply) and a sentence for people. Each protocol has one subclass
 * ({@code BlockException}, {@code FsException} ...) with a typed {@code error()}, so that a server answers any
 * failure with one line ({@link Server} does it for every handler) and a client gets the same type back
 * ({@link Client}).
 *
 * <p>When the call itself failed in the kernel (the server died, the port is gone, the deadline passed), the
 * exception also carries that {@link SysError}: a client that must tell "the server said no" from "the server
 * is gone" asks {@link #peerGone()}.
 */
public abstract class ProtocolException extends Exception {
    private final WireCode error;
    private final transient SysError unreachable;

    /**
     * A failure.
     *
     * @param error       the protocol's error constant
     * @param unreachable the kernel's answer when the call itself failed, or null (a refusal, an answer that
     *                    made no sense)
     */
    protected ProtocolException(WireCode error, String message, SysError unreachable) {
        super(message);
        this.error = error;
        this.unreachable = unreachable;
    }

    /** The protocol's error constant; subclasses give it its type. */
    protected WireCode wireError() {
        return error;
    }

    /** The protocol's wire code for this failure. */
    public final int code() {
        return error.code();
    }

    /** The kernel's error when the call never reached an answer, or null. */
    public SysError unreachable() {
        return unreachable;
    }

    /**
     * True when the server is gone: it died, its port closed or the handle names nothing. A client bound by
     * name looks the server up again; one bound to a device forgets it.
     */
    public boolean peerGone() {
        return gone(unreachable);
    }

    /** True when {@code error} (null for none) says the server is gone. */
    protected static boolean gone(SysError error) {
        return error != null && switch (error.code()) {
            case PEER_DIED, NO_SUCH_PORT, BAD_HANDLE -> true;
            default -> false;
        };
    }

    /**
     * The exception an error reply with {@code code} stands for: {@code make} with the constant of that code,
     * or with {@code fallback} and a detail that names the unknown code.
     */
    protected static <C extends Enum<C> & WireCode, X> X fromReply(Class<C> type, int code, String detail, C fallback,
                                                                  BiFunction<C, String, X> make) {
        try {
            return make.apply(WireCode.fromCode(type, code, "error code"), detail);
        } catch (MalformedException e) {
            return make.apply(fallback, e.getMessage() + ": " + detail);
        }
    }
}
