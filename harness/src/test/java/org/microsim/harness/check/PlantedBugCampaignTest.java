package org.microsim.harness.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.session.SimSessionFactory;

/**
 * The campaign finds a planted bug ({@link LosingSyncMachines}: two racing syncs lose an acknowledged line)
 * within a bounded number of seeds, shrinks it to a handful of lines, and the written scenario fails on replay
 * with {@code sim run} at the invariant's check, while the real machine passes it.
 */
class PlantedBugCampaignTest {
    private static final int SEED_BOUND = 200;

    @TempDir
    Path dir;

    @Test
    void foundWithinTheBoundShrunkToTenLinesAndReplayedBySimRun() throws Exception {
        SessionFactory buggy = new LosingSyncMachines();
        Trial trial = new Trial(buggy, false);
        ScenarioGenerator generator = new ScenarioGenerator(true);
        Optional<Long> found = Optional.empty();
        List<String> lines = List.of();
        Trial.Result failed = null;
        for (long seed = 1; seed <= SEED_BOUND && found.isEmpty(); seed++) {
            lines = generator.demo(seed);
            failed = trial.run(lines, seed);
            if (failed.failed()) {
                found = Optional.of(seed);
            }
        }
        assertTrue(found.isPresent(), "no failing seed within " + SEED_BOUND);
        long seed = found.get();
        Invariant broken = failed.violation().orElseThrow().invariant();
        assertEquals(Invariant.ACKNOWLEDGED_NOT_LOST, broken, failed.transcript());

        Shrinker shrinker = new Shrinker(200);
        List<String> shrunk = shrinker.shrink(lines, seed, (candidate, s) -> {
            try {
                return trial.run(candidate, s).violation().map(v -> v.invariant() == broken).orElse(false);
            } catch (Trial.BadScenario e) {
                return false;
            }
        });
        assertTrue(shrunk.size() <= 10 && shrunk.size() < lines.size(), "shrunk " + lines + " to " + shrunk);
        assertEquals("boot", shrunk.getFirst());
        assertTrue(shrunk.stream().filter(l -> l.equals("sync")).count() >= 2, "two racing syncs in " + shrunk);

        Trial.Result replay = trial.run(shrunk, seed);
        assertEquals(Optional.of(broken), replay.violation().map(Violation::invariant));
        Path file = dir.resolve("seed-" + seed + ".scn");
        Files.write(file, Campaign.scenarioFile(seed, replay.violation().get(), lines.size(), replay));
        String header = Files.readAllLines(file).getFirst();
        assertTrue(header.contains("seed " + seed) && header.contains("acknowledged-not-lost"), header);

        SimCli onBuggy = sim(buggy, "run", "--seed", Long.toString(seed), file.toString());
        assertEquals(1, onBuggy.code(), onBuggy.out() + onBuggy.err());
        int failingLine = Integer.parseInt(onBuggy.err().replaceAll("(?s)^.*?\\.scn:(\\d+):.*$", "$1"));
        List<String> written = Files.readAllLines(file);
        assertTrue(failingLine > written.indexOf("# the invariants, as sim check checks them") + 1, onBuggy.err());
        assertTrue(written.get(failingLine - 1).startsWith("expect output matches \"(?m)^"), onBuggy.err());

        SimCli onReal = sim(new SimSessionFactory(), "run", "--seed", Long.toString(seed), file.toString());
        assertEquals(0, onReal.code(), onReal.out() + onReal.err());
    }

    @Test
    void simCheckReportsTheSeedWithItsReproduceLineAndJUnit() throws Exception {
        Path junit = dir.resolve("report.xml");
        // The two syncs race in this scenario unless a fault drawn between them spreads them out; under seed 3 none does.
        Path scenario = dir.resolve("race.scn");
        Files.writeString(scenario, "boot\nappend /vol/ahci0:disk1p1/R.TXT one\nappend /vol/ahci0:disk1p1/R.TXT two\n"
                + "sync\nsync\n");
        SimCli run = sim(new LosingSyncMachines(), "check", scenario.toString(), "--seeds", "3", "--out",
                dir.resolve("out").toString(), "--junit", junit.toString(), "--shrink-runs", "30");
        assertEquals(1, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("seed 3: FAILED acknowledged-not-lost"), run.out());
        assertTrue(run.out().contains("reproduce with: sim run --seed 3 " + dir.resolve("out").resolve("seed-3.scn")),
                run.out());
        assertTrue(run.out().contains("1 run, 0 passed, 1 failed"), run.out());
        String xml = Files.readString(junit);
        assertTrue(xml.contains("name=\"seed 3\"") && xml.contains("type=\"acknowledged-not-lost\""), xml);
    }

    private static SimCli sim(SessionFactory factory, String... args) {
        return SimCli.run(factory, "", args);
    }
}
