package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** The FAT variant of a volume; the wire code is the number of bits per FAT entry. */
public enum FsType implements WireCode {
    FAT12(12),
    FAT16(16),
    FAT32(32);

    private final int code;

    FsType(int code) {
        this.code = code;
    }

    /** The wire code: 12, 16 or 32. */
    @Override
    public int code() {
        return code;
    }

    /** The type with wire code {@code code}. */
    public static FsType fromCode(int code) throws MalformedException {
        return WireCode.fromCode(FsType.class, code, "filesystem type");
    }
}
