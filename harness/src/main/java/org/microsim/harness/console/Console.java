package org.microsim.harness.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.Signals;
import org.microsim.harness.script.BadLineException;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Expectation;
import org.microsim.harness.script.Foreground;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;
import org.microsim.harness.script.Statement;
import org.microsim.harness.script.StatementParser;
import org.microsim.harness.script.Text;

/**
 * The interactive console: reads lines of the scenario language with JLine (line editing, history,
 * completion of command names and of {@code help} topics) and runs them, printing each command's output.
 *
 * <p>It speaks exactly the scenario language, expectations included (handy to try one before putting it in
 * a file), but nothing ends it except {@code quit}, {@code exit} or end of input (Ctrl-D): a bad line, a
 * failed command or a failed expectation is printed and the next line is read. Ctrl-C abandons the line
 * being typed. When input is not a terminal (a pipe, a test), JLine's dumb terminal reads it line by line,
 * so the console can be driven by a script; each line is then written after its prompt, making the output a
 * transcript.
 *
 * <p>What tasks log while a command runs is printed as it comes ({@link Foreground}). Ctrl-C while a command
 * runs stops it at its next step of virtual time and the prompt comes back; the machine stays as the command
 * left it. A burst of work that takes no virtual time cannot be cut, and a second Ctrl-C, for when that is too
 * long, ends {@code sim} with exit code 130 (the trace, if asked for, is still written).
 *
 * <p>A line can also come from elsewhere ({@link #submit}: a button of the web view). It runs as if typed: shown
 * after a prompt above the line being edited, kept in the history, its output printed the same way; it waits for
 * the command running in the console, if any, as commands take turns ({@link Foreground}).
 *
 * <p>History is kept in memory, and in {@code ~/.microsim_history} only if that file can be written; a
 * read-only home costs the history file, never the console.
 */
public final class Console implements AutoCloseable {
    /** The prompt; the caret under a bad line's column is aligned after it. */
    static final String PROMPT = "sim> ";
    /** The exit code of a process ended by SIGINT, as a shell reports it. */
    private static final int INTERRUPTED = 130;
    /** Held so that the level set on it stays set (the logging framework keeps loggers weakly). */
    private static final Logger JLINE_LOG = Logger.getLogger("org.jline");

    private final Terminal terminal;
    private final LineReader reader;
    private final CommandSet commands;
    private final boolean debug;
    private final PrintWriter out;
    private final boolean echo;
    private final Optional<HistoryFile> historyFile;
    /** The last command's outcome, for {@code expect}: set by the console's thread and by {@link #submit}. */
    private volatile Outcome last;

    private Console(Terminal terminal, CommandSet commands, Optional<HistoryFile> historyFile, boolean debug) {
        this.terminal = terminal;
        this.commands = commands;
        this.historyFile = historyFile;
        this.debug = debug;
        this.out = terminal.writer();
        // A dumb terminal reads a pipe or a file, which nobody sees being typed: writing each line after its
        // prompt makes the output a readable transcript.
        this.echo = terminal instanceof DumbTerminal;
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("sim")
                .parser(new QuotingParser())
                .completer(new CommandCompleter(commands))
                .build();
        historyFile.ifPresent(file -> file.loadInto(reader.getHistory()));
        // While a line is read JLine takes Ctrl-C itself; between, the signal comes here.
        terminal.handle(Terminal.Signal.INT, signal -> controlC());
    }

    /** Ctrl-C outside line editing: stops the running command, or ends sim when it is pressed again. */
    void controlC() {
        switch (commands.foreground().interrupt()) {
            case IDLE -> {
                // Between two commands: nothing to stop.
            }
            case STOPPING -> {
                out.println("^C: the command stops at its next step of virtual time (work that takes none "
                        + "finishes first; Ctrl-C again ends sim)");
                out.flush();
            }
            case AGAIN -> {
                out.println("^C: ending sim");
                out.flush();
                Runtime.getRuntime().exit(INTERRUPTED);
            }
        }
    }

    /**
     * A console on the process's terminal, or on standard input and output when they are not a terminal.
     * An interactive console keeps its history in the user's home if it can; piped input is not history.
     */
    public static Console onSystemTerminal(CommandSet commands, boolean debug) throws IOException {
        if (!debug) {
            // JLine logs what it recovers from (a terminal feature missing) with stack traces; a user
            // of the console is not the audience for those.
            JLINE_LOG.setLevel(Level.OFF);
        }
        Terminal terminal = TerminalBuilder.builder()
                .name("sim")
                .system(true)
                .dumb(true)
                .encoding(StandardCharsets.UTF_8)
                .build();
        if (terminal instanceof DumbTerminal) {
            // A real terminal takes SIGINT from the system for its handlers; the dumb one, on a pipe, does not, and
            // Ctrl-C would end the process. The signal is handed to it here, so it works the same on a pipe.
            Signals.register("INT", () -> terminal.raise(Terminal.Signal.INT));
        }
        Optional<HistoryFile> history = terminal instanceof DumbTerminal
                ? Optional.empty()
                : Optional.ofNullable(System.getProperty("user.home")).filter(home -> !home.isEmpty())
                        .flatMap(home -> HistoryFile.in(Path.of(home)));
        return new Console(terminal, commands, history, debug);
    }

