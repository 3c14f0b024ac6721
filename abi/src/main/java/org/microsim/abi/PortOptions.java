package org.microsim.abi;

/**
 * How a port is registered: the bound of its queue and whether any task may find it by name
 * ({@code public}); a private port is reachable only through handles its owner hands out.
 */
public record PortOptions(int queueCapacity, boolean publicName) {
    public static final int DEFAULT_CAPACITY = 64;
    public static final int MAX_CAPACITY = 65536;
    public static final PortOptions DEFAULT = new PortOptions(DEFAULT_CAPACITY, true);
    public static final PortOptions PRIVATE = new PortOptions(DEFAULT_CAPACITY, false);
}
