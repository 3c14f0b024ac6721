package org.microsim.abi.block;

import org.microsim.abi.ProtocolException;
import org.microsim.abi.SysError;

/** A failed block operation, with its {@link BlockError}. */
public class BlockException extends ProtocolException {
    /** A failure with its error code and a sentence for people. */
    public BlockException(BlockError error, String message) {
        super(error, message, null);
    }

    /** The call never got an answer: DEVICE_GONE when the server is gone, IO_ERROR otherwise. */
    public BlockException(String message, SysError unreachable) {
        super(gone(unreachable) ? BlockError.DEVICE_GONE : BlockError.IO_ERROR, message, unreachable);
    }

    /** The failure an error reply with {@code code} carries; an unknown code is an I/O error that says so. */
    public static BlockException of(int code, String detail) {
        return fromReply(BlockError.class, code, detail, BlockError.IO_ERROR, BlockException::new);
    }

    /** Why it failed. */
    public BlockError error() {
        return (BlockError) wireError();
    }
}
