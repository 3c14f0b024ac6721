package org.microsim.kernel.machine;

import org.microsim.kernel.Timeline;
import java.util.PriorityQueue;

/** A test's virtual clock: callbacks wait in a queue until the test advances time past them. */
final class ManualTimeline implements Timeline {
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
    void advance(long nanos) {
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
    void runUntilIdle() {
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
        throw new AssertionError("timeline never became idle");
    }

    synchronized int pending() {
        return queue.size();
    }
}
