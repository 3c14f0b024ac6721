package org.microsim.kernel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;

/**
 * The parallel scheduler: every task runs on its own thread whenever it is not blocked, and virtual time is
 * the wall clock since boot (the one place in the kernel that reads it). Timers (device events, and nothing
 * else: task deadlines are waited for directly) fire on one timer thread, under the kernel lock like any
 * other kernel code. Not reproducible; that is what it is for: real races, and speed.
 */
final class FreeScheduler extends Scheduler {
    private final long origin = System.nanoTime();
    private final Timers timers = new Timers();
    private final Condition timerWork = lock.newCondition();
    private final AtomicInteger running = new AtomicInteger();
    private final Thread timerThread;
    private boolean closed;

    FreeScheduler() {
        timerThread = Thread.ofPlatform().daemon().name("sim-timers").start(this::runTimers);
    }

    @Override
    public long now() {
        return System.nanoTime() - origin;
    }

    @Override
    public Scheduled schedule(long atNanos, Runnable action) {
        lock.lock();
        try {
            Timers.Entry e = timers.add(atNanos, action);
            timerWork.signalAll();
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a new task as running from the moment it is created, so settle never misses it. */
    void admit(Task task) {
        running.incrementAndGet();
    }

    @Override
    void started(Task task) {
    }

    @Override
    boolean block(Task task, long deadline) {
        task.waiting = true;
        running.decrementAndGet();
        try {
            while (task.waiting) {
                if (deadline == Long.MAX_VALUE) {
                    task.wakeup.awaitUninterruptibly();
                } else {
                    long left = deadline - now();
                    if (left <= 0) {
                        task.waiting = false;
                        return true;
                    }
                    task.wakeup.awaitNanos(left);
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.waiting = false;
            return true;
        } finally {
            running.incrementAndGet();
        }
    }

    @Override
    void wake(Task task) {
        if (task.waiting) {
            task.waiting = false;
            task.wakeup.signal();
        }
    }

    @Override
    void switchPoint(Task task) {
    }

    @Override
    void ended(Task task) {
        running.decrementAndGet();
    }

    @Override
    void settle(long quietNanos, long maxNanos) {
        long end = now() + maxNanos;
        long quietSince = -1;
        lock.lock();
        try {
            while (now() < end) {
                Timers.Entry next = timers.peek();
                boolean idle = running.get() == 0 && (next == null || next.time - now() > quietNanos);
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
            lock.unlock();
        }
    }

    @Override
    void advance(long nanos) {
        long end = now() + nanos;
        lock.lock();
        try {
            long left;
            while ((left = end - now()) > 0) {
                timerWork.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    void close() {
        lock.lock();
        try {
            closed = true;
            timerWork.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    long switches() {
        return 0;
    }

    private void runTimers() {
        lock.lock();
        try {
            while (!closed) {
                Timers.Entry next = timers.peek();
                if (next == null) {
                    timerWork.awaitUninterruptibly();
                } else if (next.time <= now()) {
                    timers.poll();
                    next.action.run();
                } else {
                    timerWork.awaitNanos(next.time - now());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
