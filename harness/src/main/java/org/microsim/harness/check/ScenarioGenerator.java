package org.microsim.harness.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Expands a seed into the scenario a campaign runs: the built-in suite's file workload (or a user's scenario)
 * with fault lines and sleeps between its lines, all drawn from a {@link Random} seeded by the seed, so the
 * same seed always gives the same lines and a failure is reproduced by the scenario written for it.
 *
 * <p>Swarm testing, as FoundationDB's and TigerBeetle's simulators do it: with {@code swarm} each seed first
 * picks which fault kinds are on at all, so some runs see only crashes and others only a flaky LAN. A run with
 * every kind on at a low rate tends to miss what a run with one kind at a high rate finds.
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
    /** Mixed into the seed so the scenario's draws differ from the scheduler's, which uses the seed as is. */
    private static final long SALT = 0x5DEECE66DL;

    private final boolean swarm;

    ScenarioGenerator(boolean swarm) {
        this.swarm = swarm;
    }

    /** The built-in suite's scenario for a seed. */
    List<String> demo(long seed) {
        Random random = new Random(seed ^ SALT);
        List<FaultKind> kinds = kinds(random);
        List<String> lines = new ArrayList<>(List.of("boot"));
        int steps = 8 + random.nextInt(13);
        int faults = 0;
        for (int i = 0; i < steps; i++) {
            if (!kinds.isEmpty() && faults < MAX_FAULTS && random.nextInt(6) == 0) {
                lines.addAll(kinds.get(random.nextInt(kinds.size())).lines().apply(random));
                faults++;
            } else {
                lines.add(workload(random));
            }
        }
        return lines;
    }

    /** A user's scenario with faults drawn between its lines (after its first line, which boots). */
    List<String> around(List<String> scenario, long seed) {
        Random random = new Random(seed ^ SALT);
        List<FaultKind> kinds = kinds(random);
        List<String> lines = new ArrayList<>();
        int faults = 0;
        for (int i = 0; i < scenario.size(); i++) {
            lines.add(scenario.get(i));
            boolean beforeAnExpect = i + 1 < scenario.size() && scenario.get(i + 1).strip().startsWith("expect");
            if (i > 0 && !beforeAnExpect && !kinds.isEmpty() && faults < MAX_FAULTS && random.nextInt(4) == 0) {
                lines.addAll(kinds.get(random.nextInt(kinds.size())).lines().apply(random));
                faults++;
            }
        }
        return lines;
    }

    private List<FaultKind> kinds(Random random) {
        if (!swarm) {
            return FaultKind.ALL;
        }
        List<FaultKind> on = new ArrayList<>();
        for (FaultKind kind : FaultKind.ALL) {
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
