package org.microsim.harness.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;

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
        int crashes = Measure.intArg(args, 0, 50);
        List<Long> virtual = new ArrayList<>();
        List<Long> wall = new ArrayList<>();
        try (Session session = SessionFactory.installed().open(MachineOptions.defaults())) {
            CommandSet commands = Commands.of(session);
            run(commands, "boot");
            String services = run(commands, "services");
            for (int i = 0; i < crashes; i++) {
                // Past the restart window (five in ten seconds), so each crash meets a fresh contract: this
                // measures a restart, not the backoff that a crash loop earns.
                run(commands, "sleep", "11s");
                long before = now(commands);
                long start = System.nanoTime();
                run(commands, "crash", "ahci#4");
                wall.add(System.nanoTime() - start);
                virtual.add(now(commands) - before);
                String after = run(commands, "services");
                if (after.lines().filter(l -> l.contains(" ready ")).count()
                        != services.lines().filter(l -> l.contains(" ready ")).count()) {
                    throw new IllegalStateException("not every service came back:\n" + after);
                }
            }
            System.out.println(run(commands, "services"));
        }
        Collections.sort(virtual);
        Collections.sort(wall);
        System.out.printf("%d crashes of ahci with the chain restarted behind it (median, worst)%n", crashes);
        System.out.printf("virtual time crash-to-ready: %.3f ms, %.3f ms%n", virtual.get(crashes / 2) / 1e6,
                virtual.get(crashes - 1) / 1e6);
        System.out.printf("wall time crash-to-ready:    %.3f ms, %.3f ms%n", wall.get(crashes / 2) / 1e6,
                wall.get(crashes - 1) / 1e6);
    }

    private static long now(CommandSet commands) {
        Matcher m = NOW.matcher(run(commands, "time"));
        if (!m.find()) {
            throw new IllegalStateException("time printed no nanoseconds");
        }
        return Long.parseLong(m.group(1));
    }

    private static String run(CommandSet commands, String name, String... args) {
        Outcome outcome = new Invocation(commands.find(name).orElseThrow(), List.of(args)).run();
        return outcome.text();
    }
}
