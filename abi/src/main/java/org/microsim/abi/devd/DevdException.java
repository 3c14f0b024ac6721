package org.microsim.abi.devd;

import org.microsim.abi.MalformedException;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A refused or failed devd request with its protocol error code; a refused request has changed nothing. */
public final class DevdException extends ProtocolException {
    private final DevdErrorCode code;

    /** A refusal with its code and a sentence for the operator. */
    public DevdException(DevdErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    /** devd could not be reached or answered nonsense: UNAVAILABLE. */
    public DevdException(String detail, SysError unreachable) {
        super(detail, unreachable);
        this.code = DevdErrorCode.UNAVAILABLE;
    }

    /** The failure an error reply with {@code code} carries; an unknown code is UNAVAILABLE, saying so. */
    public static DevdException of(int code, String detail) {
        try {
            return new DevdException(DevdErrorCode.fromCode(code), detail);
        } catch (MalformedException e) {
            return new DevdException(DevdErrorCode.UNAVAILABLE, e.getMessage() + ": " + detail);
        }
    }

    /** The protocol error code. */
    public DevdErrorCode error() {
        return code;
    }

    @Override
    public int code() {
        return code.code();
    }
}
