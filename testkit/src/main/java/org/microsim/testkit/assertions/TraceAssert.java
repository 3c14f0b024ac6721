package org.microsim.testkit.assertions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.TaskId;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TaskState;
import org.microsim.kernel.TraceEvent;
import org.microsim.testkit.SimMachine;

/**
 * Assertions over a machine's kernel trace, the record of every system call's journey:
 * <ul>
 *   <li>{@link #everyCallAnswered()}: each {@code call} ended (answered, timed out, or failed because its caller or
 *   the port it called went away), or its caller still waits in it. A call that ended otherwise was dropped.</li>
 *   <li>{@link #noTaskBlockedForever()}: after every timeout the system uses has run out, no live task still waits
 *   in a call it made before: nothing is left to end it.</li>
 *   <li>{@link #sameFingerprintOnReplay(SimMachine)}: the machine's scenario, run again with the same seed, gives
 *   the same events in the same order at the same virtual times.</li>
 * </ul>
 * Each failure names the task, the port and when, and says how to replay the run.
 */
public final class TraceAssert {
    /** Longer than any call timeout of the system (the VFS's and the console's 60 s, a file command's 120 s). */
    public static final String PAST_EVERY_TIMEOUT = "sleep 150s";

    private final SimMachine machine;

    private TraceAssert(SimMachine machine) {
        this.machine = machine;
    }

    /** Assertions over {@code machine}'s trace so far. */
    public static TraceAssert assertThat(SimMachine machine) {
        return new TraceAssert(machine);
    }

    /** Fails unless every call in the trace ended or its caller still waits for it (see the class comment). */
    public TraceAssert everyCallAnswered() {
        List<String> dropped = openCalls(machine.trace(), machine.tasks()).stream().filter(c -> !c.waiting())
                .map(OpenCall::describe).toList();
        if (!dropped.isEmpty()) {
            throw failure(dropped.size() + " call(s) ended without an answer:\n  " + String.join("\n  ", dropped));
        }
        return this;
    }

    /**
     * Lets every timeout run out ({@link #PAST_EVERY_TIMEOUT}, a line of the machine's scenario), then fails if a
     * live task still waits in a call it made before that: no timer is left to end it. (A server that polls, as
     * httpd polls netd every 30 s, makes a new call each time and is not stuck.)
     */
    public TraceAssert noTaskBlockedForever() {
        long before = machine.now();
        machine.command(PAST_EVERY_TIMEOUT);
        List<String> stuck = openCalls(machine.trace(), machine.tasks()).stream()
                .filter(c -> c.waiting() && c.call().time() <= before).map(OpenCall::describe).toList();
        if (!stuck.isEmpty()) {
            throw failure("blocked for ever:\n  " + String.join("\n  ", stuck));
        }
        return this;
    }

    /** Fails unless running the machine's scenario again gives the same trace (its fingerprint, then each event). */
    public TraceAssert sameFingerprintOnReplay(SimMachine replay) {
        if (machine.fingerprint() == replay.fingerprint()) {
            return this;
        }
        List<TraceEvent> a = machine.trace();
        List<TraceEvent> b = replay.trace();
        int i = 0;
        while (i < a.size() && i < b.size() && sameEvent(a.get(i), b.get(i))) {
            i++;
        }
        throw failure("the replay's trace differs from event " + i + ": "
                + (i < a.size() ? a.get(i) : "(end)") + " then, " + (i < b.size() ? b.get(i) : "(end)") + " now");
    }

    private static boolean sameEvent(TraceEvent x, TraceEvent y) {
        return x.time() == y.time() && x.task().equals(y.task()) && x.kind() == y.kind() && x.detail().equals(y.detail())
                && x.flow() == y.flow();
    }

    /**
     * A call with no answer in the trace, from a caller that still lives.
     *
     * @param waiting the caller still waits in it (in progress, not dropped)
     */
    record OpenCall(TraceEvent call, boolean waiting) {
        String describe() {
            return call.taskName() + " (" + call.task() + ") at " + call.time() + " ns: call " + call.detail()
                    + (waiting ? ", still waiting" : ", ended with no answer");
        }
    }

    /**
     * The calls of {@code events} that neither were answered nor timed out, nor failed because their caller or the
     * port they called went away; {@code tasks} says which callers live and what each waits in.
     */
    static List<OpenCall> openCalls(List<TraceEvent> events, List<TaskInfo> tasks) {
        Map<Long, TraceEvent> open = new HashMap<>();
        Map<TaskId, Long> latest = new HashMap<>();
        for (TraceEvent e : events) {
            switch (e.kind()) {
                case CALL -> {
                    open.put(e.flow(), e);
                    latest.put(e.task(), e.flow());
                }
                case REPLY, TIMEOUT -> open.remove(e.flow());
                case EXIT, CRASH, KILL -> open.values().removeIf(call -> call.task().equals(e.task()));
                case PORT_REMOVED -> {
                    String gone = e.detail().substring(0, e.detail().lastIndexOf(" gen "));
                    open.values().removeIf(call -> port(call.detail()).equals(gone));
                }
                default -> {
                }
            }
        }
        Map<TaskId, TaskInfo> byId = new HashMap<>();
        tasks.forEach(t -> byId.put(t.id(), t));
        List<OpenCall> out = new ArrayList<>();
        for (TraceEvent call : open.values()) {
            TaskInfo caller = byId.get(call.task());
            if (caller != null && caller.state().alive()) {
                boolean waiting = caller.state() == TaskState.BLOCKED
                        && caller.detail().equals("call " + port(call.detail()))
                        && latest.get(call.task()) == call.flow();
                out.add(new OpenCall(call, waiting));
            }
        }
        out.sort((x, y) -> Long.compare(x.call().time(), y.call().time()));
        return out;
    }

    /** The port a CALL event's detail names: {@code to PORT id N ...}. */
    private static String port(String detail) {
        int id = detail.lastIndexOf(" id ");
        return detail.substring(3, id < 0 ? detail.length() : id);
    }

    private AssertionError failure(String what) {
        return new AssertionError(what + "\nreplay: " + machine.replayCommand() + " with FILE.scn holding:\n"
                + machine.scenario());
    }
}
