package org.microsim.harness.script;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The command running in the foreground, as the console and the scenario runner see it while it runs: the
 * lines the machine prints meanwhile, shown as they come, and Ctrl-C.
 *
 * <p>Lines: a command such as {@code boot} or {@code sleep 10s} lets tasks run, and what they log should reach
 * the screen when it happens, not in one block at the end (a million lines would otherwise wait in memory).
 * The machine {@link #offer}s each line; while a command runs through {@link #run} it is printed at once and
 * kept, and the command's outcome then starts with the kept lines, so {@code expect output} sees them as
 * before. Offered when no command runs through here (a test calling a command directly), a line is refused
 * and the machine keeps it in the command's output itself.
 *
 * <p>Ctrl-C: {@link #interrupt} marks the running command; the machine runs a long command in short steps of
 * virtual time and calls {@link #check} between them, which ends the command with a failure. A step that
 * uses no virtual time (a burst of work that never waits) cannot be cut, so an interrupt waits for its end.
 *
 * <p>One command at a time, whoever sends it (the console, a scenario, the web view): {@link #run} takes the turn,
 * and a command sent meanwhile waits for it. When a command ends, the machine is quiet (a command lets it settle
 * before it returns), and the {@link #afterEach} listeners look at it then, still holding the turn, so what they
 * read is not changing under them and they never make the machine run themselves.
 */
public final class Foreground {
    /** Where lines go and are kept while a command runs; null between commands. Guarded by itself. */
    private final Object lines = new Object();
    private Consumer<String> printer;
    private StringBuilder kept;
    /**
     * Whether a command runs and whether it was interrupted: apart from the lines, so that a Ctrl-C is taken at
     * once even while a task prints lines as fast as it can.
     */
    private final AtomicReference<State> state = new AtomicReference<>(State.IDLE);
    private final ReentrantLock turn = new ReentrantLock();
    private final List<Runnable> quiet = new CopyOnWriteArrayList<>();

    private enum State { IDLE, RUNNING, INTERRUPTED }

    /**
     * What a run gives back.
     *
     * @param outcome what the command did, its output starting with the lines printed while it ran
     * @param rest the same without those lines: what is left to print
     */
    public record Run(Outcome outcome, Outcome rest) {
    }

    /**
     * Runs the invocation; the lines offered meanwhile go to {@code print} at once.
     */
    public Run run(Invocation invocation, Consumer<String> print) {
        turn.lock();
        try {
            Run run = runAlone(invocation, print);
            quiet.forEach(Runnable::run);
            return run;
        } finally {
            turn.unlock();
        }
    }

    /** Calls {@code listener} after every command run through here, at the quiet point where it ended. */
    public void afterEach(Runnable listener) {
        quiet.add(listener);
    }

    /** Runs {@code body} between two commands: at once when none runs, else when the running one ends. */
    public void betweenCommands(Runnable body) {
        turn.lock();
        try {
            body.run();
        } finally {
            turn.unlock();
        }
    }

    private Run runAlone(Invocation invocation, Consumer<String> print) {
        StringBuilder kept = new StringBuilder();
        synchronized (lines) {
            printer = print;
            this.kept = kept;
        }
        state.set(State.RUNNING);
        Outcome rest;
        try {
            rest = invocation.run();
        } finally {
            state.set(State.IDLE);
            synchronized (lines) {
                printer = null;
                this.kept = null;
            }
        }
        String before = kept.toString();
        Outcome whole = switch (rest) {
            case Outcome.Success s -> new Outcome.Success(before + s.output());
            case Outcome.Failure f -> new Outcome.Failure(before + f.message());
            case Outcome.Misuse m -> m;
            case Outcome.Crash c -> c;
        };
        return new Run(whole, rest);
    }

    /**
     * For the machine: a line it printed (no newline).
     *
     * @return false when no command runs through {@link #run}: the caller then keeps the line
     */
    public boolean offer(String line) {
        synchronized (lines) {
            if (printer == null) {
                return false;
            }
            printer.accept(line);
            kept.append(line).append('\n');
            return true;
        }
    }

    /** What a Ctrl-C did. */
    public enum Interrupt {
        /** No command was running. */
        IDLE,
        /** The running command stops at its next step. */
        STOPPING,
        /** The running command had been interrupted already: the person wants out. */
        AGAIN
    }

    /** Ctrl-C: asks the running command to stop at its next step. */
    public Interrupt interrupt() {
        if (state.compareAndSet(State.RUNNING, State.INTERRUPTED)) {
            return Interrupt.STOPPING;
        }
        return state.get() == State.INTERRUPTED ? Interrupt.AGAIN : Interrupt.IDLE;
    }

    /**
     * For the machine, between steps of a command.
     *
     * @throws CommandFailedException when the command was interrupted
     */
    public void check() throws CommandFailedException {
        if (state.get() == State.INTERRUPTED) {
            throw new CommandFailedException("interrupted (Ctrl-C)");
        }
    }
}
