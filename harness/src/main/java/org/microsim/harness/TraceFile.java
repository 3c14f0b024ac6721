package org.microsim.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.microsim.harness.trace.ChromeTrace;

/**
 * The file of {@code --trace}: checked before anything runs, so that a typo costs a second and not a run, and
 * written once however the run ends: at the end of the subcommand, or from a shutdown hook when the process is
 * ended early (Ctrl-C in {@code sim run}, a second Ctrl-C in the console, SIGTERM). A run longer than the
 * kernel keeps events for says so on standard error as well as in the file.
 */
final class TraceFile {
    private final Path file;
    private final PrintStream err;
    private boolean written;

    private TraceFile(Path file, PrintStream err) {
        this.file = file;
        this.err = err;
    }

    /**
     * The trace file of {@code --trace WORD} ({@code ~} expanded), or why it cannot be written.
     *
     * @return the file, or the reason as the message of a bad command line
     */
    static Result check(Path word, PrintStream err) {
        if (word.toString().isEmpty()) {
            return new Result.Bad("--trace needs a file name");
        }
        Path file = HostPaths.resolve(Path.of(""), word.toString()).toAbsolutePath();
        Optional<String> why = problem(file);
        return why.<Result>map(w -> new Result.Bad("cannot write the trace to " + word + ": " + w))
                .orElseGet(() -> new Result.Ok(new TraceFile(file, err)));
    }

    /** What {@link #check} found. */
    sealed interface Result {
        /** A file that can be written. */
        record Ok(TraceFile file) implements Result {
        }

        /** Why not. */
        record Bad(String message) implements Result {
        }
    }

    private static Optional<String> problem(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of("it is a directory");
        }
        Path parent = file.getParent();
        if (!Files.exists(parent)) {
            return Optional.of("no such directory: " + parent);
        }
        if (!Files.isDirectory(parent)) {
            return Optional.of("not a directory: " + parent);
        }
        boolean writable = Files.exists(file) ? Files.isWritable(file) : Files.isWritable(parent);
        return writable ? Optional.empty() : Optional.of("permission denied");
    }

    /**
     * Writes the session's trace, unless it was written already.
     *
     * @return false if it could not be written (said on standard error)
     */
    synchronized boolean write(Session session) {
        if (written) {
            return true;
        }
        written = true;
        var machines = session.traces();
        try {
            ChromeTrace.write(machines, session.traceNote().orElse(null), file);
        } catch (IOException e) {
            err.println("sim: cannot write the trace to " + file + ": " + HostPaths.why(e));
            return false;
        }
        for (ChromeTrace.Machine machine : machines) {
            if (machine.total() > machine.events().size()) {
                String whose = machines.size() == 1 ? "the trace" : "the trace of " + machine.name();
                err.println("sim: " + whose + " holds the first " + machine.events().size()
                        + " of " + machine.total() + " kernel events, as many as the kernel keeps; it ends with a '"
                        + ChromeTrace.TRUNCATED + "' event");
            }
        }
        return true;
    }
}
