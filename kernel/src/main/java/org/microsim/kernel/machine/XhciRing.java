package org.microsim.kernel.machine;

/**
 * The consumer side of a command or transfer ring (xHCI 4.9.2): a dequeue pointer and a consumer cycle state.
 * A TRB belongs to the controller when its cycle bit equals the cycle state; a Link TRB moves the pointer to
 * its target and, with Toggle Cycle, flips the state, which is how a ring of segments wraps.
 *
 * <p>A guest can write a ring that never ends (a Link TRB to itself) or points nowhere. Walking is bounded by
 * {@link #MAX_LINKS} consecutive links, and memory that is not there ends the walk, so the model always gets an
 * answer: a TRB, "empty", or "broken".
 */
final class XhciRing {
    /** Link TRBs followed in a row before the ring is taken as broken. */
    static final int MAX_LINKS = 64;

    private long dequeue;
    private boolean cycle;

    XhciRing(long dequeue, boolean cycle) {
        this.dequeue = dequeue & ~0xfL;
        this.cycle = cycle;
    }

    long dequeue() {
        return dequeue;
    }

    boolean cycle() {
        return cycle;
    }

    void set(long newDequeue, boolean newCycle) {
        dequeue = newDequeue & ~0xfL;
        cycle = newCycle;
    }

    /** What {@link #peek} found. */
    sealed interface Next {
    }

    /** The controller's TRB at the dequeue pointer (never a Link TRB). */
    record Ready(XhciTrb trb) implements Next {
    }

    /** Nothing for the controller yet: the next TRB's cycle bit is the software's. */
    record Empty() implements Next {
    }

    /** A link loop or memory that is not there, at {@code address}. */
    record Broken(long address) implements Next {
    }

    /** The next TRB for the controller, following Link TRBs (which moves the pointer past them). */
    Next peek(PhysicalMemory memory) {
        for (int links = 0; links <= MAX_LINKS; links++) {
            XhciTrb trb = XhciTrb.read(memory, dequeue);
            if (trb == null) {
                return new Broken(dequeue);
            }
            if (trb.cycle() != cycle) {
                return new Empty();
            }
            if (trb.type() != XhciTrb.LINK) {
                return new Ready(trb);
            }
            dequeue = trb.parameter() & ~0xfL;
            if (trb.has(XhciTrb.LINK_TOGGLE_CYCLE)) {
                cycle = !cycle;
            }
        }
        return new Broken(dequeue);
    }

    /** Moves past the TRB {@link #peek} returned. */
    void advance() {
        dequeue += XhciTrb.SIZE;
    }
}
