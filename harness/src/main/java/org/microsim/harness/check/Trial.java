package org.microsim.harness.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.SessionException;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.BadLineException;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Expectation;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;
import org.microsim.harness.script.Statement;
import org.microsim.harness.script.StatementParser;
import org.microsim.harness.script.UsageException;
import org.microsim.harness.session.Fault;
import org.microsim.hosttools.HostTools;
import org.microsim.kernel.TraceEvent;

/**
 * One run of a scenario under one seed, and the invariants checked after it.
 *
 * <p>The scenario's lines run as the console's commands in a fresh session, while a {@link FileModel} notes what
 * the file commands had acknowledged. Then come the checks, themselves lines of the language so that a shrunk
 * scenario carries them and {@code sim run} fails on it: {@code fault clear} (the invariants judge recovery, not
 * the faults), a settle, {@code services} and an {@code expect} that every service is ready
 * ({@link Invariant#SERVICES_BACK}), and a {@code cat} with one {@code expect} per acknowledged line
 * ({@link Invariant#ACKNOWLEDGED_NOT_LOST}), unless the run drew a fault that damages data by design
 * ({@link FaultKind}). A command that timed out is a hang, except while a {@code fault task T hang} is in force
 * (its callers time out: that is the fault), and so is a task left blocked in a call to a port that no longer
 * exists ({@code ps} against {@code ports}). Last,
 * each volume written to is copied out through {@code /dev} and given to {@code fsck.fat -n} when the host has
 * it, which no scenario line can do; a run that breaks it says so in the shrunk file's header.
 *
 * <p>Everything here is a function of the lines and the seed: the session is deterministic, and nothing else is
 * drawn. {@link Result#fingerprint()} hashes the kernel trace, so two runs can be compared cheaply.
 */
public final class Trial {
    /**
     * How long the machine settles after the scenario before the checks: past every restart backoff, and past the
     * drivers' command timeouts (the AHCI driver's 5 s, then a port reset and the restarts a failed start causes),
     * since {@code fault clear} cannot take back a command a drive already swallowed.
     */
    static final String SETTLE = "sleep 10s";
    /** Ends every fault before the checks. */
    static final String CLEAR = new Fault.Clear(Optional.empty()).toCommand();
    private static final String SERVICES_READY = "\\A([^\\n]* ready [^\\n]*(\\n|\\z))+\\z";
    private static final Set<String> FILE_COMMANDS = Set.of("append", "write", "rm", "mv");

    private final SessionFactory factory;
    private final boolean fsck;

    /**
     * @param factory the machines to run on (the real one, or a test's with a planted bug)
     * @param fsck check the volumes with {@code fsck.fat -n} (when the host has it)
     */
    public Trial(SessionFactory factory, boolean fsck) {
        this.factory = factory;
        this.fsck = fsck && HostTools.installed("fsck.fat");
    }

    /**
     * What one run gave.
     *
     * @param violation the first invariant that broke, if any
     * @param excused a data invariant that broke in a run with a fault that damages data by design, if any:
     *     the fault's expected outcome, reported as a note and not as a failure
     * @param checks the check lines that ran after the scenario (the tail of a shrunk file)
     * @param fingerprint a hash of the kernel's trace
     * @param transcript each line run, with its output, for a report
     * @param replayable the scenario's lines with {@code expect error} after each command that failed, so that
     *     {@code sim run} takes those failures as the run did and stops only at the broken invariant
     */
    public record Result(Optional<Violation> violation, Optional<Violation> excused, List<String> checks,
            long fingerprint, String transcript, List<String> replayable) {
        /** Whether an invariant broke. */
        public boolean failed() {
            return violation.isPresent();
        }
    }

