package org.microsim.services.svcman;

import java.util.List;
import org.microsim.abi.Handle;

/** What the supervisor wants done; the IPC loop carries these out in order. */
sealed interface Action {
    /** Spawn a task running {@code program} for {@code service}, passing it {@code handles} as its start handles. */
    record Spawn(String service, String program, List<Handle> handles) implements Action {
        /** Copies the handles. */
        public Spawn {
            handles = List.copyOf(handles);
        }
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

    /** {@code service} was unregistered: forget its task history and close the start handles it was given. */
    record Forget(String service, List<Handle> handles) implements Action {
        /** Copies the handles. */
        public Forget {
            handles = List.copyOf(handles);
        }
    }
}
