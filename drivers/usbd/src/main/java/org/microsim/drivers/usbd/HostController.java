package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Handle;
import org.microsim.abi.Mmio;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;

/**
 * The xHCI controller as the driver reaches it (xHCI 1.2 chapter 5 and 4.2): its registers found from the
 * capability registers, the DCBAA, the command ring, interrupter 0's event ring, the doorbells, and the one way
 * the driver waits for the hardware.
 *
 * <pre>
 *   command(trb) ─▶ command ring, doorbell 0 ─┐
 *   transfer TRBs ─▶ endpoint ring, doorbell ─┼─▶ controller ─▶ event ring ─▶ IRQ message on the driver's port
 *                                             │                      │
 *   await(match) ◀── drain: the match ◀───────┴──────────────────────┘   other events ─▶ the sink (hot-plug)
 * </pre>
 *
 * <p>Waiting: {@link #await} drains the event ring and, until the event it wants is there, receives on the
 * interrupt port only, so block requests stay queued on their own ports until the driver is ready for them.
 * Events that belong to nobody waiting (a port status change, a hub's status-change transfer) go to the sink,
 * which the driver looks at when it is back in its loop. Every wait is bounded on the virtual clock.
 */
final class HostController {
    private static final int USBCMD = 0x00;
    private static final int USBSTS = 0x04;
    private static final int CRCR = 0x18;
    private static final int DCBAAP = 0x30;
    private static final int CONFIG = 0x38;
    private static final int PORTSC = 0x400;
    private static final int IMAN = 0x20;
    private static final int ERSTSZ = 0x28;
    private static final int ERSTBA = 0x30;
    private static final int ERDP = 0x38;
    private static final int RS = 1;
    private static final int HCRST = 1 << 1;
    private static final int INTE = 1 << 2;
    private static final int HCH = 1;
    private static final int CNR = 1 << 11;
    private static final int EHB = 1 << 3;
    static final int EVENT_TRBS = 256;
    private static final Duration RESET_LIMIT = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(1);

    // PORTSC (5.4.8).
    static final int CCS = 1;
    static final int PED = 1 << 1;
    static final int PR = 1 << 4;
    /** Warm Port Reset, on USB 3 ports only. */
    static final int WPR = 1 << 31;
    static final int PP = 1 << 9;
    static final int CSC = 1 << 17;
    static final int PEC = 1 << 18;
    static final int WRC = 1 << 19;
    static final int OCC = 1 << 20;
    static final int PRC = 1 << 21;
    static final int PLC = 1 << 22;
    static final int CEC = 1 << 23;
    static final int CHANGES = CSC | PEC | WRC | OCC | PRC | PLC | CEC;

    private final Sys sys;
    private final Mmio bar;
    private final Handle irq;
    private final int operational;
    private final int runtime;
    private final int doorbells;
    final int maxSlots;
    final int ports;
    /** Root ports of the USB 3 protocol, by number (from the Supported Protocol capabilities). */
    private final boolean[] usb3;
    private DmaBuffer dcbaa;
    private ProducerRing commands;
    private DmaBuffer events;
    private int eventIndex;
    private boolean eventCycle = true;
    private Consumer<Trb.Event> sink = e -> { };

    private HostController(Sys sys, Mmio bar, Handle irq) {
        this.sys = sys;
        this.bar = bar;
        this.irq = irq;
        operational = bar.read32(0) & 0xff;
        int hcs1 = bar.read32(0x04);
        maxSlots = Math.min(hcs1 & 0xff, 64);
        ports = Math.min(hcs1 >>> 24, 32);
        doorbells = bar.read32(0x14) & ~0x3;
        runtime = bar.read32(0x18) & ~0x1f;
        usb3 = new boolean[ports + 1];
        readProtocols(bar.read32(0x10) >>> 16);
    }

    /** The USB 3 ports, from the Supported Protocol capabilities (7.2) in the extended capability list. */
    private void readProtocols(int xecp) {
        int at = xecp * 4;
        for (int n = 0; at != 0 && at < bar.size() && n < 64; n++) {
            int header = bar.read32(at);
            if ((header & 0xff) == 2 && (header >>> 24) == 3) {
                int range = bar.read32(at + 8);
                for (int p = range & 0xff; p < (range & 0xff) + (range >>> 8 & 0xff) && p <= ports; p++) {
                    usb3[p] = true;
                }
            }
            int next = header >>> 8 & 0xff;
            at = next == 0 ? 0 : at + next * 4;
        }
    }

    /**
     * Resets the controller and sets it running: HCRST (bounded wait), MaxSlotsEn, DCBAA, command ring, one
     * event ring segment on interrupter 0 with interrupts on, RS.
     *
     * @return the controller, or null when it did not come out of reset (the reason is logged)
     */
    static HostController start(Sys sys, Mmio bar, Handle irq) {
        HostController hc = new HostController(sys, bar, irq);
        return hc.reset() ? hc : null;
    }

