package org.microsim.kernel;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.microsim.abi.Result;

/**
 * Who runs next, and when timers fire. The kernel's IPC code is the same for both schedulers: it changes
 * kernel state under {@link #lock}, calls {@link #wake} for a task whose wait is over and {@link #block} to
 * wait itself, re-checking its condition after every return (wakeups may be spurious).
 *
 * <pre>
 *   task thread ──syscall──▶ lock ─ IPC state change ─ wake(peer) ─ unlock ──▶ switchPoint (may hand over)
 *                                 └─ nothing to do yet ─ block(deadline) ──▶ (other tasks run) ──▶ re-check
 * </pre>
 */
abstract sealed class Scheduler implements Timeline permits DeterministicScheduler, FreeScheduler {
    /**
     * The kernel lock: guards the kernel's state, but for what the fast path moves without it (see {@link Kernel}
     * and {@link FastPath}). Uncontended in the deterministic scheduler, where one thread runs at a time.
     */
    final ReentrantLock lock = new ReentrantLock();

    /**
     * The world this scheduler's kernel joined, or null: set once by {@link World#join}, on the harness's thread,
     * which is also the only one that reads it (the console's waits, and the kernel's settle and advance).
     */
    World world;

    /** Enters the kernel: takes the lock. */
    final void enter() {
        if (!lock.tryLock()) {
            contended();
        }
    }

    /** {@link #enter} found the lock taken by another thread: waits for it. */
    void contended() {
        lock.lock();
    }

    /**
     * Leaves the kernel: releases the lock, then lets the tasks woken meanwhile run. Waking after the unlock
     * means a woken task never starts by waiting for the lock its waker still holds.
     */
    void exit() {
        lock.unlock();
    }

    /** Leaves the kernel at the end of a system call of {@code by}, on its own thread. */
    void exit(Task by) {
        exit();
    }

    /** Runs {@code op} for task {@code by} inside the kernel: {@link #enter}, then {@link #exit(Task)}. */
    final <T> Result<T> locked(Task by, Supplier<Result<T>> op) {
        enter();
        try {
            return op.get();
        } finally {
            exit(by);
        }
    }

    /** {@link #locked} for work that answers nothing: the wake-ups and failures a lock-free call ends in. */
    final void lockedRun(Task by, Runnable op) {
        enter();
        try {
            op.run();
        } finally {
            exit(by);
        }
    }

    /** A new task, before its thread starts: it counts as runnable from now on. Called with the lock. */
    abstract void admit(Task task);

    /** A task thread begins: returns when the task may run its program. */
    abstract void started(Task task);

    /**
     * Blocks {@code task} in a system call, showing {@code what} in ps, until woken or until {@code deadline};
     * a task killed meanwhile unwinds ({@link TaskKilled}). Called with {@link #lock} held; returns with it held.
     * Returns true when the deadline passed.
     */
    final boolean await(Task task, long deadline, String what) {
        task.state = TaskState.BLOCKED;
        task.waitingFor = what;
        boolean expired = block(task, deadline);
        if (task.alive()) {
            task.state = TaskState.READY;
            task.waitingFor = "";
        }
        if (task.killed) {
            throw new TaskKilled();
        }
        return expired;
    }

    /**
     * Waits until woken or until virtual time {@code deadline} (Long.MAX_VALUE: no deadline). Called with
     * {@link #lock} held; returns with it held. Returns true when the deadline passed.
     *
     * <p>A task parks its thread. The console has no thread of its own (its calls run on the harness's), and
     * nothing else would run the system while it waited: it lets the system run instead, as the harness does.
     */
    final boolean block(Task task, long deadline) {
        return task.thread != null ? park(task, deadline) : runWhileConsoleWaits(task, deadline);
    }

    /** {@link #block} for a task: its thread waits, and others run. */
    abstract boolean park(Task task, long deadline);

    /**
     * {@link #block} for the console, on the harness's thread: the system runs until it is quiet, then virtual
     * time moves on by at most {@link Kernel#DEFAULT_QUIET} if the console is still not woken, and the console
     * looks again (its caller re-checks what it waits for, as after any wake-up).
     *
     * <p>"The system" is this kernel alone, or, when its kernel is in a {@link World} that runs in lockstep, the
     * whole world: the answer may need another machine to act, and on the deterministic scheduler nobody else
     * would run it. The kernel lock is released meanwhile, as the tasks run here take it.
     */
    private boolean runWhileConsoleWaits(Task console, long deadline) {
        long quiet = Kernel.DEFAULT_QUIET.toNanos();
        World whole = world != null && world.lockstep() ? world : null;
        console.waiting = true;
        exit();
        try {
            long limit = Math.min(deadline - now(), Kernel.DEFAULT_SETTLE_LIMIT.toNanos());
            if (whole != null) {
                whole.settle(quiet, limit);
            } else {
                settle(quiet, limit);
            }
            if (console.waiting && now() < deadline) {
                long step = Math.min(quiet, deadline - now());
                if (whole != null) {
                    whole.advance(step);
                } else {
                    advance(step);
                }
            }
        } finally {
            enter();
        }
        boolean expired = console.waiting && now() >= deadline;
        console.waiting = false;
        return expired;
    }

    /**
     * Ends a task's wait. Called with {@link #lock} held. The console, which has no thread to resume, only
     * stops waiting: it sees so when the system it runs meanwhile comes back to it.
     */
    final void wake(Task task) {
        if (task.waiting) {
            task.waiting = false;
            if (task.thread != null) {
                resume(task);
            }
        }
    }

    /** A task whose wait {@link #wake} ended runs again. Called with {@link #lock} held. */
    abstract void resume(Task task);

    /** After a system call, without the lock: the deterministic scheduler may switch to another task here. */
    abstract void switchPoint(Task task);

    /** The task's thread is about to end: pass control on. Called without the lock. */
    abstract void ended(Task task);

    /** Runs until nothing is runnable and no timer fires within {@code quietNanos}, or {@code maxNanos} passed. */
    abstract void settle(long quietNanos, long maxNanos);

    /** Runs until virtual time has advanced by {@code nanos}, firing everything due on the way. */
    abstract void advance(long nanos);

    /** Ends the timer thread, if any. */
    abstract void close();

    /**
     * How many times {@code waiter} (a receiver with nothing queued, a caller with no answer yet) looks again,
     * a spin-wait hint apart, before it takes the lock to wait: when its peer runs on another core, the next
     * message is often a few hundred nanoseconds away, and waiting costs the two of them a park and an unpark.
     */
    abstract int pollsBeforeWaiting(Task waiter);

    /**
     * Between two of {@code waiter}'s polls: spins a moment, or lets {@code peer} (the task it waits for, or
     * null) run. Returns how many polls that was worth.
     */
    int pause(Task waiter, Task peer) {
        Thread.onSpinWait();
        return 1;
    }

    /** The number of times a different task was given the CPU. */
    abstract long switches();
}
