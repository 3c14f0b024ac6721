package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.trace.ChromeTrace;
import org.microsim.kernel.TraceEvent;

/**
 * A whole boot (init, svcman, devd, the ahci driver programming the controller model, partd) is a pure
 * function of the seed: two runs with one seed give the same trace event for event, and the trace is not
 * trivially short.
 */
class BootDeterminismTest {
    private static List<TraceEvent> bootAndPoke(long seed) throws CommandException {
        MachineOptions options = new MachineOptions(List.of(), List.of(), seed, false, Optional.empty(),
                Optional.empty(), false);
        try (org.microsim.harness.Session session = new SimSessionFactory().open(options)) {
            run(session, "boot");
            run(session, "spawn", "echo");
            run(session, "spawn", "pinger", "4");
            run(session, "crash", "echo");
            run(session, "sleep", "2s");
            return session.trace();
        } catch (org.microsim.harness.SessionException e) {
            throw new AssertionError(e);
        }
    }

    private static void run(org.microsim.harness.Session session, String name, String... args) throws CommandException {
        for (Command c : session.commands()) {
            if (c.name().equals(name)) {
                c.run(List.of(args));
                return;
            }
        }
        throw new AssertionError("no command " + name);
    }

    /** Two machines on the user LAN pinging each other: the trace has both, one process each. */
    private static List<ChromeTrace.Machine> twoMachines(long seed) throws CommandException {
        MachineOptions options = new MachineOptions(List.of(), List.of(), seed, false, Optional.empty(),
                Optional.empty(), false);
        try (org.microsim.harness.Session session = new SimSessionFactory().open(options)) {
            run(session, "boot");
            run(session, "machine", "add", "b");
            run(session, "on", "b", "boot");
            run(session, "ping", "10.0.2.16", "-c", "2");
            return session.traces();
        } catch (org.microsim.harness.SessionException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyMachineOfASessionIsInItsTraceTheSameForTheSameSeed() throws CommandException {
        List<ChromeTrace.Machine> first = twoMachines(5);
        assertEquals(List.of("microsim main", "microsim b"), first.stream().map(ChromeTrace.Machine::name).toList());
        assertTrue(first.get(1).events().stream().anyMatch(e -> e.kind() == TraceEvent.Kind.IRQ),
                "b's NIC never interrupted");
        assertEquals(first, twoMachines(5));
    }

    @Test
    void theSameSeedGivesTheSameBootEventForEvent() throws CommandException {
        List<TraceEvent> first = bootAndPoke(11);
        List<TraceEvent> second = bootAndPoke(11);
        assertTrue(first.size() > 50, "only " + first.size() + " events");
        assertTrue(first.stream().anyMatch(e -> e.kind() == TraceEvent.Kind.IRQ), "the disk never interrupted");
        for (int i = 0; i < Math.min(first.size(), second.size()); i++) {
            assertEquals(first.get(i), second.get(i), "first difference at event " + i);
        }
        assertEquals(first.size(), second.size());
    }
}
