package org.microsim.kernel;

/**
 * The fields of a {@link PortQueue} in three runs, by who writes them and who reads them, with padding
 * between, so that senders and the receiver do not pass one cache line back and forth on every message (and
 * neither shares a line with the port object before the queue, which both read): what senders write; the
 * counts the receiver (and the kernel) publish for senders to read when the queue looks full; and what the
 * receiver alone touches on every message. A sender that keeps reading the counts of a full queue then
 * costs the receiver nothing until it publishes. The JVM lays out a superclass's fields before a subclass's,
 * and within one class puts longs before references, so each run is a class of its own:
 *
 * <pre>
 *   | Front: 64 bytes | Senders: tail, reserved, leftSeen | Gap | Counts: received, abandoned | Gap | PortQueue |
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
    abstract static class SendersGap extends Senders {
        private long p10, p11, p12, p13, p14, p15, p16, p17;

        SendersGap(int capacity) {
            super(capacity);
        }
    }

    abstract static class Counts extends SendersGap {
        /** Counted envelopes the receiver took, as far as it told senders. */
        volatile long received;
        /** Counted calls taken out of the kernel lane because their callers gave up. */
        volatile long abandoned;

        Counts(int capacity) {
            super(capacity);
        }
    }

    @SuppressWarnings("unused")
    abstract static class Gap extends Counts {
        private long p20, p21, p22, p23, p24, p25, p26, p27;

        Gap(int capacity) {
            super(capacity);
        }
    }
}
