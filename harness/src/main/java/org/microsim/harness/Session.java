package org.microsim.harness;

import java.util.List;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.Completion;
import org.microsim.harness.script.Foreground;
import org.microsim.harness.web.SystemView;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.TraceEvent;

/**
 * A simulated machine as the {@code sim} command sees it: the commands that act on it, and its trace.
 * Scenario runs, the console and {@code sim boot} each open one session through a {@link SessionFactory},
 * use it, and close it; the machine is not booted until its {@code boot} command runs.
 */
public interface Session extends AutoCloseable {
    /**
     * The commands acting on this machine ({@code boot}, {@code ps}, {@code kill}...), added after the
     * language's built-ins; their names must not clash with {@code help}, {@code quit}, {@code exit},
     * {@code echo}, or {@code expect}.
     */
    List<Command> commands();

    /**
     * Gives the machine the foreground it prints its live lines to and takes Ctrl-C from (see
     * {@link Foreground}); a machine that prints nothing while it runs and never runs long ignores it.
     */
    default void attach(Foreground foreground) {
    }

    /**
     * What an argument of one of its commands may be, for Tab in the console (see
     * {@link org.microsim.harness.script.CommandSet.ArgumentCompleter}); a machine that knows none offers none.
     */
    default List<Completion> complete(String command, List<String> before, String prefix) {
        return List.of();
    }

    /**
     * What the web view shows of the machine (the first one, as {@code --trace} records), read without letting it
     * run; empty before boot, and for a session without a machine.
     */
    default java.util.Optional<SystemView> view() {
        return java.util.Optional.empty();
    }

    /**
     * The current machine's kernel once it is booted: what the testkit's typed views (tasks, files, devices) read,
     * through the kernel's own API and the console's system calls rather than through a command's text. Empty
     * before boot, and for a session with no machine.
     */
    default java.util.Optional<Kernel> runningKernel() {
        return java.util.Optional.empty();
    }

    /** The kernel events so far, in order, for {@code --trace}. */
    List<TraceEvent> trace();

    /**
     * How many kernel events happened so far: more than {@link #trace()} holds when the kernel stopped keeping
     * them, which the trace file then says.
     */
    default long traceTotal() {
        return trace().size();
    }

    /**
     * Every machine's events for {@code --trace}, one process each, in the session's order: the one machine alone
     * unless the session holds several.
     */
    default List<org.microsim.harness.trace.ChromeTrace.Machine> traces() {
        long total = traceTotal(); // first: events recorded after it cannot make a complete trace look truncated
        return List.of(new org.microsim.harness.trace.ChromeTrace.Machine("microsim", trace(), total));
    }

    /**
     * A sentence the trace file carries about the whole run, when there is one: a run whose LAN reached the host or
     * another process is not reproducible from its seed, and its trace says so.
     */
    default java.util.Optional<String> traceNote() {
        return java.util.Optional.empty();
    }

    /** Stops the machine and releases its files (pcap, persistent drives). */
    @Override
    void close();
}