    private boolean reset() {
        op(USBCMD, 0);
        if (!waitFor(() -> (op(USBSTS) & HCH) != 0)) {
            sys.log("usbd: the controller did not halt");
            return false;
        }
        op(USBCMD, HCRST);
        if (!waitFor(() -> (op(USBCMD) & HCRST) == 0 && (op(USBSTS) & CNR) == 0)) {
            sys.log("usbd: the controller did not finish its reset");
            return false;
        }
        dcbaa = sys.allocDma(8 * (maxSlots + 1)).orThrow();
        commands = new ProducerRing(sys.allocDma(ProducerRing.BYTES).orThrow());
        events = sys.allocDma(EVENT_TRBS * Trb.SIZE).orThrow();
        DmaBuffer erst = sys.allocDma(64).orThrow();
        erst.putLong(0, events.physAddress());
        erst.putInt(8, EVENT_TRBS);
        op(CONFIG, maxSlots);
        bar.write64(operational + DCBAAP, dcbaa.physAddress());
        bar.write64(operational + CRCR, commands.pointer());
        bar.write32(runtime + ERSTSZ, 1);
        bar.write64(runtime + ERDP, events.physAddress());
        bar.write64(runtime + ERSTBA, erst.physAddress());
        bar.write32(runtime + IMAN, 0x3);
        op(USBCMD, RS | INTE);
        return waitFor(() -> (op(USBSTS) & HCH) == 0);
    }

    private boolean waitFor(java.util.function.BooleanSupplier done) {
        long end = sys.now() + RESET_LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (sys.now() >= end || !sys.sleep(POLL).isOk()) {
                return false;
            }
        }
        return true;
    }

    private int op(int offset) {
        return bar.read32(operational + offset);
    }

    private void op(int offset, int value) {
        bar.write32(operational + offset, value);
    }

    /** Where events nobody waits for go. */
    void sink(Consumer<Trb.Event> newSink) {
        sink = newSink;
    }

    boolean usb3(int port) {
        return port >= 1 && port <= ports && usb3[port];
    }

    int portsc(int port) {
        return op(PORTSC + 0x10 * (port - 1));
    }

    /**
     * Writes PORTSC with {@code set} (PR, or change bits to clear), keeping power and never writing 1 to PED or to
     * a change bit not meant (both are write-1-to-act).
     */
    void portsc(int port, int set) {
        int keep = portsc(port) & PP;
        op(PORTSC + 0x10 * (port - 1), keep | set);
    }

    /** Points DCBAA[slot] at an output device context (0 to clear it). */
    void deviceContext(int slot, long address) {
        dcbaa.putLong(8 * slot, address);
    }

    void ring(int slot, int target) {
        bar.write32(doorbells + 4L * slot, target);
    }

    /** Queues a command and waits for its completion; null if none came in time. */
    Trb.Event command(long parameter, int status, int control, Duration timeout) {
        long at = commands.put(parameter, status, control);
        ring(0, 0);
        return await(e -> e.type() == Trb.COMMAND_COMPLETION && e.parameter() == at, timeout);
    }

    /**
     * Waits until an event {@code match} takes arrives, handing every other event to the sink; null when none
     * came within {@code timeout} of virtual time.
     */
    Trb.Event await(Predicate<Trb.Event> match, Duration timeout) {
        long end = sys.now() + timeout.toNanos();
        while (true) {
            Trb.Event found = drain(match);
            if (found != null) {
                return found;
            }
            long left = end - sys.now();
            if (left <= 0) {
                return null;
            }
            Result<?> r = sys.receive(Duration.ofNanos(left), irq);
            if (!r.isOk() && r.code() != org.microsim.abi.ErrorCode.TIMED_OUT) {
                return null;
            }
        }
    }

    /** Takes every event there is: the first {@code match} takes is returned, the rest go to the sink. */
    Trb.Event drain(Predicate<Trb.Event> match) {
        bar.write32(runtime + IMAN, 0x3); // IP is write-1-to-clear; IE stays on
        Trb.Event found = null;
        boolean any = false;
        while (true) {
            int at = eventIndex * Trb.SIZE;
            int control = events.getInt(at + 12);
            if (((control & Trb.CYCLE) != 0) != eventCycle) {
                break;
            }
            Trb.Event e = new Trb.Event(events.getLong(at), events.getInt(at + 8), control);
            any = true;
            if (++eventIndex == EVENT_TRBS) {
                eventIndex = 0;
                eventCycle = !eventCycle;
            }
            if (found == null && match.test(e)) {
                found = e;
            } else {
                sink.accept(e);
            }
        }
        if (any) {
            bar.write64(runtime + ERDP, events.physAddress() + (long) eventIndex * Trb.SIZE | EHB);
        }
        return found;
    }
}
