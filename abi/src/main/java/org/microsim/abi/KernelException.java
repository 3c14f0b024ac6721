package org.microsim.abi;

/** A refused or failed request to the kernel port ({@link KernelRequest}), with its {@link ErrorCode}. */
public final class KernelException extends ProtocolException {
    private final ErrorCode error;

    /** The kernel's refusal. */
    public KernelException(ErrorCode error, String message) {
        super(message);
        this.error = error;
    }

    /** The call to the kernel port failed. */
    public KernelException(String message, SysError unreachable) {
        super(message, unreachable);
        this.error = unreachable == null ? ErrorCode.UNAVAILABLE : unreachable.code();
    }

    /** The failure an error reply with {@code code} carries; an unknown code is UNAVAILABLE, saying so. */
    public static KernelException of(int code, String detail) {
        try {
            return new KernelException(ErrorCode.fromCode(code), detail);
        } catch (MalformedException e) {
            return new KernelException(ErrorCode.UNAVAILABLE, e.getMessage() + ": " + detail);
        }
    }

    /** Why. */
    public ErrorCode error() {
        return error;
    }

    @Override
    public int code() {
        return error.code();
    }
}
