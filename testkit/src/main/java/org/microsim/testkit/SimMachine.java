package org.microsim.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.Page;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.OwnProgram;
import org.microsim.harness.Session;
import org.microsim.harness.SessionException;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.BadLineException;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Expectation;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;
import org.microsim.harness.script.ScenarioRunner;
import org.microsim.harness.script.Statement;
import org.microsim.harness.script.StatementParser;
import org.microsim.harness.trace.ChromeTrace;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TraceEvent;
import org.microsim.services.init.Init;

/**
 * A whole simulated machine for a test, in memory, as Netty's {@code EmbeddedChannel} is a channel: built in one
 * line, driven by the same command language as {@code sim run} and the console, looked at through typed views,
 * closed when done.
 *
 * <pre>{@code
 * try (SimMachine m = SimMachine.builder().seed(7).disk(Disk.gpt().fat32("DATA", 64 * Disk.MIB)).build()) {
 *     m.run("write /vol/ahci0:disk0p1/a.txt hello\nsync\ncat /vol/ahci0:disk0p1/a.txt\nexpect output contains hello");
 *     m.files().read("/vol/ahci0:disk0p1/a.txt");   // Optional of the bytes, through the VFS
 * }
 * }</pre>
 *
 * <p><b>Everything is a scenario line.</b> The machine is described by the lines a scenario would use ({@code demo},
 * {@code drive file=...}, {@code nic ...}; described disks are written to image files first), booted by {@code boot},
 * and every command it runs is kept. {@link #scenario()} gives them back as a {@code .scn} text and
 * {@link #replayCommand()} the {@code sim run --seed N} line that replays it, so a failing test hands over a run a
 * person can repeat outside the test. The typed views ({@link #files()}, {@link #tasks()}, {@link #devices()}) read
 * through the kernel's API and the console's system calls (the same calls a task makes); they are not scenario
 * lines, and a test that wants a faithful replay checks through commands ({@code stat}, {@code cat}, {@code expect}).
 *
 * <p><b>Wrapping, not copying.</b> The machine is the harness's own session ({@link SessionFactory#installed()}), its
 * commands the harness's ({@link Commands#of}), scenarios run by the harness's {@link ScenarioRunner}: a test sees
 * exactly what {@code sim} does.
 */
public final class SimMachine implements AutoCloseable {
    private static final String EXPECT_ERROR = "expect error";
    private final Session session;
    private final CommandSet commands;
    private final MachineOptions options;
    private final List<Path> images;
    private final List<String> lines = new ArrayList<>();
    private boolean keepImages;

