package org.microsim.abi.fs;

/** A failed filesystem operation: an {@link FsError} and a sentence saying what and why. */
public class FsException extends Exception {
    private final FsError error;

    /** A failure of kind {@code error}, explained by {@code message}. */
    public FsException(FsError error, String message) {
        super(message);
        this.error = error;
    }

    /** The kind of failure, as it travels on the wire. */
    public FsError error() {
        return error;
    }
}
