package org.microsim.harness;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sim} command: {@code sim [OPTIONS] [run FILE|- | console | boot | bench [NAME]]}.
 *
 * <p>With no subcommand, as with {@code console}, it boots the built-in demo machine and opens the console
 * ({@code console --no-boot} opens it before boot), so a new user sees a whole
 * system with nothing to prepare. The machine options are QEMU-like and shared by every subcommand (they may
 * come before or after it); they are collected into {@link MachineOptions} and handed to the
 * {@link SessionFactory}. Exit codes: {@code run} returns the scenario's (0 passed, 1 an expectation failed,
 * 2 bad input), the console 0, and any bad command line 2 with a one-line message and a hint, never a stack
 * trace.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"A microkernel operating system, simulated on the JVM with its hardware.",
            "With no command: boot the built-in demo machine and open the console."},
        footer = {"", "Exit codes: 0 success; 1 a scenario expectation failed; 2 bad input or options.",
            "Scenario language: run `help` in the console."})
public final class Main implements Callable<Integer> {
    // Repeatable options are setters that append: a list field would be replaced, not extended, when the
    // option appears both before and after the subcommand.
    private final List<String> drives = new ArrayList<>();
    private final List<String> nics = new ArrayList<>();

    @Option(names = "--demo", order = 3, scope = ScopeType.INHERIT,
            description = "Keep the demo machine's disks and NIC and add the --drive and --nic ones after them "
                    + "(without it, any --drive or --nic replaces the whole demo machine).")
    private boolean demo;

    @Option(names = "--seed", order = 3, scope = ScopeType.INHERIT, paramLabel = "N", defaultValue = "1",
            description = "Seed of the scheduler and of every random choice (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--free", order = 4, scope = ScopeType.INHERIT,
            description = "Free scheduler: tasks on real threads, time following the wall clock "
                    + "(default: deterministic).")
    private boolean free;

    @Option(names = "--trace", order = 5, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Write a Chrome/Perfetto trace (JSON) at exit; open it at ui.perfetto.dev.")
    private Path trace;

    @Option(names = "--pcap", order = 6, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Write the network traffic to FILE (pcap).")
    private Path pcap;

    @Option(names = "--debug", order = 7, scope = ScopeType.INHERIT,
            description = "Show stack traces of internal errors.")
    private boolean debug;

    private final Actions actions;

    @Option(names = "--drive", order = 1, scope = ScopeType.INHERIT,
            paramLabel = "file=PATH,if=ahci|usb[,readonly=on][,persist=on]",
            description = "Attach a disk image on an AHCI or USB controller. Writes stay in memory unless "
                    + "persist=on. Repeatable. Replaces the demo machine unless --demo.")
    void drive(String value) {
        if (value != null) {
            drives.add(value);
        }
    }

    @Option(names = "--nic", order = 2, scope = ScopeType.INHERIT, arity = "0..1", fallbackValue = "",
            paramLabel = "mac=MAC",
            description = "Add an Ethernet controller, optionally with its MAC address. Repeatable. Replaces the "
                    + "demo machine unless --demo.")
    void nic(String value) {
        if (value != null) {
            nics.add(value);
        }
    }

    private Main(Actions actions) {
        this.actions = actions;
    }

    /** Runs {@code sim} and exits with its exit code. */
    public static void main(String[] args) {
        Actions actions = new Actions(SessionFactory.installed(), System.in, System.out, System.err, true);
        System.exit(execute(actions, args));
    }

    /**
     * Runs {@code sim} with the given streams and factory, without a system terminal and without exiting:
     * what tests use.
     *
     * @return the exit code
     */
    public static int execute(SessionFactory factory, InputStream in, PrintStream out, PrintStream err,
            String... args) {
        return execute(new Actions(factory, in, out, err, false), args);
    }

    private static int execute(Actions actions, String... args) {
        Main main = new Main(actions);
        CommandLine commandLine = new CommandLine(main)
                .setOut(new PrintWriter(actions.out(), true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(actions.err(), true, StandardCharsets.UTF_8))
                .setOverwrittenOptionsAllowed(true)
                .setParameterExceptionHandler(CliErrors::badParameters)
                .setExecutionExceptionHandler(
                        (e, line, parsed) -> CliErrors.internalError(e, actions.err(), main.debug));
        int code = commandLine.execute(args);
        actions.out().flush();
        actions.err().flush();
        return code;
    }

    MachineOptions options() {
        return new MachineOptions(drives, nics, seed, free, Optional.ofNullable(trace), Optional.ofNullable(pcap),
                debug).withDemo(demo);
    }

    /** {@code sim} alone: boot the demo machine, then the console. */
    @Override
    public Integer call() {
        return actions.bootThenConsole(options());
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a scenario file (- reads standard input).",
                "Exit code 0 when every expectation holds, 1 when one fails, 2 on bad input."})
    int run(@Parameters(paramLabel = "FILE|-", description = "the scenario") String file) {
        return actions.run(file, options());
    }

    @Command(name = "console", mixinStandardHelpOptions = true,
            description = {"Boot the machine and open the interactive console, as sim alone does (help lists the "
                + "commands; Ctrl-D ends).", "With --no-boot the console opens before boot, to attach drives first."})
    int console(@Option(names = "--no-boot", description = "open the console without booting") boolean noBoot) {
        return noBoot ? actions.console(options()) : actions.bootThenConsole(options());
    }

    @Command(name = "boot", mixinStandardHelpOptions = true,
            description = "Boot the machine, print what happened, and exit (1 if the boot failed).")
    int boot() {
        return actions.boot(options());
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = {"Run a benchmark by name; with no name, list them.",
                "Arguments after -- go to the benchmark."})
    int bench(@Parameters(paramLabel = "NAME", arity = "0..1", index = "0", description = "the benchmark")
            String name,
            @Parameters(paramLabel = "ARGS", index = "1..*", description = "its arguments") List<String> args) {
        return actions.bench(name, args == null ? List.of() : args);
    }
}