    /** A console reading {@code in} line by line and writing to {@code out}, without a history file. */
    public static Console onStreams(CommandSet commands, InputStream in, OutputStream out, boolean debug)
            throws IOException {
        Terminal terminal = new DumbTerminal("sim", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8);
        return new Console(terminal, commands, Optional.empty(), debug);
    }

    /** Reads and runs lines until {@code quit}, {@code exit} or end of input. */
    public void run() {
        while (true) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                out.println();
                break;
            }
            if (echo) {
                out.println(line);
            }
            if (!step(line)) {
                break;
            }
        }
        out.flush();
        historyFile.ifPresent(file -> file.saveFrom(reader.getHistory()));
    }

    /** Runs one line; false when it ends the console. */
    private boolean step(String line) {
        Optional<Statement> statement;
        try {
            statement = StatementParser.parse(line, commands);
        } catch (BadLineException e) {
            out.println(" ".repeat(PROMPT.length() + e.column() - 1) + "^ " + e.reason());
            out.flush();
            return true;
        }
        boolean goOn = statement.map(st -> execute(st, this::println)).orElse(true);
        out.flush();
        return goOn;
    }

    /**
     * Runs a line sent from elsewhere (the web view) as if it were typed, and gives back what it did. A line that
     * is not one command (a bad line, an expectation) or that would end the session is refused.
     *
     * @throws IllegalArgumentException with a one-line reason when the line is refused
     */
    public Outcome submit(String line) {
        Statement statement;
        try {
            statement = StatementParser.parse(line, commands)
                    .orElseThrow(() -> new IllegalArgumentException("an empty line is no command"));
        } catch (BadLineException e) {
            throw new IllegalArgumentException("column " + e.column() + ": " + e.reason());
        }
        if (!(statement instanceof Invocation invocation) || invocation.command().endsSession()) {
            throw new IllegalArgumentException("only a command that leaves the console open can be sent from here");
        }
        reader.getHistory().add(line);
        // Above the line being edited on a terminal; a dumb one cannot redraw it, and the transcript just goes on.
        Consumer<String> print = echo ? this::println : text -> reader.printAbove(Text.printable(text));
        print.accept(PROMPT + line);
        Outcome outcome = invoke(invocation, print);
        out.flush();
        return outcome;
    }

    private boolean execute(Statement statement, Consumer<String> print) {
        switch (statement) {
            case Invocation invocation -> {
                Outcome outcome = invoke(invocation, print);
                return !(outcome instanceof Outcome.Success && invocation.command().endsSession());
            }
            case Expectation expectation -> {
                Outcome before = last;
                if (before == null) {
                    out.println("error: nothing to check yet: expect checks the last command");
                } else {
                    print.accept(expectation.check(before).map(why -> "expectation failed: " + why).orElse("ok"));
                }
                return true;
            }
        }
    }

    /** Runs a command, its lines and then the rest of its output going to {@code print}. */
    private Outcome invoke(Invocation invocation, Consumer<String> print) {
        Foreground.Run run = commands.foreground().run(invocation, line -> {
            print.accept(line);
            out.flush();
        });
        last = run.outcome();
        print(invocation, run.rest(), print);
        return run.outcome();
    }

    private void print(Invocation invocation, Outcome outcome, Consumer<String> print) {
        switch (outcome) {
            case Outcome.Success success -> {
                if (!success.output().isEmpty()) {
                    print.accept(success.output().stripTrailing());
                }
            }
            case Outcome.Failure failure -> print.accept("error: " + failure.message());
            case Outcome.Misuse misuse -> print.accept("error: " + misuse.message()
                    + (misuse.quotesUsage() ? "" : "\nusage: " + misuse.usage()));
            case Outcome.Crash crash -> {
                if (debug) {
                    crash.cause().printStackTrace(out);
                }
                print.accept("internal error in " + invocation.command().name() + ": " + crash.text());
            }
        }
    }

    /** Prints what the simulated system said, its control characters made visible (see {@link Text}). */
    private void println(String text) {
        out.println(Text.printable(text));
    }

    /** Restores the terminal. */
    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
