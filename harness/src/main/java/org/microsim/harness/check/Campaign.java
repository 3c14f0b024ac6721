package org.microsim.harness.check;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.microsim.harness.SessionFactory;

/**
 * {@code sim check}: a scenario or the built-in suite run under many seeds with faults drawn from each seed,
 * the invariants checked after every run, each failure shrunk and written as a scenario that replays it.
 *
 * <p>The design follows the deterministic simulators that find distributed-systems bugs for a living
 * (FoundationDB's, TigerBeetle's VOPR): the seed is the whole test case. It expands into scenario lines
 * ({@link ScenarioGenerator}), the lines run on a deterministic machine ({@link Trial}), so a failing seed
 * fails again on any machine, and a failure is shrunk by re-running candidates under the same seed
 * ({@link Shrinker}). {@code --jobs N} runs seeds on N threads of this JVM, each in its own session; the
 * sessions share nothing, so the results do not depend on N. {@code --shard K/N} takes a disjoint slice of the
 * seeds ({@link Shard}) for CI matrices, Kubernetes Indexed Jobs and Slurm arrays, and {@link #merge} puts
 * their JUnit files together. {@code --time-budget} stops starting seeds, not runs: a run is never cut short,
 * since half a run checks nothing.
 */
public final class Campaign {
    /**
     * What to run.
     *
     * @param name the suite's name or the scenario file, for reports
     * @param scenario the user's scenario, or empty for the built-in suite
     * @param first the first seed
     * @param last the last seed
     * @param shard the slice of the seeds this process runs
     * @param swarm each seed picks which fault kinds are on
     * @param faults the fault kinds a seed may draw, by name; empty for the default set (all kinds under swarm)
     * @param budget when to stop starting seeds, if ever
     * @param junit where to write the JUnit report, if anywhere
     * @param jobs how many seeds run at once
     * @param out where shrunk scenarios are written
     * @param shrinkRuns how many runs a shrink may take (0: do not shrink)
     */
    public record Settings(String name, Optional<List<String>> scenario, long first, long last, Shard shard,
            boolean swarm, Optional<List<String>> faults, Optional<Duration> budget, Optional<Path> junit, int jobs,
            Path out, int shrinkRuns) {
    }

    private final SessionFactory factory;
    private final Settings settings;
    private final Trial trial;
    private final ScenarioGenerator generator;

    Campaign(SessionFactory factory, Settings settings, boolean fsck) {
        this.factory = factory;
        this.settings = settings;
        this.trial = new Trial(factory, fsck);
        this.generator = settings.faults().map(names -> new ScenarioGenerator(settings.swarm(), names.stream()
                .map(n -> FaultKind.named(n).orElseThrow(() -> new IllegalArgumentException("no fault kind " + n)))
                .toList())).orElseGet(() -> new ScenarioGenerator(settings.swarm()));
    }

    /** A campaign on the given machine factory; fsck runs when the host has {@code fsck.fat}. */
    public static Campaign of(SessionFactory factory, Settings settings) {
        return new Campaign(factory, settings, true);
    }

    /** What one seed gave: a failure, or a pass with a note on data a damaging fault broke, as it may. */
    private record Outcome(Optional<Failure> failure, Optional<Violation> excused) {
    }

    /** A failing seed, shrunk and written. */
    record Failure(long seed, Violation violation, Path file, int originalLines, int shrunkLines) {
        String reproduce() {
            return "reproduce with: sim run --seed " + seed + " " + file;
        }
    }

