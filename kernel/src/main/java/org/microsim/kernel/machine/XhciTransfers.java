package org.microsim.kernel.machine;

import static org.microsim.kernel.machine.XhciTrb.DATA_BUFFER_ERROR;
import static org.microsim.kernel.machine.XhciTrb.SHORT_PACKET;
import static org.microsim.kernel.machine.XhciTrb.STALL_ERROR;
import static org.microsim.kernel.machine.XhciTrb.SUCCESS;
import static org.microsim.kernel.machine.XhciTrb.TRANSACTION_ERROR;
import static org.microsim.kernel.machine.XhciTrb.TRB_ERROR;

import java.util.ArrayList;
import org.microsim.kernel.Timeline;
import java.util.List;

/**
 * Runs one Transfer Descriptor of an endpoint's transfer ring against its device (xHCI 4.10, 4.11.2).
 *
 * <pre>
 *   ring ─▶ TD: TRBs up to one without CH        control: Setup ─ [Data ...] ─ Status
 *   OUT: gather the TD's buffers ─▶ device.out    IN: device.in(total) ─▶ scatter into the buffers
 *   ACK ─▶ events for IOC TRBs, dequeue past the TD     short IN ─▶ Short Packet event (ISP/IOC), skip to the end
 *   NAK ─▶ the TD stays; the endpoint waits           STALL ─▶ Stall Error, endpoint Halted, dequeue on the TD
 *   device gone ─▶ USB Transaction Error, Halted      bad TRB or memory ─▶ TRB Error / Data Buffer Error, Halted
 * </pre>
 *
 * A TD moves as one transfer: the device sees one call with all its bytes, which is all a bulk-only stick or a
 * hub needs to know, and what lets 256 KiB go in one copy. Event Data TRBs in a TD produce events carrying their
 * parameter and the bytes moved so far (EDTLA) with ED set; Normal TRBs with IDT carry their OUT data inline.
 */
final class XhciTransfers {
    /** TRBs one TD may have before the ring is taken as broken. */
    static final int MAX_TRBS_PER_TD = 1024;

    /** What running a TD came to. */
    enum Outcome { DONE, EMPTY, WAITING, FAILED }

    /** An event to post for a TD: where it goes and what it says. */
    record Event(long parameter, int code, int residual, boolean eventData, int interrupter, boolean blockInterrupt) {
    }

    private final PhysicalMemory memory;
    private final Timeline timeline;
    private final long latency;
    private UsbCapture capture;
    private XhciSlot current;

    XhciTransfers(PhysicalMemory memory, Timeline timeline, long latency) {
        this.memory = memory;
        this.timeline = timeline;
        this.latency = latency;
    }

    /** Reports every transfer to {@code tap} from now on (--usb-pcap). */
    void capture(UsbCapture tap) {
        capture = tap;
    }

    /** Tells the capture about a finished transfer, when there is one. */
    private void tap(int endpoint, int type, UsbDevice.Setup setup, byte[] out, int asked, byte[] in, int status) {
        if (capture != null) {
            capture.transfer(timeline.now(), latency, current.address, endpoint, type, setup, out, asked, in, status);
        }
    }

