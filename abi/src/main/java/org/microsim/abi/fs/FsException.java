package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A failed filesystem operation: an {@link FsError} and a sentence saying what and why. */
public class FsException extends ProtocolException {
    private final FsError error;

    /** A failure of kind {@code error}, explained by {@code message}. */
    public FsException(FsError error, String message) {
        super(message);
        this.error = error;
    }

    /** A call that got no usable answer: {@link FsError#IO_ERROR}. */
    public FsException(String message, SysError unreachable) {
        super(message, unreachable);
        this.error = FsError.IO_ERROR;
    }

    /** The failure an error reply with {@code code} carries; an unknown code is an I/O error that says so. */
    public static FsException of(int code, String detail) {
        try {
            return new FsException(FsError.fromCode(code), detail);
        } catch (MalformedException e) {
            return new FsException(FsError.IO_ERROR, e.getMessage() + ": " + detail);
        }
    }

    /** The kind of failure, as it travels on the wire. */
    public FsError error() {
        return error;
    }

    @Override
    public int code() {
        return error.code();
    }
}