    /**
     * Runs the campaign, printing a line per failing seed and a summary.
     *
     * @return 0 when every seed passed, 1 when one failed, 2 on bad input
     */
    public int run(PrintStream out, PrintStream err) {
        List<Long> seeds = settings.shard().seeds(settings.first(), settings.last()).boxed().toList();
        out.printf("sim check %s: %d seeds (%d..%d%s), %d job%s%s%n", settings.name(), seeds.size(), settings.first(),
                settings.last(), settings.shard().count() > 1 ? ", shard " + settings.shard().index() + "/"
                        + settings.shard().count() : "", settings.jobs(), settings.jobs() == 1 ? "" : "s",
                (settings.swarm() ? ", swarm" : "") + settings.faults().map(f -> ", faults " + String.join(",", f))
                        .orElse(""));
        long start = System.nanoTime();
        long deadline = settings.budget().map(b -> start + b.toNanos()).orElse(Long.MAX_VALUE);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> bad = new AtomicReference<>();
        List<JUnitReport.Case> cases = Collections.synchronizedList(new ArrayList<>());
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        Runnable worker = () -> {
            while (bad.get() == null && System.nanoTime() < deadline) {
                int i = next.getAndIncrement();
                if (i >= seeds.size()) {
                    return;
                }
                long seed = seeds.get(i);
                long t0 = System.nanoTime();
                try {
                    Outcome outcome = seed(seed);
                    Optional<Failure> failure = outcome.failure();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    outcome.excused().ifPresent(v -> {
                        synchronized (out) {
                            out.println("seed " + seed + ": passed; a fault that may damage data did: " + v);
                        }
                    });
                    failure.ifPresent(f -> {
                        failures.add(f);
                        synchronized (out) {
                            out.println("seed " + seed + ": FAILED " + f.violation());
                            out.println("  " + f.reproduce() + "  (shrunk from " + f.originalLines() + " lines to "
                                    + f.shrunkLines() + ")");
                        }
                    });
                    cases.add(new JUnitReport.Case(seed, seconds, failure.map(f -> f.violation().invariant().label()),
                            failure.map(f -> f.violation().toString()).orElse(""),
                            failure.map(Failure::reproduce).orElse("")));
                } catch (Trial.BadScenario e) {
                    bad.compareAndSet(null, e.getMessage());
                } catch (IOException e) {
                    bad.compareAndSet(null, "cannot write to " + settings.out() + ": " + e.getMessage());
                }
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int j = 0; j < settings.jobs(); j++) {
            threads.add(Thread.ofPlatform().name("sim-check-" + j).start(worker));
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        if (bad.get() != null) {
            err.println("sim: check " + settings.name() + ": " + bad.get());
            return 2;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int run = cases.size();
        out.printf(Locale.ROOT, "%d run, %d passed, %d failed%s in %.1f s (%.2f seeds/s)%n", run, run - failures.size(),
                failures.size(), run < seeds.size() ? " (time budget: " + (seeds.size() - run) + " seeds not started)"
                        : "", seconds, run / Math.max(seconds, 1e-9));
        if (settings.junit().isPresent()) {
            try {
                JUnitReport.write(settings.junit().get(), "sim check " + settings.name(), cases);
            } catch (IOException e) {
                err.println("sim: check: cannot write " + settings.junit().get() + ": " + e.getMessage());
                return 2;
            }
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /** Runs one seed; a failure is shrunk and written. */
    private Outcome seed(long seed) throws Trial.BadScenario, IOException {
        List<String> lines = settings.scenario().map(s -> generator.around(s, seed)).orElseGet(() -> generator.demo(seed));
        Trial.Result result = trial.run(lines, seed);
        if (!result.failed()) {
            return new Outcome(Optional.empty(), result.excused());
        }
        Violation violation = result.violation().get();
        List<String> shrunk = lines;
        if (settings.shrinkRuns() > 0) {
            shrunk = new Shrinker(settings.shrinkRuns()).shrink(lines, seed, (candidate, s) -> {
                try {
                    return trial.run(candidate, s).violation().map(v -> v.invariant() == violation.invariant())
                            .orElse(false);
                } catch (Trial.BadScenario e) {
                    return false;
                }
            });
        }
        Trial.Result last = shrunk == lines ? result : trial.run(shrunk, seed);
        Violation shown = last.violation().orElse(violation);
        Path file = settings.out().resolve("seed-" + seed + ".scn");
        Files.createDirectories(settings.out());
        Files.write(file, scenarioFile(seed, shown, lines.size(), last), StandardCharsets.UTF_8);
        return new Outcome(Optional.of(new Failure(seed, shown, file, lines.size(), shrunk.size())), Optional.empty());
    }

    /**
     * The shrunk scenario as a file: a header naming the seed and the invariant, the lines (with {@code expect
     * error} after each command that failed in the run), then the invariants as checks. What {@code sim check}
     * writes for a failing seed, and what a property test can print for its failure.
     *
     * @param run the run of the shrunk lines under {@code seed}
     */
    public static List<String> scenarioFile(long seed, Violation violation, int originalLines, Trial.Result run) {
        List<String> file = new ArrayList<>();
        file.add("# sim check: seed " + seed + " breaks " + violation.invariant().label());
        file.add("#   " + violation.detail().replace('\n', ' '));
        file.add("# shrunk from " + originalLines + " lines; replay: sim run --seed " + seed + " THIS_FILE");
        if (violation.invariant() == Invariant.FSCK_CLEAN) {
            file.add("# fsck-clean is checked by sim check only: sim check --seeds " + seed + " THIS_FILE");
        }
        file.addAll(run.replayable());
        file.add("# the invariants, as sim check checks them");
        file.addAll(run.checks());
        return file;
    }

    /**
     * {@code sim check --merge DIR}: reads every {@code *.xml} report in DIR (the shards'), prints the failing
     * seeds and a summary, and writes one report when asked.
     *
     * @return 0 when no seed failed, 1 when one did, 2 when the reports cannot be read
     */
    public static int merge(Path dir, Optional<Path> junit, PrintStream out, PrintStream err) {
        return ShardMerge.merge(dir, junit, out, err);
    }
}
