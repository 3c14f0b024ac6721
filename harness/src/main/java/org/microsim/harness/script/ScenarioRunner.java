package org.microsim.harness.script;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs a scenario: a file of the language, line by line, and says whether it held.
 *
 * <p>The whole scenario is parsed before anything runs, so a typo on the last line costs nothing: bad input
 * (unterminated quote, unknown command, malformed {@code expect}, bad regular expression, an {@code expect}
 * with no command before it) stops the run with exit code {@link #BAD_INPUT} and {@code FILE:LINE: why}.
 * Then each command runs in turn; the transcript goes to standard output, each line of the scenario after
 * {@code "> "} and each line of output indented, so a reader can tell them apart.
 *
 * <p>A command that fails is a result, not bad input: {@code expect error} checks for it, and its message is
 * its output for {@code expect output ...}. A failure that no {@code expect error} acknowledges (among the
 * expectations right after the command) fails the scenario with exit code {@link #FAILED} and the command's
 * file:line, because a scenario that carries on after, say, a mount that did not happen tests nothing.
 * Arguments a command rejects ({@link UsageException}) are bad input, and an exception escaping a command is
 * reported as {@code FILE:LINE: internal error in COMMAND: message}, also bad input; its stack trace is
 * printed only in debug mode. {@code quit} or {@code exit} ends the scenario early.
 */
public final class ScenarioRunner {
    /** Every expectation held. */
    public static final int PASSED = 0;
    /** An expectation failed, or a command failed with no {@code expect error} after it. */
    public static final int FAILED = 1;
    /** The scenario could not be run as written. */
    public static final int BAD_INPUT = 2;
    /** The breakpoint stopped the run (never with {@link Breakpoint#NEVER}); not an exit code. */
    public static final int STOPPED = -1;

    private static final String COMMAND_PREFIX = "> ";
    private static final String OUTPUT_INDENT = "  ";

    private final CommandSet commands;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean debug;
    private final Breakpoint breakpoint;

    /**
     * @param commands the commands scenarios may use
     * @param out where the transcript goes
     * @param err where the verdict's reason goes ({@code FILE:LINE: why})
     * @param debug print stack traces of internal errors
     */
    public ScenarioRunner(CommandSet commands, PrintStream out, PrintStream err, boolean debug) {
        this(commands, out, err, debug, Breakpoint.NEVER);
    }

    /** The same, stopping where {@code breakpoint} says ({@link #STOPPED}). */
    public ScenarioRunner(CommandSet commands, PrintStream out, PrintStream err, boolean debug, Breakpoint breakpoint) {
        this.commands = commands;
        this.out = out;
        this.err = err;
        this.debug = debug;
        this.breakpoint = breakpoint;
    }

    /** Runs the scenario in a UTF-8 file, named in messages as given. */
    public int run(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            err.println(file + ": not a UTF-8 text file");
            return BAD_INPUT;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return BAD_INPUT;
        }
        return run(file.toString(), lines);
    }

    /**
     * Runs the scenario read from {@code source} (standard input, for {@code sim run -}).
     *
     * @param name what messages call the source, for example {@code <stdin>}
     */
    public int run(String name, Reader source) {
        List<String> lines;
        try (BufferedReader reader = new BufferedReader(source)) {
            lines = reader.lines().toList();
        } catch (IOException | UncheckedIOException e) {
            err.println(name + ": cannot read: " + e.getMessage());
            return BAD_INPUT;
        }
        return run(name, lines);
    }

    private record Step(int line, String text, Statement statement) {
    }

    private int run(String name, List<String> source) {
        List<String> lines = withoutByteOrderMark(source);
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Optional<Statement> statement;
            try {
                statement = StatementParser.parse(lines.get(i), commands);
            } catch (BadLineException e) {
                err.println(name + ":" + (i + 1) + ": " + e.getMessage());
                return BAD_INPUT;
            }
            if (statement.isPresent()) {
                if (statement.get() instanceof Expectation && steps.isEmpty()) {
                    err.println(name + ":" + (i + 1) + ": expect needs a command before it to check");
                    return BAD_INPUT;
                }
                steps.add(new Step(i + 1, lines.get(i).strip(), statement.get()));
            }
        }
        return new Run(name).execute(steps);
    }

    /** The state of one run: the last command's outcome and a failure still waiting for its expect error. */
    private final class Run {
        private final String name;
        private Outcome last;
        private Step unacknowledgedFailure;
        private int commandCount;
        private int expectationCount;

        Run(String name) {
            this.name = name;
        }

        int execute(List<Step> steps) {
            for (Step step : steps) {
                switch (step.statement()) {
                    case Invocation planned -> {
                        if (unacknowledgedFailure != null) {
                            return unexpectedFailure();
                        }
                        Breakpoint.Decision decision = breakpoint.before(planned);
                        if (decision instanceof Breakpoint.Decision.Stop) {
                            return STOPPED;
                        }
                        Invocation invocation = decision instanceof Breakpoint.Decision.LastThen(Invocation instead)
                                ? instead : planned;
                        out.println(COMMAND_PREFIX + (invocation == planned ? step.text()
                                : String.join(" ", invocation.command().name(), String.join(" ", invocation.args()))
                                        + "  # cut short by the breakpoint"));
                        OptionalInt verdict = invoke(step, invocation);
                        if (verdict.isPresent()) {
                            return verdict.getAsInt();
                        }
                        if (invocation != planned) {
                            return STOPPED;
                        }
                        if (last instanceof Outcome.Success && invocation.command().endsSession()) {
                            return finish();
                        }
                    }
                    case Expectation expectation -> {
                        out.println(COMMAND_PREFIX + step.text());
                        Optional<String> failure = expectation.check(last);
                        if (failure.isPresent()) {
                            return report(FAILED, step, failure.get());
                        }
                        expectationCount++;
                        if (expectation instanceof Expectation.Fails) {
                            unacknowledgedFailure = null;
                        }
                        out.println(OUTPUT_INDENT + "ok");
                    }
                }
            }
            return finish();
        }

        /** Runs one command; returns an exit code if the run must stop there. */
        private OptionalInt invoke(Step step, Invocation invocation) {
            commandCount++;
            // What tasks log while the command runs is printed as it comes, and is the start of its output.
            Foreground.Run run = commands.foreground().run(invocation,
                    line -> out.println(OUTPUT_INDENT + Text.printable(line)));
            last = run.outcome();
            switch (run.rest()) {
                case Outcome.Success success -> printIndented(success.output());
                case Outcome.Failure failure -> {
                    printIndented("error: " + failure.message());
                    unacknowledgedFailure = step;
                }
                case Outcome.Misuse misuse -> {
                    return OptionalInt.of(
                            report(BAD_INPUT, step, misuse.message()
                                    + (misuse.quotesUsage() ? "" : " (usage: " + misuse.usage() + ")")));
                }
                case Outcome.Crash crash -> {
                    if (debug) {
                        crash.cause().printStackTrace(err);
                    }
                    return OptionalInt.of(report(BAD_INPUT, step,
                            "internal error in " + invocation.command().name() + ": " + crash.text()));
                }
            }
            return OptionalInt.empty();
        }

        private int finish() {
            if (unacknowledgedFailure != null) {
                return unexpectedFailure();
            }
            out.println(name + ": passed (" + plural(commandCount, "command") + ", "
                    + plural(expectationCount, "expectation") + ")");
            return PASSED;
        }

        private int unexpectedFailure() {
            Invocation invocation = (Invocation) unacknowledgedFailure.statement();
            return report(FAILED, unacknowledgedFailure, invocation.command().name() + " failed: " + last.text()
                    + " (write `expect error` after it if the failure is intended)");
        }

        private int report(int code, Step step, String why) {
            err.println(name + ":" + step.line() + ": " + Text.printable(why));
            return code;
        }
    }

    /** Editors on some systems start UTF-8 files with U+FEFF, which would otherwise glue onto the first word. */
    private static List<String> withoutByteOrderMark(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).startsWith("\uFEFF")) {
            return lines;
        }
        List<String> copy = new ArrayList<>(lines);
        copy.set(0, copy.get(0).substring(1));
        return copy;
    }

    private void printIndented(String text) {
        if (!text.isEmpty()) {
            out.println(OUTPUT_INDENT + Text.printable(text.stripTrailing()).replace("\n", "\n" + OUTPUT_INDENT));
        }
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
