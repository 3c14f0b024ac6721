package org.microsim.abi.svc;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** The u16 codes of the service manager's {@link org.microsim.abi.Replies#error error replies}. */
public enum SvcErrorCode implements WireCode {
    /** No service has that name. */
    UNKNOWN_SERVICE(1),
    /** The dependency would close a cycle; the detail names it ({@code cycle: a -> b -> a}). */
    CYCLE(2),
    /** A service or reserved name with that name is registered already. */
    EXISTS(3),
    /** The request is malformed or its fields are out of their domain (a self-dependency, a bad contract). */
    BAD_REQUEST(4),
    /** The service or name cannot be provided (its owner failed, a timeout passed). */
    UNAVAILABLE(5),
    /** The caller may not do this (a task reporting ready for a service it is not). */
    DENIED(6),
    /** The service cannot be unregistered while others depend on it; the detail names them. */
    IN_USE(7);

    private final int code;

    SvcErrorCode(int code) {
        this.code = code;
    }

    /** The wire code. */
    @Override
    public int code() {
        return code;
    }

    /**
     * The error for a wire code.
     *
     * @throws MalformedException for an unknown code
     */
    public static SvcErrorCode fromCode(int code) throws MalformedException {
        return WireCode.fromCode(SvcErrorCode.class, code, "service manager error code");
    }
}
