package org.microsim.abi.block;

import org.microsim.abi.MalformedException;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A failed block operation, with its {@link BlockError}. */
public class BlockException extends ProtocolException {
    private final BlockError error;

    /** A failure with its error code and a sentence for people. */
    public BlockException(BlockError error, String message) {
        super(message);
        this.error = error;
    }

    /** The call never got an answer: DEVICE_GONE when the server is gone, IO_ERROR otherwise. */
    public BlockException(String message, SysError unreachable) {
        super(message, unreachable);
        this.error = gone(unreachable) ? BlockError.DEVICE_GONE : BlockError.IO_ERROR;
    }

    /** The failure an error reply with {@code code} carries; an unknown code is IO_ERROR, saying so. */
    public static BlockException of(int code, String detail) {
        try {
            return new BlockException(BlockError.fromCode(code), detail);
        } catch (MalformedException e) {
            return new BlockException(BlockError.IO_ERROR, e.getMessage() + ": " + detail);
        }
    }

    /** Why it failed. */
    public BlockError error() {
        return error;
    }

    @Override
    public int code() {
        return error.code();
    }
}