    /**
     * Runs the TD at the endpoint's dequeue pointer; events go into {@code events}. On DONE the dequeue pointer
     * is past the TD; otherwise it stays on the TD's first TRB.
     */
    Outcome run(XhciSlot slot, XhciSlot.Endpoint ep, List<Event> events) {
        XhciRing ring = ep.ring;
        long startDequeue = ring.dequeue();
        boolean startCycle = ring.cycle();
        List<XhciTrb> td = new ArrayList<>();
        switch (collect(ring, td, ep.dci == 1)) {
            case XhciRing.Empty e -> {
                return Outcome.EMPTY;
            }
            case XhciRing.Broken b -> {
                ring.set(startDequeue, startCycle);
                events.add(new Event(b.address(), TRB_ERROR, 0, false, 0, false));
                return Outcome.FAILED;
            }
            case XhciRing.Ready r -> {
                // the TD is complete in td
            }
        }
        long afterTd = ring.dequeue();
        boolean afterCycle = ring.cycle();
        ring.set(startDequeue, startCycle);
        Outcome outcome;
        current = slot;
        if (slot.device == null) {
            tap(ep.dci == 1 ? 0 : ep.number() | (ep.in() ? 0x80 : 0), ep.dci == 1 ? UsbCapture.CONTROL : kind(ep),
                    null, new byte[0], 0, new byte[0], UsbCapture.PROTOCOL_ERROR);
            events.add(new Event(td.getFirst().address(), TRANSACTION_ERROR, 0, false, target(td.getFirst()), false));
            outcome = Outcome.FAILED;
        } else if (ep.dci == 1) {
            outcome = control(slot.device, td, events);
        } else {
            outcome = bulk(slot.device, ep, td, events);
        }
        if (outcome == Outcome.DONE) {
            ring.set(afterTd, afterCycle);
        }
        return outcome;
    }

    /**
     * Reads TRBs from the dequeue pointer to the end of a TD, leaving the pointer after it. On a control endpoint
     * the stages are TDs of their own that software does not chain (4.11.2.2): a transfer there runs from a Setup
     * TRB to its Status TRB.
     */
    private XhciRing.Next collect(XhciRing ring, List<XhciTrb> td, boolean control) {
        for (int n = 0; n < MAX_TRBS_PER_TD; n++) {
            XhciRing.Next next = ring.peek(memory);
            if (!(next instanceof XhciRing.Ready(XhciTrb trb))) {
                // A TD whose first TRBs are there but not its end is not the controller's yet.
                return next instanceof XhciRing.Broken ? next : new XhciRing.Empty();
            }
            td.add(trb);
            ring.advance();
            boolean more = control ? td.getFirst().type() == XhciTrb.SETUP && trb.type() != XhciTrb.STATUS
                    : trb.has(XhciTrb.CHAIN);
            if (!more) {
                return next;
            }
        }
        return new XhciRing.Broken(ring.dequeue());
    }

    private Outcome bulk(UsbDevice device, XhciSlot.Endpoint ep, List<XhciTrb> td, List<Event> events) {
        for (XhciTrb trb : td) {
            if (trb.type() != XhciTrb.NORMAL && trb.type() != XhciTrb.EVENT_DATA && trb.type() != XhciTrb.NO_OP) {
                events.add(new Event(trb.address(), TRB_ERROR, 0, false, target(trb), false));
                return Outcome.FAILED;
            }
        }
        int total = 0;
        for (XhciTrb trb : td) {
            total += trb.type() == XhciTrb.NORMAL ? trb.length() : 0;
        }
        if (!ep.in()) {
            byte[] data = new byte[total];
            int at = 0;
            for (XhciTrb trb : td) {
                if (trb.type() == XhciTrb.NORMAL) {
                    if (!gather(trb, data, at)) {
                        events.add(new Event(trb.address(), DATA_BUFFER_ERROR, trb.length(), false, target(trb), false));
                        return Outcome.FAILED;
                    }
                    at += trb.length();
                }
            }
            UsbDevice.Handshake handshake = device.out(ep.number(), data);
            if (handshake != UsbDevice.Handshake.NAK) {
                tap(ep.number(), kind(ep), null, data, total, new byte[0],
                        handshake == UsbDevice.Handshake.ACK ? 0 : UsbCapture.STALLED);
            }
            return switch (handshake) {
                case NAK -> Outcome.WAITING;
                case STALL -> stall(td.getFirst(), events);
                case ACK -> complete(td, events);
            };
        }
        UsbDevice.InPacket packet = device.in(ep.number(), total);
        if (packet.handshake() != UsbDevice.Handshake.NAK) {
            tap(0x80 | ep.number(), kind(ep), null, new byte[0], total, packet.data(),
                    packet.handshake() == UsbDevice.Handshake.ACK ? 0 : UsbCapture.STALLED);
        }
        return switch (packet.handshake()) {
            case NAK -> Outcome.WAITING;
            case STALL -> stall(td.getFirst(), events);
            case ACK -> scatter(td, packet.data(), events);
        };
    }

