package org.microsim.services.devd;

import org.microsim.abi.devd.DevdErrorCode;

/** A refused devd operation with its protocol error code; a refused operation has changed nothing. */
public final class DevdException extends Exception {
    private final DevdErrorCode code;

    /** A refusal with its code and a sentence for the operator. */
    public DevdException(DevdErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    /** The protocol error code. */
    public DevdErrorCode code() {
        return code;
    }
}
