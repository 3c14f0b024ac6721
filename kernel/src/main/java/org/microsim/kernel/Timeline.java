package org.microsim.kernel;

/**
 * The kernel clock as device models see it: the time now and a way to be called back later. In the
 * deterministic scheduler the callback runs when virtual time reaches {@code atNanos} (while no task runs);
 * in the free scheduler it runs on a timer thread, so models synchronize their own state.
 */
public interface Timeline {
    /** Virtual nanoseconds since the machine started. */
    long now();

    /** Runs {@code action} at virtual time {@code atNanos} (or at once, if that is not in the future). */
    Scheduled schedule(long atNanos, Runnable action);

    /**
     * {@link #schedule} for a caller on another machine's thread, which may hold that machine's kernel lock (a NIC
     * transmitting onto a LAN from its timer thread): never waits for this clock's lock, so two machines sending
     * to each other at once cannot deadlock, and cannot be cancelled. Posts from one thread run in the order
     * posted, when their times are equal. The free scheduler queues the action for its timer thread without a
     * lock; a clock whose schedule never blocks on another thread (the deterministic scheduler, where one thread
     * runs at a time, so that a post is as synchronous and ordered as a schedule) keeps this default.
     */
    default void post(long atNanos, Runnable action) {
        schedule(atNanos, action);
    }

    /** A pending callback. */
    interface Scheduled {
        /** Stops it from running; no effect once it ran. */
        void cancel();
    }
}
