package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;
import org.microsim.kernel.InterruptLine;

/**
 * A register-level xHCI client for tests, in the manner of QEMU's usb-hcd-xhci-test.c: the spec's offsets
 * (written here from xHCI 1.2, not taken from the model), a DCBAA, a command ring and transfer rings with Link
 * TRBs at their ends, an event ring of ERST segments, and helpers to run commands and transfers to completion.
 */
final class XhciClient {
    static final int USBCMD = 0x40, USBSTS = 0x44, CRCR = 0x58, DCBAAP = 0x70, CONFIG = 0x78;
    static final int IMAN = 0x1020, ERSTSZ = 0x1028, ERSTBA = 0x1030, ERDP = 0x1038;
    static final int RS = 1, HCRST = 2, INTE = 4;
    static final long LATENCY = 10_000;

    final PhysicalMemory memory = new PhysicalMemory(1L << 32);
    final ManualTimeline timeline = new ManualTimeline();
    final InterruptLine irq = new InterruptLine(9);
    final XhciController hc;
    final Mmio bar;
    final DmaBuffer dcbaa;
    final Ring commands;
    private final Object owner = new Object();
    private final List<DmaBuffer> segments = new ArrayList<>();
    private int segment;
    private int index;
    private boolean cycle = true;

    /** A TRB ring the test produces into, with a Link TRB (toggle cycle) in its last slot. */
    final class Ring {
        final DmaBuffer buffer;
        final int size;
        int enqueue;
        boolean cycle = true;

        Ring(int trbs) {
            buffer = alloc(trbs * 16);
            size = trbs;
        }

        long base() {
            return buffer.physAddress();
        }

        /** Writes a TRB (the cycle bit is set here); returns its address. */
        long put(long parameter, int status, int control) {
            if (enqueue == size - 1) {
                write(enqueue, base(), 0, 6 << 10 | 1 << 1);
                enqueue = 0;
                cycle = !cycle;
            }
            long at = base() + enqueue * 16L;
            write(enqueue++, parameter, status, control);
            return at;
        }

        private void write(int i, long parameter, int status, int control) {
            buffer.putLong(i * 16, parameter);
            buffer.putInt(i * 16 + 8, status);
            buffer.putInt(i * 16 + 12, control & ~1 | (cycle ? 1 : 0));
        }
    }

    XhciClient() {
        hc = new XhciController(memory, timeline, irq, LATENCY);
        bar = hc.mmio();
        dcbaa = alloc(2048);
        commands = new Ring(16);
    }

    DmaBuffer alloc(int size) {
        return memory.allocate(size, owner).orElseThrow();
    }

    /** HCRST, then the rings as QEMU's test sets them up, with {@code segmentSizes} event ring segments; RS. */
    void start(int... segmentSizes) {
        bar.write32(USBCMD, HCRST);
        bar.write32(CONFIG, 8);
        bar.write64(DCBAAP, dcbaa.physAddress());
        DmaBuffer erst = alloc(16 * segmentSizes.length);
        for (int i = 0; i < segmentSizes.length; i++) {
            DmaBuffer seg = alloc(16 * segmentSizes[i]);
            segments.add(seg);
            erst.putLong(16 * i, seg.physAddress());
            erst.putInt(16 * i + 8, segmentSizes[i]);
        }
        bar.write32(ERSTSZ, segmentSizes.length);
        bar.write64(ERDP, segments.getFirst().physAddress());
        bar.write64(ERSTBA, erst.physAddress());
        bar.write32(IMAN, 2);
        bar.write64(CRCR, commands.base() | 1);
        bar.write32(USBCMD, RS | INTE);
    }

    void start() {
        start(64);
    }

    /** An event: its fields, as the event ring holds them. */
    record Event(long parameter, int status, int control) {
        int type() {
            return control >>> 10 & 0x3f;
        }

        int code() {
            return status >>> 24;
        }

        int slot() {
            return control >>> 24;
        }

        int endpoint() {
            return control >>> 16 & 0x1f;
        }

        int residual() {
            return status & 0xffffff;
        }
    }

    /** Every event the controller has written since the last call; ERDP follows (EHB cleared). */
    List<Event> events() {
        List<Event> out = new ArrayList<>();
        while (true) {
            DmaBuffer seg = segments.get(segment);
            int control = seg.getInt(index * 16 + 12);
            if (((control & 1) != 0) != cycle) {
                break;
            }
            out.add(new Event(seg.getLong(index * 16), seg.getInt(index * 16 + 8), control));
            if (++index * 16 >= seg.size()) {
                index = 0;
                if (++segment == segments.size()) {
                    segment = 0;
                    cycle = !cycle;
                }
            }
        }
        bar.write64(ERDP, segments.get(segment).physAddress() + index * 16L | 8);
        return out;
    }

    /** Runs a command to completion; its Command Completion event. */
    Event command(long parameter, int status, int control) {
        commands.put(parameter, status, control);
        bar.write32(0x2000, 0);
        timeline.runUntilIdle();
        List<Event> events = events();
        return events.stream().filter(e -> e.type() == 33).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no command completion in " + events));
    }

    /** Enable Slot; the slot id. */
    int enableSlot() {
        Event e = command(0, 0, 9 << 10);
        if (e.code() != 1) {
            throw new AssertionError("enable slot: " + e.code());
        }
        return e.slot();
    }

