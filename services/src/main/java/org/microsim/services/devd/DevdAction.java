package org.microsim.services.devd;

/** What devd's logic wants done; its IPC loop carries these out in order. */
public sealed interface DevdAction {
    /** Start {@code driver} for the port, supervised, with a handle to the port (its resources) granted. */
    record StartDriver(String port, long portId, String driver) implements DevdAction {
    }

    /** Stop the driver bound to the port. */
    record StopDriver(String port, long portId, String driver) implements DevdAction {
    }

    /** The port left the registry (after its driver was stopped); its stored notices are dropped. */
    record Unregistered(String port, long portId) implements DevdAction {
    }

    /** Send msg id 100 for the driver port {@code portId}, with a handle to it, to {@code subscriber}. */
    record Notify(String subscriber, long portId) implements DevdAction {
    }
}
