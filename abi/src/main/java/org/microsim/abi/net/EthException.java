package org.microsim.abi.net;

import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A failed Ethernet request, with its {@link EthError}. */
public class EthException extends ProtocolException {
    /** A failure with its error code and a sentence for people. */
    public EthException(EthError error, String message) {
        super(error, message, null);
    }

    /** The call never got an answer: DEVICE_GONE when the server is gone, IO_ERROR otherwise. */
    public EthException(String message, SysError unreachable) {
        super(gone(unreachable) ? EthError.DEVICE_GONE : EthError.IO_ERROR, message, unreachable);
    }

    /** The failure an error reply with {@code code} carries; an unknown code is an I/O error that says so. */
    public static EthException of(int code, String detail) {
        return fromReply(EthError.class, code, detail, EthError.IO_ERROR, EthException::new);
    }

    /** Why it failed. */
    public EthError error() {
        return (EthError) wireError();
    }

    /** Whether the driver or its device is gone: the call found no server, or the driver answered DEVICE_GONE. */
    public boolean driverGone() {
        return peerGone() || error() == EthError.DEVICE_GONE;
    }
}
