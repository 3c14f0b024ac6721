package org.microsim.kernel.machine;

/**
 * A device slot's state as the controller keeps it (xHCI 4.5.3, 6.2.2, 6.2.3), mirrored into the output device
 * context in guest memory whenever it changes, since that is where software reads it.
 *
 * <p>Slot states: Disabled/Enabled (0) after Enable Slot, Default (1) after Address Device with BSR, Addressed
 * (2), Configured (3). Endpoint states: Disabled (0), Running (1), Halted (2), Stopped (3), Error (4). Endpoints
 * are numbered by Device Context Index: 1 is the default control endpoint, 2n the OUT and 2n+1 the IN endpoint n.
 */
final class XhciSlot {
    static final int ENABLED = 0;
    static final int DEFAULT = 1;
    static final int ADDRESSED = 2;
    static final int CONFIGURED = 3;

    static final int EP_DISABLED = 0;
    static final int EP_RUNNING = 1;
    static final int EP_HALTED = 2;
    static final int EP_STOPPED = 3;
    static final int EP_ERROR = 4;

    static final int EP_TYPE_CONTROL = 4;
    static final int EP_TYPE_ISOCH_OUT = 1;
    static final int EP_TYPE_ISOCH_IN = 5;
    static final int CONTEXT_SIZE = 32;

    /** An endpoint's state, its transfer ring, and what it waits for. */
    static final class Endpoint {
        final int dci;
        int state = EP_DISABLED;
        int type;
        int maxPacket;
        XhciRing ring;
        /** Its last TD answered NAK: it is retried when the device may answer. */
        boolean nakked;
        /** A run of its ring is scheduled. */
        boolean kicked;
        /** TDs it may still run before it waits for its doorbell again (XhciController.RUNS_PER_DOORBELL). */
        int budget;
        /** Bumped by every stop, halt, reset and disable, so that a run scheduled before it does nothing. */
        long epoch;

        Endpoint(int dci) {
            this.dci = dci;
        }

        boolean in() {
            return dci == 1 || (dci & 1) == 1;
        }

        int number() {
            return dci / 2;
        }
    }

    final int id;
    int state = ENABLED;
    /** The device, once addressed; null when it was unplugged (its transfers then fail). */
    UsbDevice device;
    int rootPort;
    int route;
    int address;
    /** Where software keeps this slot's output device context (from the DCBAA at Address Device). */
    long outputContext;
    final Endpoint[] endpoints = new Endpoint[32];

    XhciSlot(int id) {
        this.id = id;
        for (int dci = 1; dci < endpoints.length; dci++) {
            endpoints[dci] = new Endpoint(dci);
        }
    }

    Endpoint endpoint(int dci) {
        return dci >= 1 && dci < endpoints.length ? endpoints[dci] : null;
    }

    /** Disables every endpoint from {@code fromDci} on. */
    void disableEndpoints(int fromDci) {
        for (int dci = fromDci; dci < endpoints.length; dci++) {
            Endpoint ep = endpoints[dci];
            ep.state = EP_DISABLED;
            ep.ring = null;
            ep.nakked = false;
            ep.epoch++;
        }
    }

    /** The highest enabled DCI, for the slot context's Context Entries. */
    int lastEnabled() {
        for (int dci = endpoints.length - 1; dci > 1; dci--) {
            if (endpoints[dci].state != EP_DISABLED) {
                return dci;
            }
        }
        return 1;
    }

    /** Writes the slot's state and address into the output slot context (dword 3) and its Context Entries. */
    void writeSlotState(PhysicalMemory memory) {
        byte[] dw = new byte[4];
        if (outputContext == 0 || !memory.read(outputContext, dw, 0, 4)) {
            return;
        }
        Bytes.put32(dw, 0, Bytes.le32(dw, 0) & ~(0x1f << 27) | lastEnabled() << 27);
        memory.write(outputContext, dw, 0, 4);
        Bytes.put32(dw, 0, address & 0xff | state << 27);
        memory.write(outputContext + 12, dw, 0, 4);
    }

    /** Writes an endpoint's state (dword 0) and, when it has a ring, its dequeue pointer and cycle (dwords 2-3). */
    void writeEndpointState(PhysicalMemory memory, Endpoint ep) {
        long at = outputContext + (long) CONTEXT_SIZE * ep.dci;
        byte[] dw = new byte[4];
        if (outputContext == 0 || !memory.read(at, dw, 0, 4)) {
            return;
        }
        Bytes.put32(dw, 0, Bytes.le32(dw, 0) & ~0x7 | ep.state);
        memory.write(at, dw, 0, 4);
        if (ep.ring != null) {
            byte[] dq = new byte[8];
            long value = ep.ring.dequeue() | (ep.ring.cycle() ? 1 : 0);
            Bytes.put32(dq, 0, (int) value);
            Bytes.put32(dq, 4, (int) (value >>> 32));
            memory.write(at + 8, dq, 0, 8);
        }
    }
}
