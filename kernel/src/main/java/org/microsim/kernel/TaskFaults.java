package org.microsim.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Result;
import org.microsim.abi.TaskId;

/**
 * Faults injected into tasks, and the trace record of every fault the harness injects anywhere.
 *
 * <h2>Hang and slow</h2>
 * A fault is one volatile field of the task ({@code Task.fault}) that its own system calls look at on the way in
 * ({@link TaskSys}): a hung task blocks there, in state BLOCKED waiting for "hung", and never returns to its program,
 * so it is alive (its ports stay, messages queue up) yet does nothing, and its callers time out, as with a driver
 * stuck in a loop without yielding. A task already waiting when it is hung (in a receive, say) hangs on the way out
 * of that call, before its program sees what it waited for. A kill or crash ends a hang the usual way: the kill
 * wakes the task and it unwinds. A slow task pays {@code nanos} of virtual time, sleeping, on every system call:
 * a program on a loaded CPU. Clearing a hang wakes the task and it goes on where it stopped.
 *
 * <h2>The trace</h2>
 * Every injection and clearing is a {@link TraceEvent.Kind#FAULT} event, with its parameters as detail, at the
 * virtual time it happens: of the faulted task for task faults, of the kernel for the machine's (disk, link, USB,
 * interrupt), which the harness records with {@link #record}. A replay of the same seed and scenario writes the
 * same events.
 */
public final class TaskFaults {
    /** The value of {@code Task.fault} that means hung (any other positive value is a per-call cost). */
    static final long HANG = -1;
    private static final String HUNG = "hung (fault)";

    private final Kernel k;
    /** The tasks with a fault now, and what it is: for listing and for clearing them all. */
    private final Map<Task, String> faulted = new LinkedHashMap<>();

    TaskFaults(Kernel kernel) {
        this.k = kernel;
    }

    /** Makes task {@code id} stop running at its next system call (or on the way out of the one it waits in). */
    public Result<Void> hang(TaskId id) {
        return set(id, HANG, "hang");
    }

    /** Makes every system call of task {@code id} cost {@code perCall} of virtual time. */
    public Result<Void> slow(TaskId id, Duration perCall) {
        if (perCall.isNegative() || perCall.isZero()) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "a slow task's cost per call is more than zero");
        }
        return set(id, perCall.toNanos(), "slow=" + perCall.toNanos() + "ns");
    }

    /** Ends the faults of every task that has one (a hung task goes on); returns how many there were. */
    public int clear() {
        k.scheduler.enter();
        try {
            int n = 0;
            for (Task t : new ArrayList<>(faulted.keySet())) {
                if (t.alive()) {
                    n++;
                    t.fault = 0;
                    k.record(t, TraceEvent.Kind.FAULT, "clear", 0);
                    if (HUNG.equals(t.waitingFor)) {
                        k.scheduler.wake(t);
                    }
                }
            }
            faulted.clear();
            return n;
        } finally {
            k.scheduler.exit();
        }
    }

    /** The live tasks with a fault, as {@code NAME hang} or {@code NAME slow=Nns}. */
    public List<String> active() {
        k.scheduler.enter();
        try {
            List<String> out = new ArrayList<>();
            faulted.forEach((t, what) -> {
                if (t.alive()) {
                    out.add(t.name + " " + what);
                }
            });
            return out;
        } finally {
            k.scheduler.exit();
        }
    }

    /** Records a fault of the machine (disk, link, USB, interrupt) in the trace, as an event of the kernel. */
    public void record(String detail) {
        k.scheduler.enter();
        try {
            k.record(null, TraceEvent.Kind.FAULT, detail, 0);
        } finally {
            k.scheduler.exit();
        }
    }

    private Result<Void> set(TaskId id, long fault, String what) {
        k.scheduler.enter();
        try {
            Task t = k.tasks.get(id);
            if (t == null || !t.alive()) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "task " + id + " is not running");
            }
            t.fault = fault;
            faulted.put(t, what);
            k.record(t, TraceEvent.Kind.FAULT, what, 0);
            return Result.ok(null);
        } finally {
            k.scheduler.exit();
        }
    }

    /** On the way into (or out of) a system call of {@code t}, which has a fault: hang, or pay the cost. */
    void enter(Task t) {
        k.scheduler.lockedRun(t, () -> {
            long fault = t.fault;
            if (fault == HANG) {
                while (t.fault == HANG) {
                    k.scheduler.await(t, Long.MAX_VALUE, HUNG);
                }
            } else if (fault > 0) {
                long until = DeterministicScheduler.saturatedAdd(k.scheduler.now(), fault);
                while (k.scheduler.now() < until) {
                    k.scheduler.await(t, until, "slow (fault)");
                }
            }
        });
    }
}
