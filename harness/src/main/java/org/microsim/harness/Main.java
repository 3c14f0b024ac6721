package org.microsim.harness;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.microsim.harness.CommandLine.BadCommandLine;
import org.microsim.harness.CommandLine.Parsed;
import org.microsim.harness.script.Durations;
import org.microsim.harness.script.Text;
import org.microsim.harness.script.UsageException;

/**
 * The {@code sim} command: {@code sim [OPTIONS] [run FILE|- | console | boot | check [SCENARIO] | trace diff A B
 * | bench [NAME]]}.
 *
 * <p>With no subcommand, as with {@code console}, it boots the built-in demo machine and opens the console
 * ({@code console --no-boot} opens it before boot), so a new user sees a whole
 * system with nothing to prepare. The machine options are QEMU-like and shared by every subcommand (they may
 * come before or after it); they are collected into {@link MachineOptions} and handed to the
 * {@link SessionFactory}; {@link CommandLine} holds the grammar and the help. Exit codes: {@code run} returns the scenario's (0 passed, 1 an expectation failed,
 * 2 bad input), the console 0, and any bad command line 2 with a one-line message and a hint, never a stack
 * trace.
 */
public final class Main {
    private Main() {
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
        boolean debug = List.of(args).contains("--debug");
        try {
            return dispatch(actions, CommandLine.parse(args));
        } catch (BadCommandLine e) {
            actions.err().println(CliErrors.usage(e.command().qualifiedName(), e.getMessage()));
            return CliErrors.BAD_INPUT;
        } catch (RuntimeException e) {
            return CliErrors.internalError(e, actions.err(), debug);
        } finally {
            actions.out().flush();
            actions.err().flush();
        }
    }

    private static int dispatch(Actions actions, Parsed parsed) throws BadCommandLine {
        if (parsed.has(CommandLine.HELP)) {
            actions.out().print(CommandLine.help(parsed.command(), Text.DEFAULT_WIDTH));
            return 0;
        }
        if (parsed.has(CommandLine.VERSION)) {
            actions.out().println(Version.line());
            return 0;
        }
        MachineOptions options = options(parsed);
        List<String> operands = parsed.operands();
        if (parsed.has(CommandLine.HOLD) && !parsed.has(CommandLine.WEB)) {
            throw new BadCommandLine(parsed.command(), "--hold keeps the web view open: give --web too");
        }
        if (parsed.has(CommandLine.WEB)) {
            if (parsed.command().name().equals("bench")) {
                throw new BadCommandLine(parsed.command(), "bench has no machine to show: --web is for run, console "
                        + "and boot");
            }
            actions = actions.withWeb(parsed.last(CommandLine.WEB).get(), parsed.has(CommandLine.HOLD));
        }
        return switch (parsed.command().name()) {
            case "run" -> parsed.has(CommandLine.UNTIL)
                    ? actions.runUntil(operands.getFirst(), options, until(parsed))
                    : actions.run(operands.getFirst(), options);
            case "check" -> actions.check(checkRequest(parsed));
            case "trace" -> {
                if (!operands.getFirst().equals("diff")) {
                    throw new BadCommandLine(parsed.command(), "unknown trace command '"
                            + Text.printable(operands.getFirst()) + "' (there is: diff A.json B.json)");
                }
                yield actions.traceDiff(operands.get(1), operands.get(2));
            }
            case "console" -> parsed.has(CommandLine.NO_BOOT) ? actions.console(options)
                    : actions.bootThenConsole(options);
            case "boot" -> actions.boot(options);
            case "bench" -> actions.bench(operands.isEmpty() ? null : operands.getFirst(),
                    operands.isEmpty() ? List.of() : operands.subList(1, operands.size()));
            default -> actions.bootThenConsole(options);
        };
    }

    private static java.time.Duration until(Parsed parsed) throws BadCommandLine {
        String time = parsed.last(CommandLine.UNTIL).orElseThrow();
        try {
            return Durations.parse(time);
        } catch (UsageException e) {
            throw new BadCommandLine(parsed.command(), "--until: " + e.getMessage());
        }
    }

    /** {@code sim check}'s words for the check tool (it takes no machine options: the parser saw to that). */
    private static CheckTool.Request checkRequest(Parsed parsed) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        CommandLine.CHECK.forEach(option -> {
            if (parsed.has(option)) {
                values.put(option.longName(), parsed.all(option));
            }
        });
        return new CheckTool.Request(parsed.operands(), values, System.getenv());
    }

    private static MachineOptions options(Parsed parsed) throws BadCommandLine {
        return new MachineOptions(parsed.all(CommandLine.DRIVE), parsed.all(CommandLine.NIC), CommandLine.seed(parsed),
                parsed.has(CommandLine.FREE), path(parsed, CommandLine.TRACE), path(parsed, CommandLine.PCAP),
                parsed.has(CommandLine.DEBUG)).withDemo(parsed.has(CommandLine.DEMO))
                .withUsb(parsed.has(CommandLine.USB)).withUsbPcap(path(parsed, CommandLine.USB_PCAP));
    }

    private static Optional<Path> path(Parsed parsed, CommandLine.Option option) throws BadCommandLine {
        Optional<String> given = parsed.last(option);
        try {
            return given.map(Path::of);
        } catch (InvalidPathException e) {
            throw new BadCommandLine(parsed.command(), option.longName() + ": '" + Text.printable(given.get())
                    + "' is not a file name here");
        }
    }
}
