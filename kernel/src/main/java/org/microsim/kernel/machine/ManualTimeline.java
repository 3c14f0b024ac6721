package org.microsim.kernel.machine;

import org.microsim.kernel.Timeline;
import java.util.PriorityQueue;

/**
 * Virtual time turned by hand, for a single driver of device models or LANs without a kernel (the tests, the
 * benchmarks): callbacks wait in a queue, in time order (and in the order scheduled at equal times), until the
 * driver advances time past them or runs everything due.
 */
public final class ManualTimeline implements Timeline {
    private record Entry(long at, long seq, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    @Override
    public synchronized long now() {
        return now;
    }

    @Override
    public synchronized Scheduled schedule(long atNanos, Runnable action) {
        boolean[] cancelled = {false};
        queue.add(new Entry(Math.max(atNanos, now), seq++, action, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs, in time order, everything due within {@code nanos} from now, then moves the clock there. */
    public void advance(long nanos) {
        long until = now() + nanos;
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.at > until) {
                    now = until;
                    return;
                }
                queue.poll();
                now = next.at;
            }
            if (!next.cancelled[0]) {
                next.action.run();
            }
        }
    }

    /** Runs everything, including what the callbacks schedule, up to a bound that catches endless loops. */
    public void runUntilIdle() {
        for (int i = 0; i < 1_000_000; i++) {
            Entry next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    return;
                }
                now = next.at;
            }
            if (!next.cancelled[0]) {
                next.action.run();
            }
        }
        throw new IllegalStateException("timeline never became idle");
    }

    /** How many callbacks wait, cancelled ones included. */
    public synchronized int pending() {
        return queue.size();
    }
}
