package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;
import org.microsim.kernel.TraceEvent;

/** The fault command on a booted demo machine: faults are trace events, replay from the seed, and name targets. */
class FaultCommandsTest {
    /** Runs lines on a fresh demo machine with {@code seed}; returns the trace, and each line's outcome in {@code out}. */
    private static List<TraceEvent> run(long seed, List<Outcome> out, String... lines) {
        try (Session session = new SimSessionFactory().open(new MachineOptions(List.of(), List.of(), seed,
                false, Optional.empty(), Optional.empty(), false))) {
            CommandSet commands = Commands.of(session);
            for (String line : lines) {
                List<String> words = List.of(line.split(" "));
                out.add(new Invocation(commands.find(words.get(0)).orElseThrow(), words.subList(1, words.size())).run());
            }
            return session.trace();
        } catch (org.microsim.harness.SessionException e) {
            throw new AssertionError(e);
        }
    }

    private static final String[] WORKLOAD = {
        "boot", "fault irq ahci drop=0.5", "fault disk ahci0:disk0 error=corrupt count=3",
        "cat /vol/ahci0:disk0p1/README.TXT", "spawn echo", "fault task echo hang at=20s", "spawn pinger 2",
        "sleep 10s", "fault", "fault link user loss=0.5", "ping 10.0.2.2 -c 4", "fault clear"};

    @Test
    void theSameSeedAndFaultsGiveTheSameTraceWithEveryFaultInIt() {
        List<Outcome> outcomes = new java.util.ArrayList<>();
        List<TraceEvent> first = run(5, outcomes, WORKLOAD);
        List<TraceEvent> second = run(5, new java.util.ArrayList<>(), WORKLOAD);
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i), second.get(i), "first difference at event " + i);
        }
        List<String> faults = first.stream().filter(e -> e.kind() == TraceEvent.Kind.FAULT)
                .map(e -> e.taskName() + ": " + e.detail()).toList();
        assertEquals(List.of("kernel: fault irq ahci drop=0.5", "kernel: fault disk ahci0:disk0 error=corrupt count=3",
                "kernel: fault task echo hang at=20s", "echo: hang", "kernel: fault link user loss=0.5",
                "kernel: fault clear", "echo: clear"), faults);
        TraceEvent hang = first.stream().filter(e -> e.detail().equals("hang")).findFirst().orElseThrow();
        assertEquals(20_000_000_000L, hang.time(), "a fault at=20s acts at 20 s of virtual time");
    }

    @Test
    void aTargetThatIsNotThereIsAOneLineFailureAndNothingIsInjected() {
        List<Outcome> out = new java.util.ArrayList<>();
        List<TraceEvent> trace = run(1, out, "fault disk ahci0:disk0 error=io", "boot",
                "fault disk ahci0:disk7 error=io", "fault disk ahci0:disk0p1 error=io", "fault task nosuch hang",
                "fault link nolan down", "fault irq sound drop=0.1", "fault usb detach 4", "fault");
        for (int i : new int[] {0, 2, 3, 4, 5, 6, 7}) {
            assertTrue(out.get(i) instanceof Outcome.Failure, out.get(i).text());
            assertTrue(!out.get(i).text().contains("\n") && !out.get(i).text().contains("Exception"), out.get(i).text());
        }
        assertEquals("no faults", out.get(8).text());
        assertTrue(trace.stream().noneMatch(e -> e.kind() == TraceEvent.Kind.FAULT));
    }
}
