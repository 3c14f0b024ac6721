package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** Why a filesystem request failed. The wire codes are stable: they travel in {@code REPLY_ERROR} replies. */
public enum FsError implements WireCode {
    NOT_FOUND(1),
    EXISTS(2),
    NOT_A_DIRECTORY(3),
    IS_A_DIRECTORY(4),
    NOT_EMPTY(5),
    NO_SPACE(6),
    READ_ONLY(7),
    INVALID_NAME(8),
    NAME_TOO_LONG(9),
    IO_ERROR(10),
    BAD_HANDLE(11),
    CORRUPT(12),
    /** The request itself is wrong: bytes that do not decode, an unknown msg id, a missing or short lease. */
    INVALID_REQUEST(13);

    private final int code;

    FsError(int code) {
        this.code = code;
    }

    /** The wire code. */
    @Override
    public int code() {
        return code;
    }

    /**
     * The error with wire code {@code code}.
     *
     * @throws MalformedException when no error has that code
     */
    public static FsError fromCode(int code) throws MalformedException {
        return WireCode.fromCode(FsError.class, code, "filesystem error");
    }
}
