package org.microsim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.StartInfo;
import org.microsim.abi.SysError;
import org.microsim.abi.TaskId;

/**
 * Task lifecycle: the slots, spawning, a task's thread from start to end, kills, and the teardown that ends
 * a task's kernel life however it ended.
 *
 * <h2>Slots and incarnations</h2>
 * A task lives in a slot (its {@link TaskId#index()}); a restart reuses the slot with the next generation, as
 * Hubris does, so a message or handle meant for the old incarnation never reaches the new one. Slot 0 is the
 * kernel itself and holds no task.
 *
 * <pre>
 *   spawn ──▶ READY ⇄ BLOCKED ──┬─ program returns ──────────▶ EXITED  ┐
 *                               ├─ exception escapes ────────▶ CRASHED ├─▶ teardown: ports closed, held calls
 *                               └─ kill (unwinds at its next  ▶ KILLED  ┘   failed, handles and DMA freed,
 *                                  system call)                             TaskEnded to the subscribers
 * </pre>
 *
 * Everything here runs with the kernel lock held, except {@link #run}, a task thread's own body, which takes
 * it for the teardown.
 */
final class Tasks {
    private final Kernel k;
    /** Task slots by index: the latest incarnation in each. Slot 0 is the kernel itself. */
    private final List<Task> slots = new ArrayList<>();

    Tasks(Kernel kernel) {
        this.k = kernel;
        slots.add(null);
    }

