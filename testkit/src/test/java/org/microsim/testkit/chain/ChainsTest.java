package org.microsim.testkit.chain;

import org.microsim.harness.script.Lexer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;
import org.microsim.harness.session.Fault;
import org.microsim.kernel.machine.DiskFaults;

class ChainsTest {
    private static final String DATA = "/vol/ahci0:disk0p2";

    @Example
    void actionsAreScenarioLines() {
        assertEquals("write \"/vol/a b/x.txt\" hello", new Action.Write("/vol/a b/x.txt", "hello").toScenarioLine());
        assertEquals("append /vol/x \"two words\"", new Action.Append("/vol/x", "two words").toScenarioLine());
        assertEquals("kill ahci", new Action.Crash("ahci", true).toScenarioLine());
        assertEquals("sleep 1500ms", new Action.Sleep(Duration.ofMillis(1500)).toScenarioLine());
        assertEquals("usb attach file=/tmp/s.img,persist=on,port=2",
                new Action.UsbAttach("/tmp/s.img", true, 2).toScenarioLine());
        assertEquals("spawn pinger 3", new Action.Spawn("pinger", List.of("3")).toScenarioLine());
        assertEquals("fault disk ahci0:disk0 error=io at=250ms count=2 lba=8-16", new Action.Fault(new Fault.Disk(
                "ahci0:disk0", DiskFaults.Kind.IO, Optional.of(Duration.ofMillis(250)), 2, 8, 16)).toScenarioLine());
        assertEquals("fault clear", new Action.Fault(new Fault.Clear(Optional.empty())).toScenarioLine());
        assertThrows(IllegalArgumentException.class, () -> new Action.Restart("reboot", "vfs"));
    }

    @Example
    void wordsAreQuotedAsTheLexerReadsThem() {
        assertEquals("plain", Lexer.word("plain"));
        assertEquals("\"two words\"", Lexer.word("two words"));
        assertEquals("\"\\d+ \\\"q\\\" #\"", Lexer.word("\\d+ \"q\" #"));
        assertEquals("\"end\\\\\"", Lexer.word("end\\"));
        assertEquals("\"\"", Lexer.word(""));
    }

    /** What the testkit generates, the console parses back into the same fault: one grammar. */
    @Example
    void generatedFaultLinesParseBackIntoTheirFaults() throws Exception {
        List<Action> generated = new java.util.ArrayList<>(Faults.schedule(List.of("ahci0:disk0"), List.of("fatfsd"),
                List.of("user"), Duration.ofSeconds(5)).sampleStream().limit(200).toList());
        generated.addAll(Faults.diskErrors(List.of("ahci0:disk0")).sampleStream().limit(50).toList());
        generated.addAll(Faults.hangs(List.of("fatfsd")).sampleStream().limit(20).toList());
        for (Action a : generated) {
            Fault fault = ((Action.Fault) a).fault();
            List<String> words = List.of(a.toScenarioLine().split(" "));
            assertEquals("fault", words.get(0));
            assertEquals(fault, Fault.parse(words.subList(1, words.size())), a.toScenarioLine());
        }
    }

