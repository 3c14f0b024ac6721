package org.microsim.abi.net;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** Why an Ethernet request failed. The wire codes are the Ethernet protocol's error codes. */
public enum EthError implements WireCode {
    /** A malformed or unknown request, a frame shorter than a header or longer than the MTU allows. */
    INVALID_REQUEST(1),
    /** RECEIVE from a task that never subscribed to this port. */
    NOT_SUBSCRIBED(2),
    /** The port, or the task serving it, is no longer there. */
    DEVICE_GONE(3),
    /** The device failed or answered nonsense. */
    IO_ERROR(4),
    /** The lease is missing, shorter than the frames it should hold, or lacks the right the request needs. */
    LEASE_TOO_SMALL(5);

    private final int code;

    EthError(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /**
     * The error for a wire code.
     *
     * @throws MalformedException when no error has that code
     */
    public static EthError fromCode(int code) throws MalformedException {
        return WireCode.fromCode(EthError.class, code, "Ethernet error");
    }
}
