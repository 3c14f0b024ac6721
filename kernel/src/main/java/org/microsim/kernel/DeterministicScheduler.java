package org.microsim.kernel;

import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The reproducible scheduler: exactly one thread runs at a time (a task, or the harness that drives the
 * simulation), and control passes only at system calls.
 *
 * <h2>The baton</h2>
 * Whoever holds the baton runs; everyone else is parked. {@link #owner} names the holder; handing over is
 * "set owner, unpark the new holder, park until owner is me again". The volatile write and read of
 * {@code owner} order all memory effects between the two threads, so kernel state needs no other fence.
 *
 * <h2>Choice and time</h2>
 * At every system call a seeded PRNG picks the next task among the runnable ones (the current task
 * included), so one seed explores one interleaving and the same seed replays it exactly. Virtual time
 * stands still while anything is runnable; when nothing is, the earliest timer fires and time jumps to it.
 * A 30-second timeout therefore costs microseconds, and fires at exactly its deadline.
 *
 * <pre>
 *   harness ──settle()──▶ task A ──syscall: PRNG picks B──▶ task B ──blocks──▶ nothing runnable:
 *      ▲                                                                 fire earliest timer (time jumps)
 *      └────────────── nothing runnable, no timer in the window ◀─────────────┘
 * </pre>
 */
final class DeterministicScheduler extends Scheduler {
    /** The baton value meaning "the harness thread holds it". */
    private static final Object HARNESS = new Object();

    private final SplittableRandom choice;
    private final Timers timers = new Timers();
    private final ArrayList<Task> runnable = new ArrayList<>();
    private volatile Object owner = HARNESS;
    private volatile Thread harness;
    private volatile long now;
    /** Timers fire only up to here in the current run of the harness... */
    private long hardLimit;
    /** ...and only while they are at most this far ahead of now (Long.MAX_VALUE: no quiet window). */
    private long quietWindow;
    private long switches;

    DeterministicScheduler(long seed) {
        this.choice = new SplittableRandom(seed);
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Scheduled schedule(long atNanos, Runnable action) {
        return timers.add(Math.max(atNanos, now), action);
    }

    @Override
    void admit(Task task) {
        addRunnable(task);
    }

    @Override
    void started(Task task) {
        awaitBaton(task);
    }

    @Override
    boolean park(Task task, long deadline) {
        task.waiting = true;
        task.deadlinePassed = false;
        removeRunnable(task);
        Timers.Entry timeout = deadline == Long.MAX_VALUE ? null : timers.add(Math.max(deadline, now), () -> {
            if (task.waiting) {
                task.deadlinePassed = true;
                wake(task);
            }
        });
        exit();
        try {
            passOn(task);
        } finally {
            enter();
        }
        if (timeout != null) {
            timeout.cancel();
        }
        return task.deadlinePassed;
    }

    @Override
    void resume(Task task) {
        addRunnable(task);
    }

    @Override
    void switchPoint(Task task) {
        int n = runnable.size();
        if (n <= 1) {
            return;
        }
        Task next = runnable.get(choice.nextInt(n));
        if (next != task) {
            handTo(next);
            awaitBaton(task);
        }
    }

    @Override
    void ended(Task task) {
        enter();
        try {
            removeRunnable(task);
        } finally {
            exit();
        }
        handTo(pickNext());
    }

    @Override
    void settle(long quietNanos, long maxNanos) {
        runHarnessTurn(saturatedAdd(now, maxNanos), quietNanos);
    }

    @Override
    void advance(long nanos) {
        long target = saturatedAdd(now, nanos);
        runHarnessTurn(target, Long.MAX_VALUE);
        if (now < target) {
            now = target;
        }
    }

    @Override
    void close() {
    }

    /** None: one task runs at a time, so nobody else could send or answer meanwhile. */
    @Override
    int pollsBeforeWaiting(Task waiter) {
        return 0;
    }

    @Override
    long switches() {
        return switches;
    }

    /**
     * When something next happens here: now if a task is runnable, else the time of the earliest pending timer;
     * Long.MAX_VALUE when there is none. For the harness's thread, between runs (when it holds the baton): a
     * {@link World} asks every kernel this to know how far all may run, and whether it may skip ahead.
     */
    long nextEventTime() {
        if (!runnable.isEmpty()) {
            return now;
        }
        Timers.Entry next = timers.peek();
        return next == null ? Long.MAX_VALUE : Math.max(next.time, now);
    }

    private void runHarnessTurn(long limit, long quiet) {
        harness = Thread.currentThread();
        hardLimit = limit;
        quietWindow = quiet;
        Object next = pickNext();
        if (next != HARNESS) {
            handTo(next);
            while (owner != HARNESS) {
                LockSupport.park(this);
            }
        }
    }

    /** Gives up the baton until this task is chosen again. */
    private void passOn(Task task) {
        Object next = pickNext();
        if (next != task) {
            handTo(next);
            awaitBaton(task);
        }
    }

    /** A runnable task chosen by the PRNG, firing timers when none is; the harness when all is quiet. */
    private Object pickNext() {
        while (true) {
            int n = runnable.size();
            if (n > 0) {
                return runnable.get(n == 1 ? 0 : choice.nextInt(n));
            }
            Timers.Entry next = timers.peek();
            if (next == null || next.time > hardLimit || next.time - now > quietWindow) {
                return HARNESS;
            }
            timers.poll();
            if (next.time > now) {
                now = next.time;
            }
            enter();
            try {
                next.action.run();
            } finally {
                exit();
            }
        }
    }

    private void handTo(Object next) {
        if (next == owner) {
            return;
        }
        switches++;
        owner = next;
        LockSupport.unpark(next == HARNESS ? harness : ((Task) next).thread);
    }

    private void awaitBaton(Task task) {
        while (owner != task) {
            LockSupport.park(this);
        }
    }

    private void addRunnable(Task task) {
        if (task.runIndex < 0) {
            task.runIndex = runnable.size();
            runnable.add(task);
        }
    }

    private void removeRunnable(Task task) {
        int i = task.runIndex;
        if (i < 0) {
            return;
        }
        Task last = runnable.remove(runnable.size() - 1);
        if (last != task) {
            runnable.set(i, last);
            last.runIndex = i;
        }
        task.runIndex = -1;
    }

    /** a + b, or Long.MAX_VALUE where that overflows (a time plus a long timeout: no deadline). */
    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
