package org.microsim.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * The ports a {@link Server} receives on, for a server whose ports come and go while it runs: a bus driver
 * registers a port when a device is plugged in and unregisters it when the device leaves, and the server's next
 * wait covers exactly the ports there are then. Used from the server's own thread only, like {@link Sys}.
 */
public final class PortSet {
    /** The most ports one receive can wait on. */
    public static final int MAX = 64;

    private final List<Handle> ports = new ArrayList<>();
    private Handle[] snapshot = new Handle[0];

    /** A set holding {@code initial}. */
    public static PortSet of(Handle... initial) {
        PortSet set = new PortSet();
        for (Handle h : initial) {
            set.add(h);
        }
        return set;
    }

    /** Adds a port; from the next wait on, its messages are received. */
    public void add(Handle port) {
        if (ports.size() >= MAX) {
            throw new IllegalStateException("a server waits on at most " + MAX + " ports");
        }
        ports.add(port);
        snapshot = ports.toArray(Handle[]::new);
    }

    /** Removes a port; nothing more is received from it. */
    public void remove(Handle port) {
        ports.remove(port);
        snapshot = ports.toArray(Handle[]::new);
    }

    /** The ports now, for a receive. */
    Handle[] current() {
        return snapshot;
    }
}
