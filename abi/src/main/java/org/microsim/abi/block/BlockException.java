package org.microsim.abi.block;

/** A failed block operation, with its {@link BlockError}. */
public class BlockException extends Exception {
    private final BlockError error;

    /** A failure with its error code and a sentence for people. */
    public BlockException(BlockError error, String message) {
        super(message);
        this.error = error;
    }

    /** Why it failed. */
    public BlockError error() {
        return error;
    }
}
