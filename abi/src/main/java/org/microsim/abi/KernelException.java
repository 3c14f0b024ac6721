package org.microsim.abi;

/** A refused or failed request to the kernel port ({@link KernelRequest}), with its {@link ErrorCode}. */
public final class KernelException extends ProtocolException {
    /** The kernel's refusal. */
    public KernelException(ErrorCode error, String message) {
        super(error, message, null);
    }

    /** The call to the kernel port failed: its error, or UNAVAILABLE for an answer that did not decode. */
    public KernelException(String message, SysError unreachable) {
        super(unreachable == null ? ErrorCode.UNAVAILABLE : unreachable.code(), message, unreachable);
    }

    /** The failure an error reply with {@code code} carries. */
    public static KernelException of(int code, String detail) {
        return fromReply(ErrorCode.class, code, detail, ErrorCode.UNAVAILABLE, KernelException::new);
    }

    /** Why. */
    public ErrorCode error() {
        return (ErrorCode) wireError();
    }
}
