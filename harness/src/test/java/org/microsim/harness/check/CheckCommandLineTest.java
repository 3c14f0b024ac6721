package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microsim.harness.session.SimSessionFactory;

/** {@code sim check}, {@code sim check --merge}, {@code sim trace diff} and {@code sim run --until} from the command line. */
class CheckCommandLineTest {
    @TempDir
    Path dir;

    private static SimCli sim(String stdin, String... args) {
        return SimCli.run(new SimSessionFactory(), stdin, args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "check --seeds 5..1|--seeds: '5..1' is not FIRST..LAST with FIRST <= LAST",
        "check --seeds x|--seeds: 'x' is not FIRST..LAST",
        "check --jobs 0|--jobs: 0 is less than 1",
        "check --faults disk-io,melt|--faults: 'melt' is not a fault kind (the kinds: crash, restart,",
        "check --shard 3/2|--shard: 3/2 is not a shard K/N",
        "check --time-budget 10|--time-budget: '10' is not a duration",
        "check nosuch.scn|'nosuch.scn' is neither a scenario file nor a suite",
        "check --drive file=x.img,if=ahci|unknown option '--drive'",
        "check --merge /nonexistent/dir|/nonexistent/dir is not a directory",
        "trace diff /nonexistent/a.json /nonexistent/b.json|cannot read /nonexistent/a.json: no such file",
        "trace show a b|unknown trace command 'show'",
        "run --until 2x x.scn|--until: '2x' is not a duration",
    })
    void badInputIsOneClearLineAndExitTwo(String line, String message) {
        SimCli sim = sim("", line.split(" "));
        assertEquals(2, sim.code(), sim.out() + sim.err());
        assertTrue(sim.err().contains(message), sim.err());
        assertTrue(sim.err().startsWith("sim: "), sim.err());
        assertTrue(!sim.err().contains("Exception") && !sim.err().contains("\tat "), sim.err());
    }

    @Test
    void aCampaignOfTheRealMachinePassesAndSaysHowFast() throws Exception {
        Path junit = dir.resolve("r.xml");
        SimCli sim = sim("", "check", "--seeds", "1..4", "--swarm", "--jobs", "2", "--shard", "2/2", "--junit",
                junit.toString(), "--out", dir.toString());
        assertEquals(0, sim.code(), sim.out() + sim.err());
        assertTrue(sim.out().contains("2 seeds (1..4, shard 2/2), 2 jobs, swarm"), sim.out());
        assertTrue(sim.out().matches("(?s).*2 run, 2 passed, 0 failed in [0-9.]+ s \\([0-9.]+ seeds/s\\).*"), sim.out());
        JUnitReport.Suite report = JUnitReport.read(junit);
        assertEquals(List.of(2L, 4L), report.cases().stream().map(JUnitReport.Case::seed).toList());
    }

    @Test
    void helpNamesEveryFaultKindAndTheOneThatMayDamageData() {
        SimCli sim = sim("", "check", "--help");
        assertEquals(0, sim.code(), sim.out() + sim.err());
        String help = sim.out().replaceAll("\\s+", " ");
        for (FaultKind kind : FaultKind.ALL) {
            assertTrue(help.matches("(?s).* " + java.util.regex.Pattern.quote(kind.name()) + "[,.] .*"),
                    kind.name() + " in: " + help);
        }
        assertTrue(help.contains("Default: all but disk-corrupt, which may damage data"), help);
    }

    @Test
    void mergeReadsTheShardsReportsIntoOne() throws Exception {
        Path shards = Files.createDirectories(dir.resolve("shards"));
        JUnitReport.write(shards.resolve("shard-1.xml"), "sim check demo", List.of(pass(1), pass(3), pass(5)));
        JUnitReport.write(shards.resolve("shard-2.xml"), "sim check demo", List.of(pass(2),
                new JUnitReport.Case(4, 0.5, Optional.of("no-hang"), "no-hang: sync: TIMED_OUT <&>",
                        "reproduce with: sim run --seed 4 /tmp/seed-4.scn"), pass(6)));
        Path merged = dir.resolve("merged.xml");
        SimCli sim = sim("", "check", "--merge", shards.toString(), "--junit", merged.toString());
        assertEquals(1, sim.code(), sim.out() + sim.err());
        assertTrue(sim.out().contains("seed 4: FAILED no-hang: sync: TIMED_OUT <&>\n  reproduce with: sim run --seed 4"),
                sim.out());
        assertTrue(sim.out().contains("2 reports, 6 seeds, 5 passed, 1 failed"), sim.out());
        JUnitReport.Suite report = JUnitReport.read(merged);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), report.cases().stream().map(JUnitReport.Case::seed).toList());
        assertEquals(Optional.of("no-hang"), report.cases().get(3).invariant());
    }

    @Test
    void untilStopsAtTheVirtualTimeAndOpensTheConsoleThere() throws Exception {
        Path scenario = dir.resolve("s.scn");
        Files.writeString(scenario, "boot\nsleep 1s\nsleep 1s\nsleep 1s\n");
        SimCli sim = sim("time\n", "run", "--until", "1.5s", scenario.toString());
        assertEquals(0, sim.code(), sim.out() + sim.err());
        assertTrue(sim.out().contains("stopped at virtual time 1.500000s; the console is open"), sim.out());
        assertTrue(sim.out().contains("virtual time 1.500000s (1500000000 ns)"), sim.out());
        assertTrue(!sim.out().contains("> sleep 1s\n  now 2."), "the third sleep never ran: " + sim.out());
    }

    @Test
    void traceDiffShowsTheFirstDivergingEvent() throws Exception {
        String head = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n{\"ph\":\"M\",\"name\":\"process_name\"},\n";
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.writeString(a, head + "{\"ts\":1,\"name\":\"send\"},\n{\"ts\":2,\"name\":\"receive\"},\n{\"ts\":3,\"name\":\"x\"}\n]}\n");
        Files.writeString(b, head + "{\"ts\":1,\"name\":\"send\"},\n{\"ts\":2,\"name\":\"crash\"}\n]}\n");
        SimCli diff = sim("", "trace", "diff", a.toString(), b.toString());
        assertEquals(1, diff.code(), diff.err());
        assertTrue(diff.out().contains("the runs diverge at event 2 (3 events in " + a + ", 2 in " + b + ")\n"
                + "  {\"ts\":1,\"name\":\"send\"}\n- {\"ts\":2,\"name\":\"receive\"}\n+ {\"ts\":2,\"name\":\"crash\"}"),
                diff.out());
        SimCli same = sim("", "trace", "diff", a.toString(), a.toString());
        assertEquals(0, same.code());
        assertTrue(same.out().contains("the traces are the same: 3 events"), same.out());
        Files.writeString(b, "not json\n");
        assertEquals(2, sim("", "trace", "diff", a.toString(), b.toString()).code());
    }

    private static JUnitReport.Case pass(long seed) {
        return new JUnitReport.Case(seed, 0.25, Optional.empty(), "", "");
    }
}