    private Outcome control(UsbDevice device, List<XhciTrb> td, List<Event> events) {
        XhciTrb setupTrb = td.getFirst();
        if (td.size() == 1 && setupTrb.type() == XhciTrb.NO_OP) {
            return complete(td, events); // a No-Op TRB is a TD of its own on any ring (6.4.1.4)
        }
        if (setupTrb.type() != XhciTrb.SETUP || !setupTrb.has(XhciTrb.IDT) || setupTrb.length() != 8
                || td.getLast().type() != XhciTrb.STATUS) {
            events.add(new Event(setupTrb.address(), TRB_ERROR, 0, false, target(setupTrb), false));
            return Outcome.FAILED;
        }
        UsbDevice.Setup setup = UsbDevice.Setup.of(setupTrb.parameter());
        List<XhciTrb> data = td.subList(1, td.size() - 1);
        int total = 0;
        for (XhciTrb trb : data) {
            if (trb.type() != XhciTrb.DATA && trb.type() != XhciTrb.NORMAL && trb.type() != XhciTrb.EVENT_DATA) {
                events.add(new Event(trb.address(), TRB_ERROR, 0, false, target(trb), false));
                return Outcome.FAILED;
            }
            total += trb.type() == XhciTrb.EVENT_DATA ? 0 : trb.length();
        }
        byte[] out = new byte[setup.in() ? 0 : total];
        if (!setup.in()) {
            int at = 0;
            for (XhciTrb trb : data) {
                if (trb.type() != XhciTrb.EVENT_DATA) {
                    if (!gather(trb, out, at)) {
                        events.add(new Event(trb.address(), DATA_BUFFER_ERROR, trb.length(), false, target(trb), false));
                        return Outcome.FAILED;
                    }
                    at += trb.length();
                }
            }
        }
        UsbDevice.ControlReply reply = device.control(setup, out);
        int endpoint = setup.in() ? 0x80 : 0;
        if (reply.handshake() != UsbDevice.Handshake.ACK) {
            tap(endpoint, UsbCapture.CONTROL, setup, out, setup.length(), new byte[0], UsbCapture.STALLED);
            return stall(data.isEmpty() ? td.getLast() : data.getFirst(), events);
        }
        tap(endpoint, UsbCapture.CONTROL, setup, out, setup.length(), setup.in() ? reply.dataIn() : new byte[0], 0);
        if (setupTrb.has(XhciTrb.IOC)) {
            events.add(new Event(setupTrb.address(), SUCCESS, 0, false, target(setupTrb), setupTrb.has(XhciTrb.BEI)));
        }
        if (setup.in() && !data.isEmpty()) {
            byte[] in = reply.dataIn().length > total ? java.util.Arrays.copyOf(reply.dataIn(), total) : reply.dataIn();
            if (scatter(data, in, events) == Outcome.FAILED) {
                return Outcome.FAILED;
            }
        } else if (!data.isEmpty()) {
            complete(data, events);
        }
        XhciTrb status = td.getLast();
        if (status.has(XhciTrb.IOC)) {
            events.add(new Event(status.address(), SUCCESS, 0, false, target(status), status.has(XhciTrb.BEI)));
        }
        return Outcome.DONE;
    }

