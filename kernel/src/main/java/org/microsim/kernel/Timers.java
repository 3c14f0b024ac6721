package org.microsim.kernel;

import java.util.PriorityQueue;

/**
 * Pending callbacks ordered by time, ties broken by creation order so that the same schedule always fires
 * in the same order. Not thread-safe: the owner synchronizes.
 */
final class Timers {
    static final class Entry implements Timeline.Scheduled, Comparable<Entry> {
        final long time;
        final long seq;
        final Runnable action;
        // Written by device models on driver threads in the free scheduler, read by the timer thread.
        volatile boolean cancelled;

        Entry(long time, long seq, Runnable action) {
            this.time = time;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long seq;

    Entry add(long time, Runnable action) {
        Entry e = new Entry(time, seq++, action);
        queue.add(e);
        return e;
    }

    /** The earliest live entry, dropping cancelled ones on the way; null when none. */
    Entry peek() {
        Entry e = queue.peek();
        while (e != null && e.cancelled) {
            queue.poll();
            e = queue.peek();
        }
        return e;
    }

    Entry poll() {
        Entry e = peek();
        if (e != null) {
            queue.poll();
        }
        return e;
    }
}
