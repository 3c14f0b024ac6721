package org.microsim.harness.check;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.microsim.harness.CheckTool;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.Durations;
import org.microsim.harness.script.UsageException;

/**
 * {@code sim check}'s words turned into a {@link Campaign}: each option checked, a bad one a one-line message
 * and exit code 2 before anything runs. Found by {@link java.util.ServiceLoader} as the {@link CheckTool}.
 */
public final class CheckCommand implements CheckTool {
    private static final int DEFAULT_SHRINK_RUNS = 200;

    /** A bad word on the command line. */
    private static final class Bad extends Exception {
        Bad(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public int check(Request request, SessionFactory machines, PrintStream out, PrintStream err) {
        try {
            if (request.has("--merge")) {
                return Campaign.merge(Path.of(request.last("--merge").orElseThrow()),
                        request.last("--junit").map(Path::of), out, err);
            }
            Campaign.Settings settings = settings(request, out);
            int code = Campaign.of(machines, settings).run(out, err);
            if (!request.has("--out")) {
                removeIfEmpty(settings.out());
            }
            return code;
        } catch (Bad | Shard.BadShard e) {
            err.println("sim: check: " + e.getMessage());
            err.println("Try 'sim check --help' for more information.");
            return 2;
        }
    }

    /** The temporary directory made for failures, when none came: a campaign that passed leaves nothing behind. */
    private static void removeIfEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // Left for the system's temporary-file cleaning.
        }
    }

    private static Campaign.Settings settings(Request request, PrintStream out) throws Bad, Shard.BadShard {
        String target = request.operands().isEmpty() ? ScenarioGenerator.DEMO_SUITE : request.operands().getFirst();
        Optional<List<String>> scenario = target.equals(ScenarioGenerator.DEMO_SUITE) && !Files.exists(Path.of(target))
                ? Optional.empty() : Optional.of(scenario(target));
        long[] seeds = seeds(request.last("--seeds").orElse("1..100"));
        Shard shard = request.has("--shard")
                ? Shard.parse(request.last("--shard").orElseThrow(), request.environment()) : Shard.ALL;
        Optional<Duration> budget = Optional.empty();
        if (request.has("--time-budget")) {
            try {
                budget = Optional.of(Durations.parse(request.last("--time-budget").orElseThrow()));
            } catch (UsageException e) {
                throw new Bad("--time-budget: " + e.getMessage());
            }
        }
        int jobs = count(request, "--jobs", 1, 1);
        int shrinkRuns = count(request, "--shrink-runs", DEFAULT_SHRINK_RUNS, 0);
        Path dir;
        if (request.has("--out")) {
            dir = Path.of(request.last("--out").orElseThrow());
        } else {
            try {
                dir = Files.createTempDirectory("sim-check-");
            } catch (IOException e) {
                throw new Bad("cannot make a temporary directory for the shrunk scenarios: " + e.getMessage()
                        + " (give --out DIR)");
            }
            out.println("failing seeds are written to " + dir + " (removed again if none fails)");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Bad("--out: " + dir + " is not a directory");
        }
        Optional<List<String>> faults = request.has("--faults")
                ? Optional.of(faults(request.last("--faults").orElseThrow())) : Optional.empty();
        return new Campaign.Settings(target, scenario, seeds[0], seeds[1], shard, request.has("--swarm"), faults,
                budget, request.last("--junit").map(Path::of), jobs, dir, shrinkRuns);
    }

    private static List<String> scenario(String file) throws Bad {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new Bad("'" + file + "' is neither a scenario file nor a suite (the suite is: "
                    + ScenarioGenerator.DEMO_SUITE + ")");
        }
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            if (lines.stream().noneMatch(l -> l.strip().equals("boot"))) {
                throw new Bad(file + ": a scenario for sim check boots the machine (a line 'boot')");
            }
            return lines.stream().filter(l -> !l.isBlank() && !l.strip().startsWith("#")).toList();
        } catch (MalformedInputException e) {
            throw new Bad(file + ": not a UTF-8 text file");
        } catch (IOException e) {
            throw new Bad("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** {@code KIND,KIND...}: names of {@link FaultKind}s, each known; {@code none} for a run without faults. */
    static List<String> faults(String word) throws Bad {
        if (word.equals("none")) {
            return List.of();
        }
        List<String> names = List.of(word.split(",", -1));
        for (String name : names) {
            if (FaultKind.named(name).isEmpty()) {
                throw new Bad("--faults: '" + name + "' is not a fault kind (the kinds: " + String.join(", ",
                        FaultKind.ALL.stream().map(FaultKind::name).toList()) + "; or none)");
            }
        }
        return names.stream().distinct().toList();
    }

    /** {@code FIRST..LAST} or one seed {@code N}. */
    static long[] seeds(String word) throws Bad {
        String[] parts = word.split("\\.\\.", -1);
        try {
            long first = Long.parseLong(parts[0]);
            long last = parts.length == 2 ? Long.parseLong(parts[1]) : first;
            if (parts.length > 2 || last < first) {
                throw new Bad("--seeds: '" + word + "' is not FIRST..LAST with FIRST <= LAST");
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            throw new Bad("--seeds: '" + word + "' is not FIRST..LAST (such as 1..1000) or one seed");
        }
    }

    private static int count(Request request, String option, int fallback, int least) throws Bad {
        Optional<String> word = request.last(option);
        if (word.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(word.get());
            if (value < least) {
                throw new Bad(option + ": " + value + " is less than " + least);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Bad(option + ": '" + word.get() + "' is not a whole number");
        }
    }
}
