package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.Main;
import org.microsim.harness.session.SimSessionFactory;
import org.microsim.harness.trace.TraceDiff;

/**
 * A seed is the whole test case: the same seed expands into the same scenario with the same faults, and that
 * scenario under that seed gives the same trace in two processes, event for event, while another seed parts
 * from it. This is what makes "reproduce with: sim run --seed N FILE" true on another machine.
 */
class CampaignDeterminismTest {
    private static final long SEED = 12;

    @TempDir
    Path dir;

    @Test
    void theSameSeedGivesTheSameScenarioAndTheSameTraceInTwoProcesses() throws Exception {
        ScenarioGenerator swarm = new ScenarioGenerator(true);
        List<String> lines = swarm.demo(SEED);
        assertEquals(lines, new ScenarioGenerator(true).demo(SEED));
        assertNotEquals(lines, swarm.demo(SEED + 1));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("fault ") || l.startsWith("crash ")
                || l.startsWith("restart ")), "seed " + SEED + " draws a fault: " + lines);
        Path scenario = dir.resolve("seed.scn");
        Files.write(scenario, lines);

        Path a = trace("a", SEED, scenario);
        Path b = trace("b", SEED, scenario);
        Path other = trace("c", SEED + 1, scenario);
        assertTrue(Files.readAllLines(a).size() > 1000, "a whole run's trace");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, TraceDiff.run(a, b, print, print), out.toString(StandardCharsets.UTF_8));
        assertEquals(1, TraceDiff.run(a, other, print, print), out.toString(StandardCharsets.UTF_8));

        Trial trial = new Trial(new SimSessionFactory(), false);
        assertEquals(trial.run(lines, SEED).fingerprint(), trial.run(lines, SEED).fingerprint());
    }

    /** Runs the scenario under {@code seed} in a process of its own and returns its trace file. */
    private Path trace(String name, long seed, Path scenario) throws Exception {
        Path trace = dir.resolve(name + ".json");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--seed", Long.toString(seed), "--trace", trace.toString(),
                scenario.toString()).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile())
                .start();
        p.getOutputStream().close();
        int code = p.waitFor();
        // The scenario may fail an unacknowledged command under another seed; it must run to a trace either way.
        assertTrue(code == 0 || code == 1, Files.readString(dir.resolve(name + ".out")));
        return trace;
    }
}
