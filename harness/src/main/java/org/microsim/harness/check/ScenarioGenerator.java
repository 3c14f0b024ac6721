package org.microsim.harness.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Expands a seed into the scenario a campaign runs: the built-in suite's file workload (or a user's scenario)
 * with fault lines and sleeps between its lines, all drawn from a {@link Random} seeded by the seed, so the
 * same seed always gives the same lines and a failure is reproduced by the scenario written for it.
 *
 * <p>Swarm testing, as FoundationDB's and TigerBeetle's simulators do it: with {@code swarm} each seed first
 * picks which fault kinds are on at all, so some runs see only crashes and others only a flaky LAN. A run with
 * every kind on at a low rate tends to miss what a run with one kind at a high rate finds.
 *
 * <p>Which kinds are drawn from: the default set (every kind but those that damage data by design), all of them
 * under {@code --swarm}, or the ones {@code --faults} names. A fault that must end (a hang) has its ending drawn
 * with it and placed a few lines later.
 *
 * <p>Crashes and restarts are few (at most {@link #MAX_FAULTS}) and followed by a settle of the next command,
 * so a run stays inside the service manager's restart contract: a service that fails for good after a crash
 * loop is the contract working, not a bug.
 */
final class ScenarioGenerator {
    /** The built-in suite: the demo machine, a file workload on its disks, faults between. */
    static final String DEMO_SUITE = "demo";
    private static final int MAX_FAULTS = 3;
    private static final List<String> DIRS = List.of("/vol/ahci0:disk0p2", "/vol/ahci0:disk1p1");
    private static final List<String> WORDS = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
    /**
     * Mixed into the seed so the scenario's draws differ from the scheduler's, which uses the seed as is. It was
     * once java.util.Random's own multiplier, which Random XORs into its seed: the two cancelled, the state was the
     * small seed itself, and the first draw of every seed alike (under swarm, the first kind was never on).
     */
    private static final long SALT = 0x9E3779B97F4A7C15L;

    private final boolean swarm;
    private final List<FaultKind> kinds;
    /** Whether the kinds were named ({@code --faults}) rather than the default set. */
    private final boolean named;

    /** A generator drawing the default kinds ({@link FaultKind#defaults()}), or with {@code swarm} any kind. */
    ScenarioGenerator(boolean swarm) {
        this(swarm, swarm ? FaultKind.ALL : FaultKind.defaults(), false);
    }

    /**
     * @param swarm each seed picks which of {@code kinds} are on
     * @param kinds the kinds a seed may draw
     */
    ScenarioGenerator(boolean swarm, List<FaultKind> kinds) {
        this(swarm, kinds, true);
    }

    private ScenarioGenerator(boolean swarm, List<FaultKind> kinds, boolean named) {
        this.swarm = swarm;
        this.kinds = List.copyOf(kinds);
        this.named = named;
    }

    /** The built-in suite's scenario for a seed. */
    List<String> demo(long seed) {
        Random random = random(seed);
        List<FaultKind> drawn = kinds(random);
        List<String> lines = new ArrayList<>(List.of("boot"));
        int steps = 8 + random.nextInt(13);
        int faults = 0;
        Later later = new Later();
        for (int i = 0; i < steps; i++) {
            if (!drawn.isEmpty() && faults < MAX_FAULTS && random.nextInt(6) == 0) {
                later.add(lines, drawn.get(random.nextInt(drawn.size())).draw().apply(random), random);
                faults++;
            } else {
                lines.add(workload(random));
            }
            later.step(lines);
        }
        later.flush(lines);
        return lines;
    }

    /**
     * The lines that end faults (a hang's crash or clear), each due after a few more lines of the scenario, so the
     * workload meets the fault before it ends. What is still due when the scenario ends comes at its end.
     */
    private static final class Later {
        private final List<List<String>> due = new ArrayList<>();
        private final List<Integer> after = new ArrayList<>();

        /** Adds a fault's lines now and keeps its ending for 1 to 3 lines later. */
        void add(List<String> lines, FaultKind.Draw draw, Random random) {
            lines.addAll(draw.now());
            if (!draw.later().isEmpty()) {
                due.add(draw.later());
                after.add(1 + random.nextInt(3));
            }
        }

        /** One line of the scenario has passed: adds the endings now due. */
        void step(List<String> lines) {
            for (int i = 0; i < due.size(); i++) {
                after.set(i, after.get(i) - 1);
                if (after.get(i) < 0) {
                    lines.addAll(due.remove(i));
                    after.remove(i);
                    i--;
                }
            }
        }

        void flush(List<String> lines) {
            due.forEach(lines::addAll);
            due.clear();
            after.clear();
        }
    }

    /** A user's scenario with faults drawn between its lines (after its first line, which boots). */
    List<String> around(List<String> scenario, long seed) {
        Random random = random(seed);
        // Unless named, only faults the system hides from commands: a user's expectations hold under those alone.
        List<FaultKind> drawn = kinds(random).stream().filter(k -> named || k.hidden()).toList();
        List<String> lines = new ArrayList<>();
        int faults = 0;
        Later later = new Later();
        for (int i = 0; i < scenario.size(); i++) {
            lines.add(scenario.get(i));
            boolean beforeAnExpect = i + 1 < scenario.size() && scenario.get(i + 1).strip().startsWith("expect");
            if (i > 0 && !beforeAnExpect && !drawn.isEmpty() && faults < MAX_FAULTS && random.nextInt(4) == 0) {
                later.add(lines, drawn.get(random.nextInt(drawn.size())).draw().apply(random), random);
                faults++;
            }
            if (!beforeAnExpect) {
                later.step(lines);
            }
        }
        later.flush(lines);
        return lines;
    }

    /** The seed's source: its bits spread by SplittableRandom's mix, so neighbouring seeds draw unlike lines. */
    private static Random random(long seed) {
        return new Random(new SplittableRandom(seed ^ SALT).nextLong());
    }

    private List<FaultKind> kinds(Random random) {
        if (!swarm) {
            return kinds;
        }
        List<FaultKind> on = new ArrayList<>();
        for (FaultKind kind : kinds) {
            if (random.nextBoolean()) {
                on.add(kind);
            }
        }
        return on;
    }

    private static String workload(Random random) {
        String file = DIRS.get(random.nextInt(DIRS.size())) + "/F" + random.nextInt(3) + ".TXT";
        String word = WORDS.get(random.nextInt(WORDS.size())) + random.nextInt(100);
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> "append " + file + " " + word;
            case 4 -> "write " + file + " " + word;
            case 5, 6 -> "sync";
            case 7 -> "cat " + file;
            case 8 -> "rm " + file;
            default -> "sleep " + (1 + random.nextInt(300)) + "ms";
        };
    }
}