    /** Spawns a task; {@code handles} become its start handles, in order. */
    Result<TaskId> spawn(TaskId by, String program, String taskName, TaskId restartOf, byte[] args,
                         List<HandleTable.Entry> handles) {
        ProgramCatalog.Entry entry = k.programs().get(program);
        if (entry == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "no program named '" + program + "'");
        }
        if (taskName.isEmpty() || taskName.length() > 64) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "task name must be 1 to 64 characters");
        }
        TaskId id;
        if (restartOf == null) {
            id = new TaskId(slots.size(), 0);
        } else {
            Task old = get(restartOf);
            if (old == null) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "no task " + restartOf + " to restart");
            }
            if (old.alive()) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "task " + restartOf + " is still running");
            }
            id = restartOf.next();
        }
        Program code;
        try {
            code = entry.factory().get();
        } catch (RuntimeException e) {
            return Result.err(ErrorCode.UNAVAILABLE, "program '" + program + "' could not be created: " + e);
        }
        Task task = new Task(id, taskName, code, mix(k.seed(), id.pack()));
        List<Handle> startHandles = new ArrayList<>();
        for (HandleTable.Entry h : handles) {
            startHandles.add(new Handle(task.handles.add(h)));
        }
        task.start = new StartInfo(program, taskName, startHandles, args);
        task.thread = Thread.ofVirtual().name(taskName + "#" + id).unstarted(() -> run(task));
        if (id.index() == slots.size()) {
            slots.add(task);
        } else {
            slots.set(id.index(), task);
        }
        k.scheduler.admit(task);
        k.record(task, TraceEvent.Kind.SPAWN, program + (restartOf == null ? "" : " restart of " + restartOf)
                + " by " + by, 0);
        task.thread.start();
        return Result.ok(id);
    }

    /** The task {@code id} names while it is its slot's latest incarnation, alive or not; null otherwise. */
    Task get(TaskId id) {
        Task t = id.index() > 0 && id.index() < slots.size() ? slots.get(id.index()) : null;
        return t != null && t.id.equals(id) ? t : null;
    }

    /** A task's thread, from start to end. Called without the kernel lock. */
    private void run(Task task) {
        TaskState end = TaskState.EXITED;
        String cause = "";
        try {
            k.scheduler.started(task);
            if (!task.killed) {
                task.program.run(new TaskSys(k, task));
            }
        } catch (TaskKilled killed) {
            // Torn down already by whoever killed it.
        } catch (Throwable t) {
            end = TaskState.CRASHED;
            cause = describe(t);
        }
        k.scheduler.enter();
        try {
            if (task.alive()) {
                teardown(task, end, cause);
            }
        } finally {
            k.scheduler.exit();
        }
        k.scheduler.ended(task);
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null || t instanceof StackOverflowError ? "" : ": " + msg);
    }

    /** Kills a task; {@code crash} makes it count as a crash (its supervisor restarts it). */
    Result<Void> kill(TaskId by, TaskId id, boolean crash, String reason) {
        Task t = get(id);
        if (t == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "no task " + id);
        }
        if (!t.alive()) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "task " + id + " (" + t.name + ") is not running");
        }
        t.killed = true;
        teardown(t, crash ? TaskState.CRASHED : TaskState.KILLED,
                (crash ? "crash injected" : "killed") + (by.equals(TaskId.KERNEL) ? "" : " by task " + by)
                        + (reason.isEmpty() ? "" : ": " + reason));
        // Let its thread run to its next system call, where it unwinds.
        k.scheduler.wake(t);
        return Result.ok(null);
    }

    /** Kills every live task (the kernel is closing). */
    void killAll(String reason) {
        for (Task t : slots) {
            if (t != null && t.alive()) {
                kill(TaskId.KERNEL, t.id, false, reason);
            }
        }
    }

    /** Ends a task's kernel life: closes its ports, fails the calls it owed, frees its handles and memory. */
    private void teardown(Task t, TaskState state, String cause) {
        t.state = state;
        t.endCause = cause;
        if (t.ownedPorts != null) {
            for (Port p : List.copyOf(t.ownedPorts)) {
                k.ports.close(p, false);
            }
        }
        SysError died = SysError.of(ErrorCode.PEER_DIED, "task " + t + " died before replying");
        if (t.heldCalls != null) {
            for (CallRecord call : List.copyOf(t.heldCalls.values())) {
                k.calls.fail(call, died);
            }
        }
        CallRecord lockFreeHeld = t.lockFreeHeld;
        if (lockFreeHeld != null) {
            k.calls.fail(lockFreeHeld, died);
        }
        CallRecord pending = t.pendingCall;
        if (pending != null) {
            k.calls.abandon(pending);
        }
        t.handles.clear();
        k.hardware.freeDma(t);
        boolean crashed = state == TaskState.CRASHED;
        k.record(t, crashed ? TraceEvent.Kind.CRASH : state == TaskState.KILLED ? TraceEvent.Kind.KILL
                : TraceEvent.Kind.EXIT, cause, 0);
        k.notifications.taskEnded(t, crashed);
    }

    /** Whether {@code thread} is a task's: the console's system calls refuse to run on one. */
    boolean isTaskThread(Thread thread) {
        for (Task t : slots) {
            if (t != null && t.thread == thread) {
                return true;
            }
        }
        return false;
    }

    /**
     * Who runs under {@code name}: its live task, else the latest incarnation of the highest slot that had the
     * name; null when no task ever had it.
     */
    KernelRequest.FoundTask find(String name) {
        Task found = null;
        for (Task t : slots) {
            if (t != null && t.name.equals(name) && (found == null || !found.alive() || t.alive())) {
                found = t;
            }
        }
        return found == null ? null : new KernelRequest.FoundTask(found.id, found.start.program(), found.alive());
    }

    /** Every slot's latest incarnation, by index, as {@code ps} shows it. */
    List<TaskInfo> snapshot() {
        List<TaskInfo> out = new ArrayList<>();
        for (Task t : slots) {
            if (t != null) {
                out.add(new TaskInfo(t.id, t.name, t.start.program(), t.state, t.alive() ? t.waitingFor : t.endCause));
            }
        }
        return out;
    }

    /** A task's random seed: the kernel's seed and the task's identity, mixed (SplitMix64's finalizer). */
    private static long mix(long a, long b) {
        long x = a * 0x9e3779b97f4a7c15L + b;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
