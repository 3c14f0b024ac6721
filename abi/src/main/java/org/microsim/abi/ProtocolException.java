package org.microsim.abi;

/**
 * A request that failed, as its protocol says: the wire code of the protocol's own error enum and a sentence
 * for people. Each protocol has one subclass ({@code BlockException}, {@code FsException} ...) whose
 * {@link #code()} is what travels in a {@link Replies#error} reply, so that a server answers any failure with
 * one line ({@link Server} does it for every handler) and a client gets the same type back ({@link Client}).
 *
 * <p>When the call itself failed in the kernel (the server died, the port is gone, the deadline passed), the
 * exception also carries that {@link SysError}: a client that must tell "the server said no" from "the server
 * is gone" asks {@link #peerGone()}.
 */
public abstract class ProtocolException extends Exception {
    private final transient SysError unreachable;

    /** A refusal by the server, or a failure found on this side. */
    protected ProtocolException(String message) {
        this(message, null);
    }

    /**
     * A failure of the call itself.
     *
     * @param unreachable the kernel's answer to the call, or null when there was none (an answer that made no
     *                    sense, a refusal)
     */
    protected ProtocolException(String message, SysError unreachable) {
        super(message);
        this.unreachable = unreachable;
    }

    /** The protocol's wire code for this failure. */
    public abstract int code();

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
}
