package org.microsim.abi.svc;

import org.microsim.abi.MalformedException;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/**
 * A refused or failed service manager request, with its {@link SvcErrorCode}. Checked, so every request path
 * decides what to reply; a refused request has changed nothing.
 */
public final class SvcException extends ProtocolException {
    private final SvcErrorCode code;

    /** A refusal with its code and a sentence for the operator. */
    public SvcException(SvcErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    /** The manager could not be reached or answered nonsense: UNAVAILABLE. */
    public SvcException(String detail, SysError unreachable) {
        super(detail, unreachable);
        this.code = SvcErrorCode.UNAVAILABLE;
    }

    /** The failure an error reply with {@code code} carries; an unknown code is UNAVAILABLE, saying so. */
    public static SvcException of(int code, String detail) {
        try {
            return new SvcException(SvcErrorCode.fromCode(code), detail);
        } catch (MalformedException e) {
            return new SvcException(SvcErrorCode.UNAVAILABLE, e.getMessage() + ": " + detail);
        }
    }

    /** The protocol error code. */
    public SvcErrorCode error() {
        return code;
    }

    @Override
    public int code() {
        return code.code();
    }
}
