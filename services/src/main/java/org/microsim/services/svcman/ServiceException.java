package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcErrorCode;

/**
 * A refused service manager request, with the protocol error code the IPC loop answers with. Checked, so
 * every request path decides what to reply; a refused request has changed nothing.
 */
public final class ServiceException extends Exception {
    private final SvcErrorCode code;

    /** A refusal with its code and a sentence for the operator. */
    public ServiceException(SvcErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    /** The protocol error code. */
    public SvcErrorCode code() {
        return code;
    }
}
