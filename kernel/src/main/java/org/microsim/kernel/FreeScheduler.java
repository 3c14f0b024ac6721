package org.microsim.kernel;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * The parallel scheduler: every task runs on its own thread whenever it is not blocked, and virtual time is
 * the wall clock since boot (the one place in the kernel that reads it). Timers (device events, and nothing
 * else: task deadlines are waited for directly) fire on one timer thread, under the kernel lock like any
 * other kernel code. Not reproducible; that is what it is for: real races, and speed.
 *
 * <h2>The timer thread, and frames from other machines</h2>
 * The timer thread parks, without the lock, until its earliest timer is due (or spins, when that is too close for a
 * park: {@link #SPIN_NANOS}); {@link #schedule} unparks it only for a timer sooner than that one. A frame from another
 * machine arrives by {@link #post}, from that machine's timer thread, which holds its own kernel's lock: taking this
 * kernel's lock there could deadlock with this machine sending back at the same moment. So a post only queues the
 * frame's delivery on a lock-free queue and unparks the timer thread, which moves it among its timers under its own
 * lock (in the order posted) and runs it at its time, or at once when that has passed. No other thread sits between the
 * machines.
 *
 * <pre>
 *   machine A's timer thread (A's lock held)                    machine B's timer thread
 *   E1000 transmit ─▶ Lan ─▶ B.post(at, deliver) ─▶ [B's posted queue] ─▶ drained under B's lock into B's timers
 *                                 └─ unpark B's timer thread              ─▶ at its time: E1000 receive, IRQ, ethd
 * </pre>
 *
 * <h2>Waking and waiting</h2>
 * A caller waiting for its answer and a receiver waiting for a message first poll without the kernel lock
 * ({@link #pollsBeforeWaiting}, {@link #pause}), as a SynchronousQueue does before it parks. How they poll
 * depends on where the peer they wait for is. A peer running on another carrier answers within a few hundred
 * nanoseconds, and the waiter spins for it: neither takes the lock or parks, and a call costs the cache lines
 * the two pass each other. A peer that is off its carrier (yielded, or parked and just woken: unparking a
 * virtual thread from a carrier puts it on that carrier's own run queue) most likely waits for this very
 * carrier, and spinning would only keep it off; the waiter yields instead, and the two take turns on one
 * carrier, as a SynchronousQueue ping-pong of virtual threads does. Each task says whether it is off its
 * carrier ({@code Task.offCpu}).
 *
 * <p>When polling is over, the task blocks: {@link #resume} only counts it and queues it, and {@link #exit}
 * unparks the queued tasks once the kernel lock is free, so no thread ever wakes up only to wait for the lock
 * its waker still holds. A task that woke a peer since it last blocked yields a few times before it parks,
 * for the same reason as above; a yielding task is woken by a mere permit, with no carrier thread to wake. A
 * task that woke nobody parks at once: yielding would only bounce it through the shared queue and rouse idle
 * carriers to find it.
 *
 * <h2>The lock</h2>
 * Kernel critical sections last a few hundred nanoseconds, and parking a thread on a busy lock and waking it
 * costs microseconds; with two tasks on two carriers (a producer and its consumer) the lock is busy often.
 * {@link #contended} therefore polls the lock briefly before queueing on it.
 */
final class FreeScheduler extends Scheduler {
    /**
     * Waits of the timer thread shorter than this are spun, not parked. A park sleeps at least the host kernel's
     * timer slack (50 us on Linux) plus a wake-up, and the waits that matter are a LAN's 10 us and a device's
     * latency: parked, every hop of a frame took several times its modelled time, and a TCP transfer between two
     * free machines ran at the pace of those sleeps (a 256 MiB TcpBench at MTU 9000: about 1.1 Gbit/s parked, 1.3
     * to 1.8 spun). The spin only happens while a timer is that close, that is while a device is busy.
     */
    private static final long SPIN_NANOS = 100_000;
    /** How many times a task that woke a peer yields its carrier before parking (see the class comment). */
    private static final int YIELDS = 8;
    /** How many times a busy kernel lock is polled, a spin-wait hint apart, before queueing on it. */
    private static final int LOCK_SPINS = 50;
    /** How many times a receiver or caller looks again before it blocks: spinning, about 2 µs here. */
    private static final int WAIT_POLLS = 64;
    /** What one yield counts for among those polls: at most 8 yields before blocking. */
    private static final int POLLS_PER_YIELD = 8;

    /** The wall-clock instant virtual time counts from; only ever moved earlier, by {@link #alignClock}. */
    private volatile long origin = System.nanoTime();
    private final Timers timers = new Timers();
    /** Signalled when a timer is added or the clock moves, for settle and advance (the timer thread parks). */
    private final Condition timerWork = lock.newCondition();
    /** Callbacks other machines posted ({@link #post}), for the timer thread to move into {@link #timers}. */
    private final ConcurrentLinkedQueue<Posted> posted = new ConcurrentLinkedQueue<>();
    private final Thread timerThread;
    /**
     * Tasks not blocked: running, or woken and about to run. Guarded by the lock, like everything that changes
     * it (a plain int: an atomic would add two read-modify-writes to every hand-off).
     */
    private int running;
    /** Deadlines of blocked tasks (a multiset): settle must not call the system quiet before they pass. */
    private final java.util.TreeMap<Long, Integer> deadlines = new java.util.TreeMap<>();
    /** Tasks woken under the lock, to unpark after it is released. */
    private ArrayList<Task> toWake = new ArrayList<>();
    /** Written under the lock; read without it by {@link #post}. */
    private volatile boolean closed;

    FreeScheduler() {
        timerThread = Thread.ofPlatform().daemon().name("sim-timers").start(this::runTimers);
    }

    @Override
    public long now() {
        return System.nanoTime() - origin;
    }

    @Override
    public Scheduled schedule(long atNanos, Runnable action) {
        enter();
        try {
            Timers.Entry e = timers.add(atNanos, action);
            if (timers.peek() == e) {
                // Sooner than what the timer thread waits for: an unpark is a mere permit if it is not parked.
                LockSupport.unpark(timerThread);
            }
            timerWork.signalAll();
            return e;
        } finally {
            exit();
        }
    }

    /** Queues the callback for the timer thread, without the lock (see the class comment). */
    @Override
    public void post(long atNanos, Runnable action) {
        if (!closed) {
            posted.add(new Posted(atNanos, action));
            LockSupport.unpark(timerThread);
        }
    }

    private record Posted(long at, Runnable action) {
    }

    @Override
    void contended() {
        for (int i = 0; i < LOCK_SPINS; i++) {
            Thread.onSpinWait();
            if (lock.tryLock()) {
                return;
            }
        }
        lock.lock();
    }

    @Override
    void exit(Task by) {
        if (!toWake.isEmpty()) {
            by.handedOff = true;
        }
        exit();
    }

    @Override
    void exit() {
        switch (toWake.size()) {
            case 0 -> lock.unlock();
            case 1 -> {
                // The usual case (a call, a reply, a send): no new list for one task.
                Task woken = toWake.getFirst();
                toWake.clear();
                lock.unlock();
                LockSupport.unpark(woken.thread);
            }
            default -> {
                ArrayList<Task> woken = toWake;
                toWake = new ArrayList<>(2);
                lock.unlock();
                for (Task t : woken) {
                    LockSupport.unpark(t.thread);
                }
            }
        }
    }

    /** Counts a new task as running from the moment it is created, so settle never misses it. */
    @Override
    void admit(Task task) {
        running++;
    }

    @Override
    void started(Task task) {
    }

    @Override
    boolean park(Task task, long deadline) {
        task.waiting = true;
        running--;
        if (deadline != Long.MAX_VALUE) {
            deadlines.merge(deadline, 1, Integer::sum);
        }
        exit(task);
        int yields = task.handedOff ? YIELDS : 0;
        task.handedOff = false;
        task.offCpu = true;
        try {
            for (int i = 0; i < yields && task.waiting; i++) {
                Thread.yield();
            }
            while (task.waiting) {
                if (deadline == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - now();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            task.offCpu = false;
            enter();
        }
        if (deadline != Long.MAX_VALUE) {
            deadlines.computeIfPresent(deadline, (d, n) -> n == 1 ? null : n - 1);
        }
        if (task.waiting) {
            // The deadline passed and nobody woke it meanwhile (wake runs under the lock we hold now).
            task.waiting = false;
            running++;
            return true;
        }
        return false;
    }

    @Override
    void resume(Task task) {
        running++;
        toWake.add(task);
    }

    @Override
    void switchPoint(Task task) {
    }

    @Override
    void ended(Task task) {
        enter();
        try {
            running--;
        } finally {
            exit();
        }
    }

    @Override
    void settle(long quietNanos, long maxNanos) {
        long end = now() + maxNanos;
        long quietSince = -1;
        enter();
        try {
            while (now() < end) {
                Timers.Entry next = timers.peek();
                long nextTime = Math.min(next == null ? Long.MAX_VALUE : next.time,
                        deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.firstKey());
                // A frame posted by another machine and not yet among the timers is work too.
                boolean idle = running == 0 && posted.isEmpty() && nextTime - now() > quietNanos;
                if (!idle) {
                    quietSince = -1;
                } else if (quietSince < 0) {
                    quietSince = now();
                } else if (now() - quietSince >= Math.min(quietNanos, TimeUnit.MILLISECONDS.toNanos(20))) {
                    return;
                }
                timerWork.awaitNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exit();
        }
    }

    @Override
    void advance(long nanos) {
        long end = now() + nanos;
        enter();
        try {
            long left;
            while ((left = end - now()) > 0) {
                timerWork.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exit();
        }
    }

    /**
     * Counts virtual time from {@code other}'s boot when that was earlier: this clock jumps forward (never back),
     * so that kernels in one {@link World} share a time base and a LAN frame stamped by one lands on another at
     * the intended moment. Timers due by then fire at once; deadlines come sooner in wall time, never later.
     */
    void alignClock(FreeScheduler other) {
        enter();
        try {
            if (other.origin < origin) {
                origin = other.origin;
                LockSupport.unpark(timerThread);
                timerWork.signalAll();
            }
        } finally {
            exit();
        }
    }

    @Override
    void close() {
        enter();
        try {
            closed = true;
            LockSupport.unpark(timerThread);
            timerWork.signalAll();
        } finally {
            exit();
        }
    }

    @Override
    int pollsBeforeWaiting(Task waiter) {
        return WAIT_POLLS;
    }

    /** Spins, or yields to a peer that is off its carrier (see the class comment). */
    @Override
    int pause(Task waiter, Task peer) {
        if (peer != null && peer.offCpu) {
            waiter.offCpu = true;
            Thread.yield();
            waiter.offCpu = false;
            return POLLS_PER_YIELD;
        }
        Thread.onSpinWait();
        return 1;
    }

    @Override
    long switches() {
        return 0;
    }

    /**
     * The timer thread: moves what other machines posted into the timers, runs what is due, and otherwise waits
     * without the lock for the earliest timer, a sooner one scheduled, a post, or the end.
     */
    private void runTimers() {
        enter();
        try {
            while (!closed) {
                for (Posted p; (p = posted.poll()) != null; ) {
                    timers.add(p.at(), p.action());
                }
                Timers.Entry next = timers.peek();
                long wait = next == null ? Long.MAX_VALUE : next.time - now();
                if (wait <= 0) {
                    timers.poll();
                    next.action.run();
                    // Unpark what the action woke before going on (exit and re-enter).
                    exit();
                    enter();
                    continue;
                }
                exit();
                if (wait < SPIN_NANOS) {
                    // Parking cannot wait this little (see SPIN_NANOS); a timer scheduled sooner meanwhile waits
                    // for the end of the spin, late by less than a park would have made it.
                    long until = now() + wait;
                    while (now() < until && posted.isEmpty()) {
                        Thread.onSpinWait();
                    }
                } else if (posted.isEmpty()) {
                    LockSupport.parkNanos(this, wait);
                }
                enter();
            }
        } finally {
            exit();
        }
    }
}
