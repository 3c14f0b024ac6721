package org.microsim.abi;

/**
 * How a port is registered: the bound of its queue and whether any task may find it by name
 * ({@code public}); a private port is reachable only through handles its owner hands out.
 *
 * <p>The bound holds exactly for a queue of 8 or fewer. For a larger one the owner, while it is busy taking
 * messages, tells senders of the room it freed in batches (an eighth of the bound, at most 64), so a sender
 * may find such a queue full a little before it is; an owner that empties its queue tells at once. This
 * keeps a sender retrying a full queue from slowing its receiver down, and is never more room than the
 * bound.
 */
public record PortOptions(int queueCapacity, boolean publicName) {
    public static final int DEFAULT_CAPACITY = 64;
    public static final int MAX_CAPACITY = 65536;
    public static final PortOptions DEFAULT = new PortOptions(DEFAULT_CAPACITY, true);
    public static final PortOptions PRIVATE = new PortOptions(DEFAULT_CAPACITY, false);
}
