package org.microsim.testkit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;
import org.microsim.harness.Main;
import org.microsim.harness.SessionFactory;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;

/** What a failing chain prints is a scenario that {@code sim run --seed N} fails the same way, on the same line. */
class ReplayTest {
    private static final String FILE = "/vol/ahci0:disk0p2/r.txt";

    @Provide
    Arbitrary<ActionChain<MachineState>> overwrites() {
        return Chains.of(() -> SimMachine.builder().seed(42).build(), Arbitraries.just(new Action.Write(FILE, "second")),
                3);
    }

    @Example
    void thePrintedScenarioFailsUnderSimRunAsInTheTest(@ForAll("overwrites") ActionChain<MachineState> chain)
            throws Exception {
        AssertionError e = assertThrows(AssertionError.class, () -> Chains.run(chain, new Invariant(
                "the file never says second", s -> {
                    // A command that fails on the way (no such task) is in the scenario too, with expect error after it.
                    s.machine().command("crash nosuchtask");
                    return s.machine().check("cat " + FILE, "expect output contains \"first\"");
                })));
        String report = e.getMessage();
        assertTrue(report.contains("./sim run --seed 42 FILE.scn"), report);
        String scenario = report.substring(report.indexOf("FILE.scn holding:\n") + "FILE.scn holding:\n".length());
        List<String> lines = scenario.lines().toList();
        assertEquals("expect output contains \"first\"", lines.getLast(), report);
        assertTrue(scenario.contains("crash nosuchtask\nexpect error\n"), report);
        Path file = Files.createTempFile("replay", ".scn");
        try {
            Files.writeString(file, scenario);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.execute(SessionFactory.installed(), new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    "run", "--seed", "42", file.toString());
            String why = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, code, why + out);
            assertTrue(why.startsWith(file + ":" + lines.size() + ": expected output to contain \"first\""), why);
        } finally {
            Files.delete(file);
        }
    }
}
