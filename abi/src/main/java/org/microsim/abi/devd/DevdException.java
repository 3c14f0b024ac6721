package org.microsim.abi.devd;

import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A refused or failed devd request with its protocol error code; a refused request has changed nothing. */
public final class DevdException extends ProtocolException {
    /** A refusal with its code and a sentence for the operator. */
    public DevdException(DevdErrorCode code, String detail) {
        super(code, detail, null);
    }

    /** devd could not be reached or answered nonsense: UNAVAILABLE. */
    public DevdException(String detail, SysError unreachable) {
        super(DevdErrorCode.UNAVAILABLE, detail, unreachable);
    }

    /** The failure an error reply with {@code code} carries; an unknown code is UNAVAILABLE, saying so. */
    public static DevdException of(int code, String detail) {
        return fromReply(DevdErrorCode.class, code, detail, DevdErrorCode.UNAVAILABLE, DevdException::new);
    }

    /** The protocol error code. */
    public DevdErrorCode error() {
        return (DevdErrorCode) wireError();
    }
}
