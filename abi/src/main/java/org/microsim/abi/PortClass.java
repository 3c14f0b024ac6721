package org.microsim.abi;

/**
 * What kind of thing a port stands for: the {@code port_class} field of {@link PortInfo}.
 * The codes are the seed design's and travel on the wire as a little-endian u16.
 */
public enum PortClass implements WireCode {
    BLOCK(1),
    STORAGE_CONTROLLER(2),
    USB(3),
    NETWORK(4),
    DISPLAY(5),
    INPUT(6),
    SERIAL(7),
    AUDIO(8),
    BUS(9),
    FILESYSTEM(10),
    SERVICE(11);

    private final int code;

    PortClass(int code) {
        this.code = code;
    }

    /** The wire code. */
    @Override
    public int code() {
        return code;
    }

    /**
     * The class for a wire code.
     *
     * @throws MalformedException when no class has that code
     */
    public static PortClass fromCode(int code) throws MalformedException {
        return WireCode.fromCode(PortClass.class, code, "port class");
    }
}
