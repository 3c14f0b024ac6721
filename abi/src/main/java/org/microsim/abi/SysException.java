package org.microsim.abi;

/** A system-call error turned into a crash by {@link Result#orThrow()}: the task's supervisor restarts it. */
public class SysException extends RuntimeException {
    private final SysError error;

    public SysException(SysError error) {
        super(error.toString());
        this.error = error;
    }

    public SysError error() {
        return error;
    }
}