    SimMachine(MachineOptions options, List<String> setup, List<Path> images, boolean boot) {
        this.options = options;
        this.images = List.copyOf(images);
        try {
            session = SessionFactory.installed().open(options);
        } catch (SessionException e) {
            throw new IllegalArgumentException("the machine cannot be built: " + e.getMessage(), e);
        }
        commands = Commands.of(session);
        try {
            for (String line : setup) {
                CommandResult r = command(line);
                if (!r.ok()) {
                    throw new IllegalArgumentException(line + ": " + r.output());
                }
            }
            CommandResult booted = boot ? command("boot") : new CommandResult(true, "");
            if (!booted.ok()) {
                throw new IllegalStateException("boot failed: " + booted.output());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A builder of a machine: the demo machine, seed 1, deterministic, booted, unless told otherwise. */
    public static SimMachineBuilder builder() {
        return new SimMachineBuilder();
    }

    /**
     * Runs a scenario (lines of the command language, {@code expect} included) as {@code sim run} does.
     *
     * @return the verdict, the transcript and, when it did not pass, the line at fault and why
     */
    public RunResult run(String scenario) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new ScenarioRunner(commands, o, e, false).run("scenario", new StringReader(scenario));
        }
        String failure = err.toString(StandardCharsets.UTF_8).strip();
        // What ran joins the machine's scenario: all of it, or the lines up to the one the run stopped at (none when
        // a line did not parse, as then nothing ran).
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("^scenario:(\\d+): ").matcher(failure);
        List<String> ran = scenario.lines().toList();
        if (!ran.stream().allMatch(this::parses)) {
            ran = List.of();
        } else if (at.find()) {
            ran = ran.subList(0, Integer.parseInt(at.group(1)));
        }
        lines.addAll(ran);
        return new RunResult(code, out.toString(StandardCharsets.UTF_8), failure);
    }

    /**
     * Runs one command line ({@code crash ahci}, {@code write /vol/x/a.txt hi}); an {@code expect} is not a command
     * and a line that does not parse is an {@link IllegalArgumentException}. The line joins {@link #scenario()}.
     */
    public CommandResult command(String line) {
        if (!(parse(line) instanceof Invocation invocation)) {
            throw new IllegalArgumentException(line + ": not a command (expectations go in run(scenario))");
        }
        lines.add(line);
        Outcome outcome = commands.foreground().run(invocation, printed -> { }).outcome();
        return switch (outcome) {
            case Outcome.Success s -> new CommandResult(true, s.output());
            case Outcome.Failure f -> {
                // sim run stops at a failure nothing expects: the scenario says this one was seen, so it replays.
                lines.add(EXPECT_ERROR);
                yield new CommandResult(false, f.message());
            }
            case Outcome.Misuse m -> throw new IllegalArgumentException(line + ": " + m.message());
            case Outcome.Crash c -> throw new IllegalStateException(line + ": internal error: " + c.text(), c.cause());
        };
    }

    /**
     * Runs a command and checks its outcome with an expectation of the language ({@code expect output contains "x"},
     * {@code expect output matches "REGEX"}, {@code expect error}); both lines join {@link #scenario()}, so a check
     * made this way replays with the rest.
     *
     * @return empty when the expectation held, else why not
     */
    public Optional<String> check(String commandLine, String expectation) {
        CommandResult result = command(commandLine);
        if (!(parse(expectation) instanceof Expectation expect)) {
            throw new IllegalArgumentException(expectation + ": not an expectation");
        }
        if (result.ok() || !(expect instanceof Expectation.Fails)) {
            lines.add(expectation);
        }
        Outcome last = result.ok() ? new Outcome.Success(result.output()) : new Outcome.Failure(result.output());
        return expect.check(last).map(why -> commandLine + " / " + expectation + ": " + why);
    }

    /** What a line of the language is; null for a blank or comment line. */
    private Statement parse(String line) {
        try {
            return StatementParser.parse(line, commands).orElse(null);
        } catch (BadLineException e) {
            throw new IllegalArgumentException(line + ": " + e.getMessage(), e);
        }
    }

    private boolean parses(String line) {
        try {
            StatementParser.parse(line, commands);
            return true;
        } catch (BadLineException e) {
            return false;
        }
    }

    /** The files of the machine, through its VFS. */
    public SimFiles files() {
        return new SimFiles(kernel().console());
    }

    /** Every task the kernel knows, live or ended, as {@code ps} lists them. */
    public List<TaskInfo> tasks() {
        return kernel().tasks();
    }

    /** Every port the kernel has now, the devices' included: what devd's registry must agree with. */
    public List<PortSnapshot> ports() {
        return kernel().ports();
    }

    /** The device tree as devd keeps it: each port, its depth, the driver bound to it and that driver's state. */
    public List<LsdevEntry> devices() {
        var devd = org.microsim.abi.Client.named(kernel().console(), Init.DEVICE_MANAGER, SimFiles.LOOKUP,
                SimFiles.TIMEOUT);
        try {
            return Page.all(start -> devd.call(new DevdRequest.Lsdev(start)));
        } catch (org.microsim.abi.devd.DevdException e) {
            throw new IllegalStateException("devd did not list its devices: " + e.getMessage(), e);
        }
    }

    /** The kernel events so far (the first machine's, for a session of several), oldest first. */
    public List<TraceEvent> trace() {
        return session.trace();
    }

    /** The hash of every kernel event so far: equal for two runs of the same scenario with the same seed. */
    public long fingerprint() {
        return kernel().trace().fingerprint();
    }

    /** The virtual time, in nanoseconds since boot. */
    public long now() {
        return kernel().now();
    }

    /**
     * The names of the test's own programs and services on this machine ({@link SimMachineBuilder#program}): when
     * there are any, {@code sim run} cannot replay its {@link #scenario()}, only {@link #replay()} can.
     */
    public List<String> ownPrograms() {
        return options.programs().stream().map(OwnProgram::name).toList();
    }

    /** The seed every choice of this machine follows from. */
    public long seed() {
        return options.seed();
    }

    /**
     * Every line this machine ran, setup and {@code boot} included, as a scenario: run it with
     * {@link #replayCommand()}. A command that failed is followed by {@code expect error}, as {@code sim run} stops at
     * a failure nothing expects; the run then fails where the test failed, at its last expectation. A machine with
     * programs of the test's own ({@link #ownPrograms()}) says in a first comment line that {@code sim run} does not
     * have them: its scenario is for reading, and replays only from the test.
     */
    public String scenario() {
        String own = ownPrograms().isEmpty() ? "" : "# runs programs of the test's own (" + String.join(", ",
                ownPrograms()) + "), which sim does not have: only the test replays this\n";
        return own + String.join("\n", lines) + "\n";
    }

    /**
     * The command line that replays {@link #scenario()} saved as {@code FILE}. Image files the scenario names are
     * kept past {@link #close()} once this has been asked for. It cannot replay a machine with programs of the test's
     * own ({@link #ownPrograms()}): {@code sim} does not have them.
     */
    public String replayCommand() {
        keepImages = true;
        return "./sim run --seed " + options.seed() + (options.free() ? " --free" : "") + (options.usb() ? " --usb" : "")
                + " FILE.scn";
    }

    /**
     * A new machine that runs this one's {@link #scenario()} again, with the same seed: the same commands in the same
     * order (expectations only look, so they are left out). Under the deterministic scheduler it goes through the
     * same events, unless this machine was also read through its typed views, whose calls are not scenario lines.
     * Described disks are shared, so replay before closing this one; a {@code persist=on} drive cannot be shared.
     */
    public SimMachine replay() {
        SimMachine again = new SimMachine(options, List.of(), List.of(), false);
        for (String line : lines) {
            if (parse(line) instanceof Invocation) {
                again.command(line);
            }
        }
        return again;
    }

    Kernel kernel() {
        return session.runningKernel().orElseThrow(() -> new IllegalStateException("the machine is not booted: run boot"));
    }

    /**
     * Stops the machine, after writing its trace file if the builder asked for one; image files made for described
     * disks go too, unless a replay was asked for.
     *
     * @throws UncheckedIOException when the trace or an image file cannot be written or deleted
     */
    @Override
    public void close() {
        try {
            // The kernel's events go with it: the file is written first.
            if (options.trace().isPresent()) {
                ChromeTrace.write(session.traces(), session.traceNote().orElse(null), options.trace().get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trace: " + e.getMessage(), e);
        } finally {
            session.close();
        }
        if (!keepImages) {
            try {
                for (Path image : images) {
                    java.nio.file.Files.deleteIfExists(image);
                }
                if (!images.isEmpty()) {
                    java.nio.file.Files.deleteIfExists(images.getFirst().getParent()); // the builder's scratch directory
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete a disk image: " + e.getMessage(), e);
            }
        }
    }
}
