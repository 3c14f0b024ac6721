package org.microsim.services.devd;

/** What devd's logic wants done; its IPC loop carries these out in order. */
sealed interface DevdAction {
    /**
     * Register {@code driver} for the port with the service manager as {@code service}, depending on
     * {@code dependsOn} (the service of the parent port's driver, empty for none), with a handle to the port
     * (its resources) as start handle 0, and start it.
     */
    record StartDriver(String port, long portId, String driver, String service, String dependsOn)
            implements DevdAction {
    }

    /** Stop and forget the driver service bound to the port. */
    record StopDriver(String port, String service) implements DevdAction {
    }

    /**
     * The port left the registry, or was detached (its id is then no longer in use); its handle is closed and
     * its stored notices are dropped. {@code portId} is {@link PortRegistry.Entry#ABSENT} for a port that was
     * detached already.
     */
    record Unregistered(String port, long portId) implements DevdAction {
    }

    /** Send msg id 100 for the driver port {@code portId}, with a handle to it, to {@code subscriber}. */
    record Notify(String subscriber, long portId) implements DevdAction {
    }

    /** Send msg id 101: the driver port {@code portId} that {@code subscriber} was told of is gone for good. */
    record NotifyGone(String subscriber, long portId) implements DevdAction {
    }
}
