package org.microsim.abi.block;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** Why a block request failed. The wire codes are the block protocol's error codes. */
public enum BlockError implements WireCode {
    /** Some of the blocks asked for are past the end of the device (or the LBA is over 2^63-1). */
    OUT_OF_RANGE(1),
    /** A write to a read-only device. */
    READ_ONLY(2),
    /** The device, or the task serving it, is no longer there. */
    DEVICE_GONE(3),
    /** The device failed the operation, timed out or answered nonsense. */
    IO_ERROR(4),
    /** A malformed or unknown request, a zero count, a lease without the right it needs, too long a transfer. */
    INVALID_REQUEST(5),
    /** The lease is shorter than the transfer, or missing. */
    LEASE_TOO_SMALL(6);

    private final int code;

    BlockError(int code) {
        this.code = code;
    }

    /** The wire code, as in an error reply. */
    @Override
    public int code() {
        return code;
    }

    /**
     * The error for a wire code.
     *
     * @throws MalformedException when no error has that code
     */
    public static BlockError fromCode(int code) throws MalformedException {
        return WireCode.fromCode(BlockError.class, code, "block error");
    }
}
