package org.microsim.abi.svc;

import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/**
 * A refused or failed service manager request, with its {@link SvcErrorCode}. Checked, so every request path
 * decides what to reply; a refused request has changed nothing.
 */
public final class SvcException extends ProtocolException {
    /** A refusal with its code and a sentence for the operator. */
    public SvcException(SvcErrorCode code, String detail) {
        super(code, detail, null);
    }

    /** The manager could not be reached or answered nonsense: UNAVAILABLE. */
    public SvcException(String detail, SysError unreachable) {
        super(SvcErrorCode.UNAVAILABLE, detail, unreachable);
    }

    /** The failure an error reply with {@code code} carries; an unknown code is UNAVAILABLE, saying so. */
    public static SvcException of(int code, String detail) {
        return fromReply(SvcErrorCode.class, code, detail, SvcErrorCode.UNAVAILABLE, SvcException::new);
    }

    /** The protocol error code. */
    public SvcErrorCode error() {
        return (SvcErrorCode) wireError();
    }
}
