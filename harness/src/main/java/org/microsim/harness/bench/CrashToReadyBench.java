package org.microsim.harness.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.Carriers;
import org.microsim.harness.MachineOptions;

/**
 * Crash-to-ready of the driver chain on the demo machine (ahci, then the partd of each disk, then the fatfsd
 * of each partition when the build has it), deterministic scheduler: crash ahci and measure, in virtual
 * time and in wall time, until every driver service is ready again. Crashes are 11 s of virtual time apart,
 * outside the default contract's restart window. Driven through the console's own
 * commands, so it measures what a user sees. Arguments: [crashes, default 50].
 */
public final class CrashToReadyBench {
    private static final Pattern NOW = Pattern.compile("\\((\\d+) ns\\)");

    private CrashToReadyBench() {
    }

    public static void main(String[] args) throws Exception {
        Carriers.forDeterministicMachines(); // as sim does for a deterministic machine
        int crashes = Measure.intArg(args, 0, 50);
        List<Long> virtual = new ArrayList<>();
        List<Long> wall = new ArrayList<>();
        try (BenchMachine m = new BenchMachine(MachineOptions.defaults())) {
            String services = m.run("services");
            for (int i = 0; i < crashes; i++) {
                // Past the restart window (five in ten seconds), so each crash meets a fresh contract: this
                // measures a restart, not the backoff that a crash loop earns.
                m.run("sleep", "11s");
                long before = now(m);
                wall.add(m.time("crash", "ahci"));
                virtual.add(now(m) - before);
                String after = m.run("services");
                if (after.lines().filter(l -> l.contains(" ready ")).count()
                        != services.lines().filter(l -> l.contains(" ready ")).count()) {
                    throw new IllegalStateException("not every service came back:\n" + after);
                }
            }
            System.out.println(m.run("services"));
        }
        Collections.sort(virtual);
        Collections.sort(wall);
        System.out.printf("%d crashes of ahci with the chain restarted behind it (median, worst)%n", crashes);
        System.out.printf("virtual time crash-to-ready: %.3f ms, %.3f ms%n", virtual.get(crashes / 2) / 1e6,
                virtual.get(crashes - 1) / 1e6);
        System.out.printf("wall time crash-to-ready:    %.3f ms, %.3f ms%n", wall.get(crashes / 2) / 1e6,
                wall.get(crashes - 1) / 1e6);
    }

    private static long now(BenchMachine m) {
        Matcher time = NOW.matcher(m.run("time"));
        if (!time.find()) {
            throw new IllegalStateException("time printed no nanoseconds");
        }
        return Long.parseLong(time.group(1));
    }
}
