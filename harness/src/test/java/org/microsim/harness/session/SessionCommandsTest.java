package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.SessionException;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Foreground;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;

/** The machine's commands as the console runs them: lines as they come, and Ctrl-C between steps. */
class SessionCommandsTest {
    private static Foreground.Run run(CommandSet commands, java.util.function.Consumer<String> print, String name,
            String... args) {
        return commands.foreground().run(new Invocation(commands.find(name).orElseThrow(), List.of(args)), print);
    }

    @Test
    void logLinesComeWhileTheCommandRunsAndStartItsOutput() throws SessionException {
        try (Session session = new SimSessionFactory().open(MachineOptions.defaults())) {
            CommandSet commands = Commands.of(session);
            List<String> printed = new ArrayList<>();
            Foreground.Run boot = run(commands, printed::add, "boot");
            assertTrue(printed.size() > 5, printed.toString());
            assertTrue(printed.stream().anyMatch(line -> line.contains("mounted fat:ahci0:disk0p2")), printed.toString());
            String whole = boot.outcome().text();
            assertTrue(whole.startsWith(String.join("\n", printed) + "\n"), whole);
            assertTrue(whole.endsWith(boot.rest().text()), whole);
            // What was printed as it came is not printed again.
            assertFalse(boot.rest().text().contains("mounted"), boot.rest().text());
            assertTrue(boot.rest().text().startsWith("booted at "), boot.rest().text());
        }
    }

    @Test
    void ctrlCStopsASleepBetweenTwoSteps() throws SessionException {
        try (Session session = new SimSessionFactory().open(MachineOptions.defaults())) {
            CommandSet commands = Commands.of(session);
            run(commands, line -> { }, "boot");
            // With no echo to call, the pinger gives up after its lookup's timeout and says so: a line in the
            // middle of the sleep, at a known virtual time, when the test presses Ctrl-C.
            run(commands, line -> { }, "spawn", "pinger", "1");
            Foreground.Run sleep = run(commands, line -> {
                if (line.contains("cannot reach echo")) {
                    assertEquals(Foreground.Interrupt.STOPPING, commands.foreground().interrupt());
                }
            }, "sleep", "1h");
            assertEquals(new Outcome.Failure("interrupted (Ctrl-C)"), sleep.rest());
            assertTrue(sleep.outcome().text().contains("cannot reach echo"), sleep.outcome().text());
            String time = run(commands, line -> { }, "time").outcome().text();
            // Stopped within one step (100 ms) of the line at 5.0465 s, not an hour later.
            assertTrue(time.matches("virtual time 5\\.(0|1)\\d+s .*"), time);
            assertEquals(Foreground.Interrupt.IDLE, commands.foreground().interrupt());
        }
    }
}
