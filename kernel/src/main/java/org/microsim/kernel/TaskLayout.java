package org.microsim.kernel;

/**
 * The fields of a {@link Task} that its own thread writes on every call and reply without the kernel lock,
 * padded away from those its peers read on every message ({@code receivingOn}, {@code offCpu}): otherwise a
 * client and its server on two cores would pass the server's task line back and forth on every call. The
 * JVM lays out a superclass's fields before a subclass's, so the padding is a class of its own:
 *
 * <pre>
 *   | header | Own: lockFreeHeld, pendingCall, peer | Gap: 64 bytes | Task: everything else |
 * </pre>
 */
final class TaskLayout {
    private TaskLayout() {
    }

    abstract static class Own {
        /**
         * The one call received without the kernel lock and not yet answered, or null: a server loop holds one
         * call at a time, and a field its own thread sets and clears spares the lock a map it would have to
         * guard. Volatile: a kill from another thread reads it to fail the call (see {@link FastPath#receive}).
         */
        volatile CallRecord lockFreeHeld;
        /** The call this task waits in, or null. Volatile: set without the lock by a lock-free call. */
        volatile CallRecord pendingCall;
        /** The task this one last handed work to (the server it called, the caller it answered), or null. */
        Task peer;
        /** Fill this run's holes (after the header, before the padding), where the JVM would put shared fields. */
        @SuppressWarnings("unused")
        private int fill0, fill1;
    }

    @SuppressWarnings("unused")
    abstract static class Gap extends Own {
        private long p00, p01, p02, p03, p04, p05, p06, p07;
    }
}