    /** A scenario that cannot run as written: a bad line, or options no machine can be built from. */
    public static final class BadScenario extends Exception {
        BadScenario(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs {@code lines} under {@code seed}, then the checks.
     *
     * @throws BadScenario if a line cannot be run as written
     */
    public Result run(List<String> lines, long seed) throws BadScenario {
        MachineOptions options = new MachineOptions(List.of(), List.of(), seed, false, Optional.empty(),
                Optional.empty(), false);
        Session session;
        try {
            session = factory.open(options);
        } catch (SessionException e) {
            throw new BadScenario(e.getMessage());
        }
        try (session) {
            Run run = new Run(Commands.of(session));
            Optional<Violation> violation = run.lines(lines, Invariant.EXPECTATIONS);
            // The invariants judge recovery: every fault ends first, as an operator would mend the hardware.
            List<String> checks = new ArrayList<>(List.of(CLEAR, SETTLE, "services",
                    "expect output matches \"" + SERVICES_READY + "\""));
            if (violation.isEmpty()) {
                violation = run.lines(checks.subList(0, 2), Invariant.NO_HANG)
                        .or(() -> run.unchecked(checks.subList(2, 4), Invariant.SERVICES_BACK));
            }
            // A fault that damages data by design (FaultKind) excuses the data invariants: what they would say
            // is kept as a note, and their lines stay out of the checks a shrunk file replays.
            boolean damaging = lines.stream().anyMatch(FaultKind::damages);
            List<String> files = run.model.checks();
            if (!damaging) {
                checks.addAll(files);
            }
            Optional<Violation> excused = Optional.empty();
            if (violation.isEmpty()) {
                Optional<Violation> lost = run.unchecked(files, Invariant.ACKNOWLEDGED_NOT_LOST);
                if (damaging) {
                    excused = lost;
                } else {
                    violation = lost;
                }
            }
            if (violation.isEmpty()) {
                violation = run.callsToNowhere();
            }
            if (violation.isEmpty() && fsck) {
                Optional<Violation> unclean = run.fsck();
                if (damaging) {
                    excused = excused.or(() -> unclean);
                } else {
                    violation = unclean;
                }
            }
            return new Result(violation, excused, List.copyOf(checks), fingerprint(session.trace()),
                    run.transcript.toString(), List.copyOf(run.replayable));
        }
    }

    private static long fingerprint(List<TraceEvent> events) {
        long hash = 1125899906842597L;
        for (TraceEvent event : events) {
            hash = 31 * hash + event.hashCode();
        }
        return hash;
    }

    /** The state of one run: its commands, the model, the last outcome and the transcript. */
    private static final class Run {
        private final CommandSet commands;
        private final FileModel model = new FileModel();
        private final StringBuilder transcript = new StringBuilder();
        private final List<String> replayable = new ArrayList<>();
        /** Tasks a fault hung and nothing has ended yet: while one is, a command may time out. */
        private final Set<String> hung = new HashSet<>();
        private boolean scenario = true;
        private Outcome last = new Outcome.Success("");

        Run(CommandSet commands) {
            this.commands = commands;
        }

        /** Runs lines of the scenario; an {@code expect} that fails breaks {@code expectations}. */
        Optional<Violation> lines(List<String> lines, Invariant expectations) throws BadScenario {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Optional<Statement> statement;
                try {
                    statement = StatementParser.parse(line, commands);
                } catch (BadLineException e) {
                    throw new BadScenario("'" + line + "': " + e.getMessage());
                }
                if (statement.isEmpty()) {
                    continue;
                }
                transcript.append("> ").append(line).append('\n');
                Optional<Violation> violation = switch (statement.get()) {
                    case Invocation invocation -> invoke(line, invocation);
                    case Expectation expectation -> expectation.check(last)
                            .map(why -> new Violation(expectations, line + ": " + oneLine(why)));
                };
                if (scenario) {
                    replayable.add(line);
                    boolean expectNext = i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("expect");
                    if (statement.get() instanceof Invocation && last instanceof Outcome.Failure && !expectNext
                            && violation.isEmpty()) {
                        replayable.add("expect error");
                    }
                }
                if (violation.isPresent()) {
                    return violation;
                }
            }
            scenario = false;
            return Optional.empty();
        }

        /** Runs check lines, which the generator made and so cannot be bad. */
        Optional<Violation> unchecked(List<String> lines, Invariant invariant) {
            try {
                return lines(lines, invariant);
            } catch (BadScenario e) {
                throw new IllegalStateException("a check line does not parse: " + e.getMessage(), e);
            }
        }

        private Optional<Violation> invoke(String line, Invocation invocation) throws BadScenario {
            last = invocation.run();
            String text = last.text().stripTrailing();
            if (!text.isEmpty()) {
                transcript.append("  ").append(text.replace("\n", "\n  ")).append('\n');
            }
            String name = invocation.command().name();
            if (FILE_COMMANDS.contains(name)) {
                model.observe(name, invocation.args(), last instanceof Outcome.Success);
            }
            boolean whileHung = !hung.isEmpty();
            if (last instanceof Outcome.Success) {
                hangs(name, invocation.args());
            }
            return switch (last) {
                case Outcome.Success success -> Optional.empty();
                // A hung task's callers time out: that is the fault, so the command only failed (and the model
                // counted nothing of it). A time-out with no task hung is a hang the system made itself.
                case Outcome.Failure failure -> failure.message().contains("TIMED_OUT") && !whileHung
                        ? Optional.of(new Violation(Invariant.NO_HANG, line + ": " + oneLine(failure.message())))
                        : Optional.empty();
                case Outcome.Misuse misuse -> throw new BadScenario("'" + line + "': " + misuse.message());
                case Outcome.Crash crash -> Optional.of(new Violation(Invariant.NO_INTERNAL_ERROR,
                        line + ": " + crash.text()));
            };
        }

        /** Follows which tasks a {@code fault task T hang} stopped, until a crash, restart or clear ends it. */
        private void hangs(String command, List<String> args) {
            switch (command) {
                case "fault" -> {
                    try {
                        switch (Fault.parse(args)) {
                            case Fault.Task t when t.effect() == Fault.TaskEffect.HANG -> hung.add(t.task());
                            case Fault.Task t when t.effect() == Fault.TaskEffect.CRASH -> hung.remove(t.task());
                            case Fault.Clear c when c.area().isEmpty() || c.area().get() == Fault.Area.TASK ->
                                    hung.clear();
                            default -> {
                                // Other faults stop no task.
                            }
                        }
                    } catch (UsageException e) {
                        throw new IllegalStateException("a fault line ran but does not parse: " + args, e);
                    }
                }
                case "crash", "restart", "kill" -> {
                    if (!args.isEmpty()) {
                        hung.remove(args.getFirst());
                    }
                }
                default -> {
                    // Other commands end no hang.
                }
            }
        }

        /**
         * The kernel's side of no-hang, from {@code ps} and {@code ports}: a task blocked in a call to a port that no
         * longer exists waits for a reply that cannot come (the kernel is to fail such calls when the port goes).
         */
        Optional<Violation> callsToNowhere() {
            Optional<Violation> listed = unchecked(List.of("ports"), Invariant.NO_HANG);
            String ports = last.text();
            Optional<Violation> tasks = listed.or(() -> unchecked(List.of("ps"), Invariant.NO_HANG));
            if (tasks.isPresent() || !(last instanceof Outcome.Success)) {
                return tasks;
            }
            Set<String> names = ports.lines().map(String::strip).filter(l -> !l.isEmpty())
                    .map(l -> l.split("\\s+")[0]).collect(Collectors.toSet());
            for (String task : last.text().lines().toList()) {
                String[] words = task.strip().split("\\s+");
                if (words.length >= 6 && words[3].equals("blocked") && words[4].equals("call")
                        && !names.contains(words[5])) {
                    return Optional.of(new Violation(Invariant.NO_HANG, "task " + words[1] + " is blocked in a call to "
                            + words[5] + ", a port that no longer exists"));
                }
            }
            return Optional.empty();
        }

        /** Copies each volume written to out through {@code /dev} and runs {@code fsck.fat -n} on it. */
        Optional<Violation> fsck() {
            // What fatfsd holds unwritten would look like damage in a copy taken under it.
            Optional<Violation> synced = unchecked(List.of("sync"), Invariant.NO_HANG);
            if (synced.isPresent()) {
                return synced;
            }
            for (String device : model.volumesWritten()) {
                Path image = null;
                try {
                    image = Files.createTempFile("sim-check-", ".img");
                    Optional<Violation> copied = unchecked(List.of("get " + device + " " + image), Invariant.NO_HANG);
                    if (copied.isPresent() || !(last instanceof Outcome.Success)) {
                        return copied;
                    }
                    HostTools.Run fsck = HostTools.run("fsck.fat", "-n", image.toString());
                    if (fsck.exit() != 0) {
                        return Optional.of(new Violation(Invariant.FSCK_CLEAN, device + ": fsck.fat -n exit "
                                + fsck.exit() + ": " + oneLine(fsck.out().lines().skip(1).findFirst().orElse(""))));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                } finally {
                    delete(image);
                }
            }
            return Optional.empty();
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A temporary file left behind is the system's to clean.
            }
        }
    }

    private static String oneLine(String text) {
        String flat = text.strip().replaceAll("\\s*\\n\\s*", " | ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
