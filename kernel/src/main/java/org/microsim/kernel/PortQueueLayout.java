package org.microsim.kernel;

/**
 * The fields of a {@link PortQueue} that its senders write, with padding on both sides, so that senders and
 * the receiver do not pass one cache line back and forth on every message (and neither shares a line with
 * the port object before the queue, which both read). The JVM lays out a superclass's fields before a
 * subclass's, and within one class puts longs before references, so each run of padding is a class of its
 * own:
 *
 * <pre>
 *   | header | Front: 64 bytes | Senders: tail, reserved, leftSeen | Gap: 64 bytes | PortQueue: receiver's fields |
 * </pre>
 */
final class PortQueueLayout {
    private PortQueueLayout() {
    }

    @SuppressWarnings("unused")
    abstract static class Front {
        private long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class Senders extends Front {
        final int capacity;
        volatile Envelope tail;
        /** Counted envelopes ever admitted. */
        volatile long reserved;
        /**
         * What senders last saw of the receiver's and the kernel's counts: a lower bound, never admitting too
         * many.
         */
        volatile long leftSeen;
        /** Fills the last hole of this run, where the JVM would otherwise put one of the receiver's fields. */
        @SuppressWarnings("unused")
        private int fill;

        Senders(int capacity) {
            this.capacity = capacity;
        }
    }

    @SuppressWarnings("unused")
    abstract static class Gap extends Senders {
        private long p10, p11, p12, p13, p14, p15, p16, p17;

        Gap(int capacity) {
            super(capacity);
        }
    }
}
