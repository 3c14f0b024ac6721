package org.microsim.abi.block;

import org.microsim.abi.MalformedException;

/** Why a block request failed. The wire codes are the block protocol's error codes. */
public enum BlockError {
    OUT_OF_RANGE(1),
    READ_ONLY(2),
    DEVICE_GONE(3),
    IO_ERROR(4),
    INVALID_REQUEST(5),
    LEASE_TOO_SMALL(6);

    private final int code;

    BlockError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static BlockError fromCode(int code) throws MalformedException {
        for (BlockError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new MalformedException("unknown block error " + code);
    }
}
