package org.microsim.abi.fs;

import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A failed filesystem operation: an {@link FsError} and a sentence saying what and why. */
public class FsException extends ProtocolException {
    /** A failure of kind {@code error}, explained by {@code message}. */
    public FsException(FsError error, String message) {
        super(error, message, null);
    }

    /** A call that got no usable answer: {@link FsError#IO_ERROR}. */
    public FsException(String message, SysError unreachable) {
        super(FsError.IO_ERROR, message, unreachable);
    }

    /** The failure an error reply with {@code code} carries; an unknown code is an I/O error that says so. */
    public static FsException of(int code, String detail) {
        return fromReply(FsError.class, code, detail, FsError.IO_ERROR, FsException::new);
    }

    /** The kind of failure, as it travels on the wire. */
    public FsError error() {
        return (FsError) wireError();
    }
}
