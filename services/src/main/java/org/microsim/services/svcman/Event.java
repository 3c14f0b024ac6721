package org.microsim.services.svcman;

/**
 * What happens to the supervisor from outside: task and port notifications from the kernel, reports from
 * services and timers coming due. Events about unknown or stale services change nothing.
 */
sealed interface Event {
    /** The task of a service is running (spawn succeeded). */
    record TaskStarted(String service) implements Event {
    }

    /** The service reported that it is ready to serve. */
    record ReadyReported(String service) implements Event {
    }

    /** The task of a service crashed or exited (an exit is a crash to a supervisor of long-running tasks). */
    record Crashed(String service, String cause) implements Event {
    }

    /**
     * The kernel refused to start the task for a reason no retry changes (no such program, bad arguments):
     * the service fails at once instead of spending its start-up retries.
     */
    record SpawnRefused(String service, String cause) implements Event {
    }

    /** A timer the supervisor scheduled came due. */
    record TimerFired(Timer timer) implements Event {
    }

    /** Somebody looked up a name no port has yet. */
    record NameWanted(String name) implements Event {
    }

    /** A port with this name was registered. */
    record PortAppeared(String name) implements Event {
    }
}
