package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Sys;

/**
 * One USB device the driver addressed: its slot, where it is (root port and route string, and the path of port
 * numbers people use), its contexts and transfer rings, and the transfers on them. A transfer queues its TD,
 * rings the slot's doorbell and waits for its event; a completion code other than success or short packet is a
 * {@link UsbException}, and an endpoint that halted has been reset on the controller's side before the exception
 * is thrown, so the ring can take the next TD at once (the device's side of a halt is the class driver's to clear).
 *
 * <pre>
 *   control: Setup (IDT, 8 bytes) ─ [Data, ISP] ─ Status (IOC)        bulk: Normal TRBs chained (CH), last IOC|ISP
 * </pre>
 */
final class Device {
    static final int CONTEXT = 32;
    static final int CONTROL_BUFFER = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    final HostController hc;
    final Sys sys;
    final int slot;
    final List<Integer> path;
    final int rootPort;
    final int route;
    final int speed;
    final DmaBuffer output;
    final DmaBuffer input;
    final ProducerRing ep0;
    final DmaBuffer controlBuffer;
    final ProducerRing[] rings = new ProducerRing[32];
    int vendor;
    int product;
    /** Set once the device is known to be gone: every transfer fails at once. */
    boolean gone;

    private final DmaPool pool;
    private final List<DmaBuffer> buffers = new ArrayList<>();
    private final Map<Integer, ArrayDeque<Trb.Event>> early = new HashMap<>();

    Device(HostController hc, Sys sys, DmaPool pool, int slot, List<Integer> path, int rootPort, int route,
           int speed) {
        this.hc = hc;
        this.sys = sys;
        this.pool = pool;
        this.slot = slot;
        this.path = List.copyOf(path);
        this.rootPort = rootPort;
        this.route = route;
        this.speed = speed;
        this.output = buffer(32 * CONTEXT);
        this.input = buffer(33 * CONTEXT);
        this.ep0 = new ProducerRing(buffer(ProducerRing.BYTES));
        this.controlBuffer = buffer(CONTROL_BUFFER);
        rings[1] = ep0;
    }

    /** A transfer failed with this completion code (or timed out: code 0). */
    static final class UsbException extends Exception {
        final int code;

        UsbException(int code, String what) {
            super(what + ": " + (code == 0 ? "no answer in time" : Trb.describe(code)));
            this.code = code;
        }
    }

    /** DMA memory for this device, from the pool, back to it when the device leaves ({@link #freeBuffers}). */
    DmaBuffer buffer(int size) {
        DmaBuffer b = pool.take(size);
        buffers.add(b);
        return b;
    }

    /** The device left: its DMA memory goes back to the pool. */
    void freeBuffers() {
        buffers.forEach(pool::give);
        buffers.clear();
    }

    /** The path as people write it: {@code 1}, {@code 1.3}. */
    String where() {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }

    /** A control transfer reading up to {@code length} bytes (at most a page); the bytes that came. */
    byte[] controlIn(int requestType, int request, int value, int index, int length) throws UsbException {
        int n = control(requestType | 0x80, request, value, index, length, null);
        byte[] data = new byte[n];
        controlBuffer.read(0, data, 0, n);
        return data;
    }

    /** A control transfer without data, or with {@code data} for an OUT data stage. */
    void controlOut(int requestType, int request, int value, int index, byte[] data) throws UsbException {
        control(requestType & 0x7f, request, value, index, data == null ? 0 : data.length, data);
    }

    private int control(int requestType, int request, int value, int index, int length, byte[] out)
            throws UsbException {
        check();
        boolean in = (requestType & 0x80) != 0;
        long setup = requestType & 0xff | (request & 0xff) << 8 | (long) (value & 0xffff) << 16
                | (long) (index & 0xffff) << 32 | (long) length << 48;
        int trt = length == 0 ? Trb.TRT_NONE : in ? Trb.TRT_IN : Trb.TRT_OUT;
        ep0.put(setup, 8, Trb.type(Trb.SETUP) | Trb.IDT | trt);
        long dataTrb = 0;
        if (length > 0) {
            if (out != null) {
                controlBuffer.write(0, out, 0, length);
            }
            dataTrb = ep0.put(controlBuffer.physAddress(), length, Trb.type(Trb.DATA) | (in ? Trb.DIR_IN : 0)
                    | Trb.ISP);
        }
        long status = ep0.put(0, 0, Trb.type(Trb.STATUS) | Trb.IOC | (in && length > 0 ? 0 : Trb.DIR_IN));
        hc.ring(slot, 1);
        int received = length;
        long dataAt = dataTrb;
        while (true) {
            Trb.Event e = hc.await(ev -> ev.type() == Trb.TRANSFER_EVENT && ev.slot() == slot && ev.endpoint() == 1
                    && (ev.parameter() == status || ev.parameter() == dataAt || ev.code() != Trb.SUCCESS), TIMEOUT);
            if (e == null) {
                throw failed(1, 0, "control request " + request);
            }
            if (e.code() == Trb.SHORT_PACKET && e.parameter() == dataTrb) {
                received = length - e.residual();
                continue;
            }
            if (e.code() != Trb.SUCCESS) {
                throw failed(1, e.code(), "control request " + request);
            }
            if (e.parameter() == status) {
                return received;
            }
        }
    }

