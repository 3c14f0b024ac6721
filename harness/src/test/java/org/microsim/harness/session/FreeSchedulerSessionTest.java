package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.harness.MachineOptions;

/**
 * Under the free scheduler the clock follows the wall clock and never stands still, so a command's settle must
 * end when the system is quiet, not run to its 60 s limit waiting for time to stop moving (as boot once did).
 */
class FreeSchedulerSessionTest {
    @Test
    void bootAndACommandEndWhenTheSystemIsQuiet() throws Exception {
        MachineOptions free = new MachineOptions(List.of(), List.of(), 1, true, Optional.empty(), Optional.empty(),
                false);
        try (ConsoleMachine m = ConsoleMachine.with(free)) {
            m.run("ls", "/vol/msc0:p1");
            String time = m.run("time");
            long nanos = Long.parseLong(time.substring(time.indexOf('(') + 1, time.indexOf(" ns)")));
            // The settle limit is 60 s; a quiet system is seen in well under a second of the wall clock.
            assertTrue(nanos < 30_000_000_000L, "boot and ls took " + time);
        }
    }
}
