package org.microsim.abi;

/**
 * An enum whose constants travel as a number: error codes, port classes, states. {@link #fromCode} is the one
 * strict decoder for all of them.
 */
public interface WireCode {
    /** The number on the wire. */
    int code();

    /**
     * The constant of {@code type} whose code is {@code code}.
     *
     * @param what names the field in the error ("block error", "filesystem type")
     * @throws MalformedException when no constant has that code
     */
    static <C extends Enum<C> & WireCode> C fromCode(Class<C> type, int code, String what)
            throws MalformedException {
        for (C c : type.getEnumConstants()) {
            if (c.code() == code) {
                return c;
            }
        }
        throw new MalformedException("unknown " + what + " " + code);
    }
}
