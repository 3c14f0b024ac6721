package org.microsim.abi.net;

import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A failed request to the network service, with its {@link NetError}. */
public class NetException extends ProtocolException {
    /** A failure with its error code and a sentence for people. */
    public NetException(NetError error, String message) {
        super(error, message, null);
    }

    /** The call never got an answer: an I/O error that says why. */
    public NetException(String message, SysError unreachable) {
        super(NetError.IO_ERROR, message, unreachable);
    }

    /** The failure an error reply with {@code code} carries; an unknown code is an I/O error that says so. */
    public static NetException of(int code, String detail) {
        return fromReply(NetError.class, code, detail, NetError.IO_ERROR, NetException::new);
    }

    /** Why it failed. */
    public NetError error() {
        return (NetError) wireError();
    }
}
