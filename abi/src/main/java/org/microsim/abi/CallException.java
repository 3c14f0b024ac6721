package org.microsim.abi;

/**
 * A failed call of a protocol that speaks the system's own error codes ({@link ErrorCode}): the kernel port's
 * requests ({@link KernelRequest}), and small protocols that need no codes of their own (the echo demo).
 */
public final class CallException extends ProtocolException {
    /** The server's refusal. */
    public CallException(ErrorCode error, String message) {
        super(error, message, null);
    }

    /** The call failed: the kernel's error, or UNAVAILABLE for an answer that did not decode. */
    public CallException(String message, SysError unreachable) {
        super(unreachable == null ? ErrorCode.UNAVAILABLE : unreachable.code(), message, unreachable);
    }

    /** The failure an error reply with {@code code} carries. */
    public static CallException of(int code, String detail) {
        return fromReply(ErrorCode.class, code, detail, ErrorCode.UNAVAILABLE, CallException::new);
    }

    /** Why. */
    public ErrorCode error() {
        return (ErrorCode) wireError();
    }
}