    /**
     * A bulk or interrupt transfer of {@code length} bytes of {@code buffer} on endpoint {@code dci}; the bytes
     * moved (fewer on a short IN packet).
     */
    int transfer(int dci, DmaBuffer buffer, int length) throws UsbException {
        return complete(submit(dci, buffer, length));
    }

    /** A TD queued on an endpoint: its TRBs as (address, bytes before it, length), and its length. */
    record Td(int dci, List<long[]> trbs, int length) {
    }

    /**
     * Queues a bulk or interrupt TD of {@code length} bytes of {@code buffer} on endpoint {@code dci} and rings
     * the doorbell, without waiting: several TDs on several endpoints can be under way at once, and
     * {@link #complete} then waits for each. Buffers are split at 64 KiB boundaries, as TRBs may not cross them.
     */
    Td submit(int dci, DmaBuffer buffer, int length) throws UsbException {
        check();
        ProducerRing ring = rings[dci];
        List<long[]> trbs = new ArrayList<>();
        long base = buffer.physAddress();
        int done = 0;
        do {
            long at = base + done;
            int n = (int) Math.min(length - done, Trb.MAX_TRB_BYTES - (at % Trb.MAX_TRB_BYTES));
            boolean end = done + n >= length;
            trbs.add(new long[] {ring.put(at, n, Trb.type(Trb.NORMAL) | Trb.ISP | (end ? Trb.IOC : Trb.CHAIN)),
                    done, n});
            done += n;
        } while (done < length);
        hc.ring(slot, dci);
        return new Td(dci, trbs, length);
    }

    /** Waits for a submitted TD (TDs of one endpoint complete in order); the bytes it moved. */
    int complete(Td td) throws UsbException {
        int dci = td.dci();
        ArrayDeque<Trb.Event> kept = early.get(dci);
        Trb.Event e = kept == null ? null : kept.poll();
        if (e == null) {
            e = hc.await(ev -> ev.type() == Trb.TRANSFER_EVENT && ev.slot() == slot && ev.endpoint() == dci, TIMEOUT);
        }
        if (e == null) {
            throw failed(dci, 0, "transfer on endpoint " + dci);
        }
        if (e.code() == Trb.SHORT_PACKET) {
            // The TD ended in the TRB the event names: what came before it, and that TRB's length less its residual.
            for (long[] trb : td.trbs()) {
                if (trb[0] == e.parameter()) {
                    return (int) (trb[1] + trb[2]) - e.residual();
                }
            }
            return td.length() - e.residual();
        }
        if (e.code() != Trb.SUCCESS) {
            throw failed(dci, e.code(), "transfer on endpoint " + dci);
        }
        return td.length();
    }

    /** An event of one of this device's endpoints that came while the driver waited for another's. */
    void stash(Trb.Event e) {
        early.computeIfAbsent(e.endpoint(), k -> new ArrayDeque<>()).add(e);
    }

    /**
     * Gives up what is queued on an endpoint: stopped (from running or halted), its dequeue pointer moved past every
     * TD, its early events dropped. For a recovery, so that no old TD takes the next command's data.
     */
    void abandon(int dci) {
        // Halted (a stall) or running (a TD waiting): one of the two brings it to Stopped, the other is refused.
        hc.command(0, 0, Trb.type(Trb.RESET_ENDPOINT) | slot << 24 | dci << 16, TIMEOUT);
        hc.command(0, 0, Trb.type(Trb.STOP_ENDPOINT) | slot << 24 | dci << 16, TIMEOUT);
        hc.command(rings[dci].enqueuePointer(), 0, Trb.type(Trb.SET_TR_DEQUEUE) | slot << 24 | dci << 16, TIMEOUT);
        early.remove(dci);
    }

    /**
     * Queues a one-TRB transfer and returns without waiting: its event goes to the host controller's sink (a
     * hub's status-change transfer, which completes whenever a port changes).
     */
    long queue(int dci, DmaBuffer buffer, int length) {
        long at = rings[dci].put(buffer.physAddress(), length, Trb.type(Trb.NORMAL) | Trb.ISP | Trb.IOC);
        hc.ring(slot, dci);
        return at;
    }

    /**
     * A transfer failed: if the endpoint halted (a stall or an error), reset it on the controller and move its
     * dequeue pointer past the failed TD, so the ring works again; a timeout stops the endpoint first.
     */
    private UsbException failed(int dci, int code, String what) {
        if (code == Trb.TRANSACTION_ERROR) {
            gone = gone || (hc.portsc(rootPort) & HostController.CCS) == 0;
        }
        if (code == 0) {
            hc.command(0, 0, Trb.type(Trb.STOP_ENDPOINT) | slot << 24 | dci << 16, TIMEOUT);
        } else {
            hc.command(0, 0, Trb.type(Trb.RESET_ENDPOINT) | slot << 24 | dci << 16, TIMEOUT);
        }
        hc.command(rings[dci].enqueuePointer(), 0, Trb.type(Trb.SET_TR_DEQUEUE) | slot << 24 | dci << 16, TIMEOUT);
        early.remove(dci);
        return new UsbException(code, what);
    }

    private void check() throws UsbException {
        if (gone) {
            throw new UsbException(Trb.TRANSACTION_ERROR, "the device at port " + where() + " is gone");
        }
    }
}