    /**
     * Address Device for the device at {@code rootPort}/{@code route} with a new EP0 ring; returns the ring. The
     * output context goes into the DCBAA.
     */
    Ring address(int slot, int rootPort, int route, int speed, boolean bsr, int[] code) {
        DmaBuffer output = alloc(1024);
        dcbaa.putLong(8 * slot, output.physAddress());
        DmaBuffer input = alloc(33 * 32);
        input.putInt(4, 0x3);
        input.putInt(32, route | speed << 20 | 1 << 27);
        input.putInt(36, rootPort << 16);
        Ring ep0 = new Ring(16);
        input.putInt(64 + 4, 3 << 1 | 4 << 3 | 64 << 16);
        input.putLong(64 + 8, ep0.base() | 1);
        code[0] = command(input.physAddress(), 0, slot << 24 | 11 << 10 | (bsr ? 1 << 9 : 0)).code();
        return ep0;
    }

    /** The output device context of a slot. */
    long outputContext(int slot) {
        return dcbaa.getLong(8 * slot);
    }

    int readContext(int slot, int offset) {
        byte[] b = new byte[4];
        memory.read(outputContext(slot) + offset, b, 0, 4);
        return Bytes.le32(b, 0);
    }

    /** A control IN transfer of {@code length} bytes on EP0: the data and the events. */
    byte[] controlIn(Ring ep0, int slot, int requestType, int request, int value, int index, int length,
                     List<Event> events) {
        DmaBuffer data = alloc(Math.max(length, 1));
        long setup = requestType | request << 8 | (long) value << 16 | (long) index << 32 | (long) length << 48;
        ep0.put(setup, 8, 2 << 10 | 1 << 6 | (length > 0 ? 3 << 16 : 0));
        if (length > 0) {
            ep0.put(data.physAddress(), length, 3 << 10 | 1 << 16 | 1 << 2 | 1 << 5);
        }
        ep0.put(0, 0, 4 << 10 | 1 << 5);
        bar.write32(0x2000 + 4L * slot, 1);
        timeline.runUntilIdle();
        events.addAll(events());
        byte[] out = new byte[length];
        data.read(0, out, 0, length);
        return out;
    }

    /** A control transfer without data (SET_CONFIGURATION and the like); the events. */
    List<Event> controlNoData(Ring ep0, int slot, int requestType, int request, int value, int index) {
        long setup = requestType | request << 8 | (long) value << 16 | (long) index << 32;
        ep0.put(setup, 8, 2 << 10 | 1 << 6);
        ep0.put(0, 0, 4 << 10 | 1 << 16 | 1 << 5);
        bar.write32(0x2000 + 4L * slot, 1);
        timeline.runUntilIdle();
        return events();
    }

    /** A device on a USB 3 root port (enabled at once), addressed, with bulk endpoints 1 OUT (DCI 2) and 1 IN (3). */
    record Bulk(int slot, Ring ep0, Ring out, Ring in) {
    }

    /** Plugs {@code device} into root port {@code port} (5-8), addresses it and configures its bulk endpoints. */
    Bulk bulkDevice(int port, UsbDevice device) {
        if (hc.attach(List.of(port), device) != null) {
            throw new AssertionError("attach at " + port);
        }
        timeline.runUntilIdle();
        events();
        int slot = enableSlot();
        int[] code = new int[1];
        Ring ep0 = address(slot, port, 0, 4, false, code);
        if (code[0] != 1) {
            throw new AssertionError("address device: " + code[0]);
        }
        Ring out = new Ring(8);
        Ring in = new Ring(8);
        int configured = configureBulk(slot, 2, out, 3, in).code();
        if (configured != 1) {
            throw new AssertionError("configure endpoint: " + configured);
        }
        return new Bulk(slot, ep0, out, in);
    }

    /** Configure Endpoint adding a bulk OUT endpoint at {@code outDci} and a bulk IN one at {@code inDci}. */
    Event configureBulk(int slot, int outDci, Ring out, int inDci, Ring in) {
        DmaBuffer input = alloc(33 * 32);
        input.putInt(4, 1 | 1 << outDci | 1 << inDci);
        input.putInt(32, Math.max(outDci, inDci) << 27);
        input.putInt((outDci + 1) * 32 + 4, 3 << 1 | 2 << 3 | 512 << 16);
        input.putLong((outDci + 1) * 32 + 8, out.base() | 1);
        input.putInt((inDci + 1) * 32 + 4, 3 << 1 | 6 << 3 | 512 << 16);
        input.putLong((inDci + 1) * 32 + 8, in.base() | 1);
        return command(input.physAddress(), 0, slot << 24 | 12 << 10);
    }

    /** Rings the doorbell of endpoint {@code dci} of {@code slot} and runs the timeline until nothing is left. */
    List<Event> ring(int slot, int dci) {
        bar.write32(0x2000 + 4L * slot, dci);
        timeline.runUntilIdle();
        return events();
    }

    /** The TR Dequeue Pointer field (with DCS in bit 0) of an endpoint's output context. */
    long dequeueOf(int slot, int dci) {
        byte[] b = new byte[8];
        memory.read(outputContext(slot) + 32L * dci + 8, b, 0, 8);
        return Bytes.le64(b, 0);
    }
}
