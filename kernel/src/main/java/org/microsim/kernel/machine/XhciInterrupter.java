package org.microsim.kernel.machine;

import java.util.ArrayDeque;

/**
 * One interrupter (xHCI 5.5.2 and 4.9.4): its registers and the producer side of its event ring.
 *
 * <pre>
 *   ERSTBA ─▶ ERST: [base, size] [base, size] ...   the ring is the segments in order, then back to the first
 *   enqueue ─▶ next slot to write; its cycle bit is the producer cycle state, which flips at each wrap
 *   ERDP   ◀─ software: how far it has read (EHB, write 1 to clear, says an interrupt is being handled)
 * </pre>
 *
 * <p>The ring is full when writing one more event would reach the dequeue pointer software last wrote. The spec
 * then has the controller stop and wait; here events wait in order in a queue of their own, as the controller's
 * internal buffer would, and go into the ring when ERDP moves, so none is ever overwritten or lost. An event
 * sets IMAN.IP and USBSTS.EINT; the interrupt is signalled when IMAN.IE allows (the caller checks USBCMD.INTE).
 * Interrupt moderation (IMOD) is kept as a register but does not delay anything: virtual time has no cost for
 * interrupts.
 */
final class XhciInterrupter {
    static final int IMAN = 0x00;
    static final int IMOD = 0x04;
    static final int ERSTSZ = 0x08;
    static final int ERSTBA_LO = 0x10;
    static final int ERSTBA_HI = 0x14;
    static final int ERDP_LO = 0x18;
    static final int ERDP_HI = 0x1c;
    static final int IMAN_IP = 1;
    static final int IMAN_IE = 1 << 1;
    static final int ERDP_EHB = 1 << 3;
    /** ERST entries the controller takes (HCSPARAMS2.ERST Max = 4: 2^4). */
    static final int ERST_MAX = 16;

    private final PhysicalMemory memory;
    private int iman;
    private int imod = 4000;
    private int erstSize;
    private long erstBase;
    private long dequeue;
    private boolean busy;
    /** The segments read from the ERST when ERSTBA was written: base and size in TRBs. */
    private long[] segmentBase = new long[0];
    private int[] segmentSize = new int[0];
    private int segment;
    private int index;
    private boolean cycle;
    private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();

    XhciInterrupter(PhysicalMemory memory) {
        this.memory = memory;
    }

    int read(int offset) {
        return switch (offset) {
            case IMAN -> iman;
            case IMOD -> imod;
            case ERSTSZ -> erstSize;
            case ERSTBA_LO -> (int) erstBase;
            case ERSTBA_HI -> (int) (erstBase >>> 32);
            case ERDP_LO -> (int) dequeue | (busy ? ERDP_EHB : 0);
            case ERDP_HI -> (int) (dequeue >>> 32);
            default -> 0;
        };
    }

    /**
     * A register write.
     *
     * @return true when the write enabled interrupts while one is pending, so it should be signalled now
     */
    boolean write(int offset, int value) {
        switch (offset) {
            case IMAN -> {
                boolean wasEnabled = (iman & IMAN_IE) != 0;
                iman = (iman & IMAN_IP & ~(value & IMAN_IP)) | (value & IMAN_IE);
                return !wasEnabled && (iman & (IMAN_IE | IMAN_IP)) == (IMAN_IE | IMAN_IP);
            }
            case IMOD -> imod = value;
            case ERSTSZ -> erstSize = value & 0xffff;
            case ERSTBA_LO -> {
                // Either half sets the ring up (5.5.2.3.2): a driver writing the low half alone has it too.
                erstBase = erstBase & 0xffffffff00000000L | (value & 0xffffffc0L);
                readSegmentTable();
            }
            case ERSTBA_HI -> {
                erstBase = erstBase & 0xffffffffL | (long) value << 32;
                readSegmentTable();
            }
            case ERDP_LO -> {
                dequeue = dequeue & 0xffffffff00000000L | (value & 0xfffffff0L);
                if ((value & ERDP_EHB) != 0) {
                    busy = false;
                }
                drain();
            }
            case ERDP_HI -> {
                dequeue = dequeue & 0xffffffffL | (long) value << 32;
                drain();
            }
            default -> {
            }
        }
        return false;
    }

    /** Software set the ring up: read the segment table, and start at the first segment with cycle 1. */
    private void readSegmentTable() {
        int entries = Math.min(erstSize, ERST_MAX);
        segmentBase = new long[entries];
        segmentSize = new int[entries];
        byte[] entry = new byte[16];
        for (int i = 0; i < entries; i++) {
            if (!memory.read(erstBase + 16L * i, entry, 0, entry.length)) {
                segmentBase = new long[0];
                segmentSize = new int[0];
                break;
            }
            segmentBase[i] = Bytes.le64(entry, 0) & ~0x3fL;
            segmentSize[i] = Bytes.le32(entry, 8) & 0xffff;
        }
        segment = 0;
        index = 0;
        cycle = true;
        waiting.clear();
    }

    /**
     * Posts an event (its control dword's cycle bit is set here).
     *
     * @return true when the interrupt should be signalled: IMAN.IE is set and the event is not blocked (BEI)
     */
    boolean post(long parameter, int status, int control, boolean blockInterrupt) {
        waiting.add(XhciTrb.encode(parameter, status, control & ~XhciTrb.CYCLE));
        drain();
        if (blockInterrupt) {
            return false;
        }
        iman |= IMAN_IP;
        busy = true;
        return (iman & IMAN_IE) != 0;
    }

    /** Whether an interrupt is pending (IMAN.IP). */
    boolean pending() {
        return (iman & IMAN_IP) != 0;
    }

    /** Writes waiting events while the ring has room. */
    private void drain() {
        while (!waiting.isEmpty() && hasRoom()) {
            byte[] event = waiting.poll();
            if (cycle) {
                event[12] |= 1;
            }
            memory.write(segmentBase[segment] + (long) index * XhciTrb.SIZE, event, 0, event.length);
            if (++index >= segmentSize[segment]) {
                index = 0;
                if (++segment >= segmentBase.length) {
                    segment = 0;
                    cycle = !cycle;
                }
            }
        }
    }

    /** True when one more event can be written without reaching the software's dequeue pointer. */
    private boolean hasRoom() {
        if (segmentBase.length == 0 || segmentSize[segment] == 0) {
            return false;
        }
        int nextIndex = index + 1;
        int nextSegment = segment;
        if (nextIndex >= segmentSize[segment]) {
            nextIndex = 0;
            nextSegment = (segment + 1) % segmentBase.length;
        }
        return segmentBase[nextSegment] + (long) nextIndex * XhciTrb.SIZE != dequeue;
    }

    /** Controller reset: registers to their reset values, the ring forgotten. */
    void reset() {
        iman = 0;
        imod = 4000;
        erstSize = 0;
        erstBase = 0;
        dequeue = 0;
        busy = false;
        segmentBase = new long[0];
        segmentSize = new int[0];
        waiting.clear();
    }
}