    @Property(tries = 3)
    void theFileOracleAcceptsWhatTheMachineAcknowledged(@ForAll("workload") ActionChain<MachineState> chain) {
        Chains.run(chain, Invariant.acknowledgedFilesSurvive(), Invariant.everyCallAnswered());
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> workload() {
        return Chains.of(() -> SimMachine.builder().seed(5).build(),
                Arbitraries.oneOf(Workloads.files(List.of(DATA)), Workloads.ipc(),
                        Faults.crashes(List.of("fatfsd@ahci0:disk0p2"))), 8);
    }

    @Example
    void aFailingChainPrintsItsScenarioSeedAndInvariant(@ForAll("writes") ActionChain<MachineState> chain) {
        String report = reportOfAFailure(chain);
        assertTrue(report.startsWith("invariant 'nothing is ever done' failed: something was"), report);
        assertTrue(report.contains("seed 9; replay with: ./sim run --seed 9 FILE.scn"), report);
        assertTrue(report.contains("\nboot\nwrite " + DATA + "/x.txt first\n"), report);
    }

    /** The disk errors a file system must survive are io and timeout: corrupt hands it bad bytes as the disk's. */
    @Example
    void diskErrorsLeaveCorruptOut() {
        assertTrue(Faults.diskErrors(List.of("ahci0:disk0")).sampleStream().limit(100)
                .noneMatch(a -> a.toScenarioLine().contains("corrupt")));
    }

    @Example
    void anInvariantOnceFaultsAreOverWaitsForTheLastOne() {
        Invariant never = Invariant.onceFaultsAreOver(Invariant.of("never holds", s -> {
            throw new AssertionError("judged");
        }));
        try (MachineState s = new MachineState(SimMachine.builder().seed(3).build())) {
            s.apply(new Action.Fault(new Fault.Task("fatfsd@ahci0:disk0p2", Fault.TaskEffect.HANG, Duration.ZERO,
                    Optional.empty())));
            assertEquals(Optional.empty(), never.check().apply(s));
            s.apply(new Action.Fault(new Fault.Clear(Optional.of(Fault.Area.TASK))));
            assertEquals(Optional.of("judged"), never.check().apply(s));
        }
    }

    @Example
    void aChainOfTheTestsOwnProgramsSaysSimCannotReplayIt(@ForAll("ownPrograms") ActionChain<MachineState> chain) {
        String report = reportOfAFailure(chain);
        assertTrue(report.contains("it runs programs of the test's own (quiet), which sim does not have"), report);
        assertTrue(!report.contains("./sim run") && report.contains("\nspawn quiet\n"), report);
    }

    /** What {@link Chains#run} reports when an invariant fails after the first action. */
    private static String reportOfAFailure(ActionChain<MachineState> chain) {
        return assertThrows(AssertionError.class, () -> Chains.run(chain, Invariant.of("nothing is ever done", s -> {
            if (!s.actions().isEmpty()) {
                throw new AssertionError("something was");
            }
        }))).getMessage();
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> ownPrograms() {
        return Chains.of(() -> SimMachine.builder().seed(9).program("quiet", () -> sys -> sys.log("quiet")).build(),
                Arbitraries.just(new Action.Spawn("quiet", List.of())), 2);
    }

    /** Every machine the arbitrary describes boots with each of its volumes mounted and its files in place. */
    @Property(tries = 5)
    void describedMachinesBootWithTheirVolumes(@ForAll("specs") Machines.Spec spec) throws Exception {
        try (SimMachine m = spec.builder().build()) {
            var mounts = m.files().mounts();
            int volumes = 0;
            for (int disk = 0; disk < spec.disks().size(); disk++) {
                int count = spec.disks().get(disk).volumeCount();
                for (int p = 1; p <= count; p++) {
                    String mountPoint = "/vol/ahci0:disk" + disk + "p" + p;
                    org.junit.jupiter.api.Assertions.assertTrue(mounts.stream()
                            .anyMatch(e -> e.mountPoint().equals(mountPoint)), mountPoint + " in " + mounts);
                }
                volumes += count;
            }
            assertEquals(volumes, mounts.size(), mounts.toString());
        }
    }

    @Provide
    Arbitrary<Machines.Spec> specs() {
        return Machines.machines();
    }

    @Provide
    Arbitrary<ActionChain<MachineState>> writes() {
        return Chains.of(() -> SimMachine.builder().seed(9).build(),
                Arbitraries.just(new Action.Write(DATA + "/x.txt", "first")), 3);
    }

    @Example
    void aBrokenPromiseIsCaught() {
        // The oracle is told of a write the machine never did: the check must say so, through a replayable line.
        try (MachineState s = new MachineState(SimMachine.builder().seed(2).build())) {
            s.files().observe(new Action.Write(DATA + "/never.txt", "x"), new org.microsim.testkit.CommandResult(true, ""));
            Optional<String> why = s.files().check(s.machine());
            assertTrue(why.isPresent() && why.get().startsWith("cat " + DATA + "/never.txt"), why.toString());
        }
    }
}
