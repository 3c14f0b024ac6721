package org.microsim.abi.devd;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/** The u16 codes of devd's {@link org.microsim.abi.Replies#error error replies}. */
public enum DevdErrorCode implements WireCode {
    /** A rule line does not parse; the detail gives the line, the offending word and why. */
    BAD_RULE(1),
    /** The request is malformed. */
    BAD_REQUEST(2),
    /** A port with that name is registered already, or would be its own ancestor. */
    EXISTS(3),
    /** No port has that name. */
    UNKNOWN_PORT(4),
    /** devd could not be reached, or failed on its own. */
    UNAVAILABLE(5);

    private final int code;

    DevdErrorCode(int code) {
        this.code = code;
    }

    /** The wire code. */
    @Override
    public int code() {
        return code;
    }

    /**
     * The error for a wire code.
     *
     * @throws MalformedException for an unknown code
     */
    public static DevdErrorCode fromCode(int code) throws MalformedException {
        return WireCode.fromCode(DevdErrorCode.class, code, "devd error code");
    }
}