    /**
     * All of an OUT TD's bytes went: an event for each TRB with IOC, and for Event Data TRBs with the bytes moved
     * since the last one (the Event Data Transfer Length Accumulator, cleared by each, 4.11.5.2).
     */
    private Outcome complete(List<XhciTrb> td, List<Event> events) {
        int moved = 0;
        for (XhciTrb trb : td) {
            if (trb.type() == XhciTrb.EVENT_DATA) {
                if (trb.has(XhciTrb.IOC)) {
                    events.add(new Event(trb.parameter(), SUCCESS, moved & 0xffffff, true, target(trb),
                            trb.has(XhciTrb.BEI)));
                }
                moved = 0;
                continue;
            }
            moved += trb.type() == XhciTrb.NORMAL || trb.type() == XhciTrb.DATA ? trb.length() : 0;
            if (trb.has(XhciTrb.IOC)) {
                events.add(new Event(trb.address(), SUCCESS, 0, false, target(trb), trb.has(XhciTrb.BEI)));
            }
        }
        return Outcome.DONE;
    }

    /**
     * Puts IN data into the TD's buffers in order. Where the data ends before the buffers do, the TD had a short
     * packet: the first TRB from there on that asks for an event (ISP on the TRB it ended in, IOC on any) gets one
     * Short Packet event with its residual, and the rest of the TD is skipped but for Event Data TRBs, which
     * report what came, as QEMU does; a TD reports its short packet once. For a control transfer the Status stage
     * follows all the same.
     */
    private Outcome scatter(List<XhciTrb> td, byte[] data, List<Event> events) {
        int at = 0;
        int accumulated = 0;
        boolean shortened = false;
        boolean reported = false;
        for (XhciTrb trb : td) {
            if (trb.type() == XhciTrb.EVENT_DATA) {
                if (trb.has(XhciTrb.IOC)) {
                    events.add(new Event(trb.parameter(), shortened ? SHORT_PACKET : SUCCESS, accumulated & 0xffffff,
                            true, target(trb), trb.has(XhciTrb.BEI)));
                }
                accumulated = 0;
                continue;
            }
            int length = trb.type() == XhciTrb.NO_OP ? 0 : trb.length();
            int n = shortened ? 0 : Math.min(length, data.length - at);
            if (n > 0 && !memory.write(trb.parameter(), data, at, n)) {
                events.add(new Event(trb.address(), DATA_BUFFER_ERROR, length, false, target(trb), false));
                return Outcome.FAILED;
            }
            at += n;
            accumulated += n;
            boolean shortHere = !shortened && n < length;
            shortened |= shortHere;
            if (shortened) {
                if (!reported && (trb.has(XhciTrb.IOC) || shortHere && trb.has(XhciTrb.ISP))) {
                    events.add(new Event(trb.address(), SHORT_PACKET, length - n, false, target(trb),
                            trb.has(XhciTrb.BEI)));
                    reported = true;
                }
            } else if (trb.has(XhciTrb.IOC)) {
                events.add(new Event(trb.address(), SUCCESS, 0, false, target(trb), trb.has(XhciTrb.BEI)));
            }
        }
        return Outcome.DONE;
    }

    /** usbmon's transfer type of an endpoint: interrupt (types 3 and 7) or bulk. */
    private static int kind(XhciSlot.Endpoint ep) {
        return ep.type == 3 || ep.type == 7 ? UsbCapture.INTERRUPT : UsbCapture.BULK;
    }

    private static Outcome stall(XhciTrb at, List<Event> events) {
        events.add(new Event(at.address(), STALL_ERROR, at.length(), false, target(at), false));
        return Outcome.FAILED;
    }

    /** Copies a TRB's OUT data (inline with IDT) into {@code into} at {@code at}; false if memory is not there. */
    private boolean gather(XhciTrb trb, byte[] into, int at) {
        if (trb.has(XhciTrb.IDT)) {
            int n = Math.min(8, trb.length());
            for (int i = 0; i < n; i++) {
                into[at + i] = (byte) (trb.parameter() >>> (8 * i));
            }
            return trb.length() <= 8;
        }
        return trb.length() == 0 || memory.read(trb.parameter(), into, at, trb.length());
    }

    private static int target(XhciTrb trb) {
        return trb.interrupterTarget();
    }
}
