package org.microsim.services.svcman;

/** What the supervisor wants done; the IPC loop carries these out in order. */
public sealed interface Action {
    /** Spawn a task running {@code program} for {@code service}. */
    record Spawn(String service, String program) implements Action {
    }

    /** Kill the task of {@code service} (not as a crash: the supervisor chose it). */
    record Kill(String service, String reason) implements Action {
    }

    /** Deliver {@link Event.TimerFired} for {@code timer} once virtual time reaches {@code at}. */
    record ScheduleTimer(Timer timer, long at) implements Action {
    }

    /**
     * Tasks waiting to open {@code name} get {@code UNAVAILABLE} with {@code reason} (the kernel words it as
     * "NAME is unavailable: REASON").
     */
    record NameUnavailable(String name, String reason) implements Action {
    }
}
