package org.microsim.drivers.usbd;

import org.microsim.abi.DmaBuffer;

/**
 * A ring the driver produces TRBs into and the controller consumes: the command ring and each endpoint's transfer
 * ring (xHCI 4.9.2). One segment in DMA memory, its last slot a Link TRB back to the start with Toggle Cycle, and
 * the producer cycle state that marks which TRBs are new.
 *
 * <p>The driver waits for every TD before it queues the next on the same ring (bulk-only transport runs one
 * command at a time anyway), so the ring never fills; a ring of {@value #TRBS} TRBs has room for the longest TD
 * the driver writes.
 */
final class ProducerRing {
    static final int TRBS = 256;
    static final int BYTES = TRBS * Trb.SIZE;

    private final DmaBuffer buffer;
    private int enqueue;
    private boolean cycle = true;

    ProducerRing(DmaBuffer buffer) {
        this.buffer = buffer;
        buffer.clear(0, BYTES);
    }

    /** The ring's start, with the initial cycle state in bit 0: what a context or CRCR points at. */
    long pointer() {
        return buffer.physAddress() | 1;
    }

    /** Where the next TRB goes, with the cycle state in bit 0: for Set TR Dequeue Pointer past abandoned TDs. */
    long enqueuePointer() {
        return buffer.physAddress() + (long) enqueue * Trb.SIZE | (cycle ? 1 : 0);
    }

    /** Writes a TRB, the cycle bit last; returns its address. */
    long put(long parameter, int status, int control) {
        if (enqueue == TRBS - 1) {
            write(enqueue, buffer.physAddress(), 0, Trb.type(Trb.LINK) | Trb.TOGGLE_CYCLE);
            enqueue = 0;
            cycle = !cycle;
        }
        long at = buffer.physAddress() + (long) enqueue * Trb.SIZE;
        write(enqueue++, parameter, status, control);
        return at;
    }

    private void write(int index, long parameter, int status, int control) {
        int at = index * Trb.SIZE;
        buffer.putLong(at, parameter);
        buffer.putInt(at + 8, status);
        buffer.putInt(at + 12, control & ~Trb.CYCLE | (cycle ? Trb.CYCLE : 0));
    }
}
