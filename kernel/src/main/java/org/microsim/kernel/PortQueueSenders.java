package org.microsim.kernel;

/**
 * The fields of a {@link PortQueue} that its senders write, padded away from those its receiver writes. The
 * JVM lays out a superclass's fields before a subclass's, so the padding here keeps the two sides on separate
 * cache lines; without it they would pass one line back and forth on every message.
 */
abstract class PortQueueSenders {
    final int capacity;
    volatile Envelope tail;
    /** Counted envelopes ever admitted. */
    volatile long reserved;
    /** What senders last saw of the receiver's and the kernel's counts: a lower bound, never admitting too many. */
    volatile long leftSeen;
    @SuppressWarnings("unused")
    private long pad0, pad1, pad2, pad3, pad4, pad5, pad6, pad7;

    PortQueueSenders(int capacity) {
        this.capacity = capacity;
    }
}
