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

    /** A pending callback. */
    interface Scheduled {
        /** Stops it from running; no effect once it ran. */
        void cancel();
    }
}
