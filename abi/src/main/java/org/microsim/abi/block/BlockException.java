package org.microsim.abi.block;

/** A failed block operation, with its {@link BlockError}. */
public class BlockException extends Exception {
    private final BlockError error;

    public BlockException(BlockError error, String message) {
        super(message);
        this.error = error;
    }

    public BlockError error() {
        return error;
    }
}
