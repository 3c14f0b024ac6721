package org.microsim.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.microsim.harness.console.Console;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;
import org.microsim.harness.script.ScenarioRunner;
import org.microsim.harness.script.Text;
import org.microsim.harness.trace.TraceDiff;
import org.microsim.harness.web.WebAddress;

/**
 * What the subcommands of {@code sim} do, once the command line is parsed: each opens a session, uses its
 * commands, writes the trace if asked, and closes the session, whatever happened in between. With {@code --web}
 * the web view serves the session meanwhile ({@link WebSession}), and with {@code --hold} after the scenario too.
 */
final class Actions {
    private static final String BOOT = "boot";

    private final SessionFactory factory;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean systemTerminal;
    /** {@code --web}'s address ({@code ""} for the default), or null without a web view. */
    private final String web;
    private final boolean hold;
    /** Where the web view's commands are shown: the console while one is open. */
    private WebSession webSession;

    /**
     * @param systemTerminal the console uses the process's terminal (else a dumb one on {@code in}/{@code out})
     */
    Actions(SessionFactory factory, InputStream in, PrintStream out, PrintStream err, boolean systemTerminal) {
        this(factory, in, out, err, systemTerminal, null, false);
    }

    private Actions(SessionFactory factory, InputStream in, PrintStream out, PrintStream err, boolean systemTerminal,
            String web, boolean hold) {
        this.factory = factory;
        this.in = in;
        this.out = out;
        this.err = err;
        this.systemTerminal = systemTerminal;
        this.web = web;
        this.hold = hold;
    }

    /** The same actions, with the web view at {@code address} ({@code [HOST:]PORT}, empty for the default). */
    Actions withWeb(String address, boolean holdAfter) {
        return new Actions(factory, in, out, err, systemTerminal, address, holdAfter);
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** {@code sim run FILE|-}: the scenario runner's exit code. */
    int run(String file, MachineOptions options) {
        boolean stdin = file.equals("-");
        Path path = HostPaths.resolve(Path.of(""), file);
        // Any file that can be read will do: a pipe from <(...), a FIFO, /dev/stdin.
        Optional<String> unreadable = stdin ? Optional.empty() : unreadable(path);
        if (unreadable.isPresent()) {
            err.println(CliErrors.usage("sim run", "cannot read the scenario " + file + ": " + unreadable.get()));
            return CliErrors.BAD_INPUT;
        }
        // A scenario's own paths (drive file=...) are relative to the scenario, so it can describe its machine;
        // those of a scenario from a pipe are relative to the current directory, as the pipe's are.
        MachineOptions scenarioOptions = stdin || !Files.isRegularFile(path) ? options
                : options.withBaseDir(path.toAbsolutePath().getParent());
        return withSession(scenarioOptions, commands -> {
            ScenarioRunner runner = new ScenarioRunner(commands, out, err, options.debug());
            return stdin
                    ? runner.run("<stdin>", new InputStreamReader(in, StandardCharsets.UTF_8))
                    : runner.run(path);
        });
    }

    /**
     * {@code sim run --until TIME FILE}: runs the scenario until the virtual clock reaches TIME (see {@link Until}),
     * then opens the console on the same machine; 2 if the scenario cannot be run as written.
     */
    int runUntil(String file, MachineOptions options, java.time.Duration until) {
        if (file.equals("-")) {
            err.println(CliErrors.usage("sim run", "--until opens the console after the scenario, so the scenario "
                    + "cannot come from standard input: give a file"));
            return CliErrors.BAD_INPUT;
        }
        Path path = HostPaths.resolve(Path.of(""), file);
        Optional<String> unreadable = unreadable(path);
        if (unreadable.isPresent()) {
            err.println(CliErrors.usage("sim run", "cannot read the scenario " + file + ": " + unreadable.get()));
            return CliErrors.BAD_INPUT;
        }
        MachineOptions scenarioOptions = Files.isRegularFile(path)
                ? options.withBaseDir(path.toAbsolutePath().getParent()) : options;
        return withSession(scenarioOptions, commands -> {
            Until breakpoint = new Until(commands, until);
            int code = new ScenarioRunner(commands, out, err, options.debug(), breakpoint).run(path);
            if (code == ScenarioRunner.BAD_INPUT) {
                return code;
            }
            out.println("stopped at virtual time " + breakpoint.reach()
                    + (code == ScenarioRunner.STOPPED ? "" : " (the scenario " + (code == 0 ? "ended" : "failed")
                            + " before it)") + "; the console is open on this machine (Ctrl-D ends)");
            return console(commands, options.debug());
        });
    }

    /** {@code sim check}: the check tool's exit code. */
    int check(CheckTool.Request request) {
        Optional<CheckTool> tool = CheckTool.installed();
        if (tool.isEmpty()) {
            err.println("sim: this build has no campaign runner (no check tool)");
            return CliErrors.BAD_INPUT;
        }
        if (systemTerminal) {
            // This process is the command's own: one carrier per machine that runs at once (a bad --jobs is the
            // tool's to report).
            Carriers.forDeterministicMachines(request.last("--jobs").filter(j -> j.matches("[1-9]\\d{0,3}"))
                    .map(Integer::parseInt).orElse(1));
        }
        return tool.get().check(request, factory, out, err);
    }

    /** {@code sim trace diff A B}: 0 the same, 1 they differ, 2 one cannot be read. */
    int traceDiff(String a, String b) {
        return TraceDiff.run(HostPaths.resolve(Path.of(""), a), HostPaths.resolve(Path.of(""), b), out, err);
    }

    /** Why {@code file} cannot be read as a scenario, if it cannot. */
    private static Optional<String> unreadable(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("it is a directory");
        }
        if (!Files.exists(file)) {
            return Optional.of("no such file or directory");
        }
        return Files.isReadable(file) ? Optional.empty() : Optional.of("permission denied");
    }

    /** {@code sim console}: 0 once the console ends. */
    int console(MachineOptions options) {
        return withSession(options, commands -> console(commands, options.debug()));
    }

    /** {@code sim boot}: 0 if the machine booted, 1 if the boot failed. */
    int boot(MachineOptions options) {
        return withSession(options, commands -> boot(commands, options.debug()));
    }

    /** {@code sim}: boots, then opens the console even if the boot failed, to look at what went wrong. */
    int bootThenConsole(MachineOptions options) {
        return withSession(options, commands -> {
            boot(commands, options.debug());
            return console(commands, options.debug());
        });
    }

    /** {@code sim bench [NAME [ARGS...]]}. */
    int bench(String name, List<String> args) {
        return new BenchLauncher(BenchCatalog.of(Main.class, BenchCatalog.PACKAGE), out, err).launch(name, args);
    }

    private int withSession(MachineOptions options, ToIntFunction<CommandSet> body) {
        Optional<TraceFile> trace = Optional.empty();
        if (options.trace().isPresent()) {
            switch (TraceFile.check(options.trace().get(), err)) {
                case TraceFile.Result.Ok ok -> trace = Optional.of(ok.file());
                case TraceFile.Result.Bad bad -> {
                    err.println(CliErrors.usage("sim", bad.message()));
                    return CliErrors.BAD_INPUT;
                }
            }
        }
        if (systemTerminal && !options.free()) {
            // This process is the command's own (Main.main, not a test) and runs one deterministic machine.
            Carriers.forDeterministicMachines();
        }
        Session session;
        try {
            session = factory.open(options);
        } catch (SessionException e) {
            if (options.debug()) {
                e.printStackTrace(err);
            }
            err.println("sim: " + e.getMessage());
            return CliErrors.BAD_INPUT;
        }
        if (systemTerminal && trace.isPresent()) {
            // Ctrl-C or SIGTERM ends the process without coming back here: the trace is written on the way out.
            TraceFile file = trace.get();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> file.write(session), "sim-trace"));
        }
        try (session) {
            CommandSet commands = Commands.of(session);
            if (web != null) {
                try {
                    webSession = WebSession.start(web, commands, session, out, options.debug());
                } catch (WebAddress.BadAddress e) {
                    err.println("sim: --web: " + e.getMessage());
                    return CliErrors.BAD_INPUT;
                }
                err.println("sim: the web view is at " + webSession.url());
            }
            try {
                int code = body.applyAsInt(commands);
                if (trace.isPresent() && !trace.get().write(session) && code == 0) {
                    return CliErrors.BAD_INPUT;
                }
                if (webSession != null && hold) {
                    err.println("sim: the web view stays at " + webSession.url() + " until Ctrl-C");
                    webSession.hold();
                }
                return code;
            } finally {
                if (webSession != null) {
                    webSession.close();
                }
            }
        }
    }

    private int boot(CommandSet commands, boolean debug) {
        Optional<Command> boot = commands.find(BOOT);
        if (boot.isEmpty()) {
            err.println("sim: this build has no simulated machine (no boot command)");
            return CliErrors.BAD_INPUT;
        }
        // Through the foreground, as any command: the web view looks at the machine where it ends.
        Outcome outcome = commands.foreground().run(new Invocation(boot.get(), List.of()), line -> { }).outcome();
        switch (outcome) {
            case Outcome.Success success -> {
                if (!success.output().isEmpty()) {
                    out.println(Text.printable(success.output().stripTrailing()));
                }
                return 0;
            }
            case Outcome.Failure failure -> {
                err.println("sim: boot failed: " + Text.printable(failure.message()));
                return 1;
            }
            case Outcome.Misuse misuse -> {
                err.println("sim: boot: " + misuse.message());
                return CliErrors.BAD_INPUT;
            }
            case Outcome.Crash crash -> {
                return CliErrors.internalError(crash.cause(), err, debug);
            }
        }
    }

    private int console(CommandSet commands, boolean debug) {
        try (Console console = systemTerminal
                ? Console.onSystemTerminal(commands, debug)
                : Console.onStreams(commands, in, out, debug)) {
            if (webSession != null) {
                webSession.showIn(console);
            }
            try {
                console.run();
            } finally {
                if (webSession != null) {
                    webSession.showIn(null);
                }
            }
            return 0;
        } catch (IOException e) {
            err.println("sim: cannot open the console: " + e.getMessage());
            return CliErrors.BAD_INPUT;
        }
    }
}
