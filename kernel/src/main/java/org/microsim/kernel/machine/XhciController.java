package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.microsim.abi.Mmio;
import org.microsim.kernel.InterruptLine;
import org.microsim.kernel.Timeline;

/**
 * An xHCI 1.2 host controller with the identity of QEMU's {@code qemu-xhci} (1b36:000d), the one a driver
 * written from the specification meets: four USB 2 root ports (1-4) and four USB 3 ones (5-8), 64 device slots,
 * four interrupters, 64-bit addressing, 32-byte contexts, no scratchpad.
 *
 * <pre>
 *  BAR 0   0x0000 capability registers (CAPLENGTH 0x40, HCIVERSION 1.0, HCSPARAMS, HCCPARAMS, DBOFF, RTSOFF)
 *          0x0020 extended capabilities: Supported Protocol "USB " 2.0 for ports 1-4, 3.0 for ports 5-8
 *          0x0040 operational: USBCMD, USBSTS, PAGESIZE, DNCTRL, CRCR, DCBAAP, CONFIG; PORTSC at 0x440 + 0x10(n-1)
 *          0x1000 runtime: MFINDEX, interrupters at 0x1020 + 0x20 i (IMAN, IMOD, ERSTSZ, ERSTBA, ERDP)
 *          0x2000 doorbells: 0 rings the command ring, n the endpoint (DCI) of slot n
 *
 *  doorbell 0 ─▶ command ring ─▶ XhciCommands ─▶ slot/endpoint state, output contexts ─┐
 *  doorbell n ─▶ transfer ring ─▶ XhciTransfers ─▶ UsbDevice (stick, hub ─▶ devices)   ├─▶ event ring ─▶ interrupt
 *  attach/detach, port reset ─▶ XhciPort (PORTSC) ──────────────────────────────────────┘
 * </pre>
 *
 * <p>Time: a doorbell does not run anything at once. Each command, each TD and each port reset completes
 * {@code latency} of virtual time after it was started, through the {@link Timeline}, as the AHCI model's
 * commands do; one doorbell runs at most {@link #RUNS_PER_DOORBELL} of them on its ring; a run
 * scheduled before a reset, a stop or an unplug carries an epoch and does nothing. A TD the device NAKs stays at
 * the head of its ring and is tried again after each transfer to the same device and whenever the device wakes
 * the controller (a hub port changed): that is how the stick's bulk-in waits for its CBW and a hub's
 * status-change endpoint for a change.
 *
 * <p>Threads: driver threads write registers, timeline callbacks run commands and TDs, and the machine plugs
 * devices in and out; all take this controller's lock, and interrupts and scheduling happen after it is released
 * ({@link Effects}). Device models are only ever called with the lock held.
 */
final class XhciController {
    /** Red Hat's PCI vendor id, as QEMU's xHCI has it. */
    public static final int VENDOR_ID = 0x1b36;
    /** QEMU's {@code qemu-xhci}. */
    public static final int DEVICE_ID = 0x000d;
    public static final int REVISION = 0x01;
    /** lspci's name for it. */
    public static final String DEVICE_NAME = "Red Hat, Inc. QEMU XHCI Host Controller";
    public static final int BAR0_INDEX = 0;
    public static final long BAR0_SIZE = 0x4000;
    /** Root ports 1-4 are USB 2: a device there needs a port reset before it can be addressed. */
    public static final int USB2_PORTS = 4;
    /** Root ports 5-8 are USB 3: a SuperSpeed device comes up enabled. */
    public static final int USB3_PORTS = 4;
    static final int MAX_SLOTS = 64;
    static final int INTERRUPTERS = 4;
    /**
     * Commands, or TDs of one endpoint, run for one doorbell before the ring waits for the next: a guest ring
     * that loops through Link TRBs over TRBs it owns would otherwise keep the controller busy for ever.
     */
    static final int RUNS_PER_DOORBELL = 4096;

    static final int CAPLENGTH = 0x40;
    static final int HCIVERSION = 0x0100;
    static final int RUNTIME = 0x1000;
    static final int DOORBELLS = 0x2000;
    static final int EXTENDED_CAPS = 0x20;
    // Operational registers, from CAPLENGTH.
    static final int USBCMD = CAPLENGTH;
    static final int USBSTS = CAPLENGTH + 0x04;
    static final int PAGESIZE = CAPLENGTH + 0x08;
    static final int DNCTRL = CAPLENGTH + 0x14;
    static final int CRCR_LO = CAPLENGTH + 0x18;
    static final int CRCR_HI = CAPLENGTH + 0x1c;
    static final int DCBAAP_LO = CAPLENGTH + 0x30;
    static final int DCBAAP_HI = CAPLENGTH + 0x34;
    static final int CONFIG = CAPLENGTH + 0x38;
    static final int PORTSC = CAPLENGTH + 0x400;

    static final int CMD_RS = 1;
    static final int CMD_HCRST = 1 << 1;
    static final int CMD_INTE = 1 << 2;
    static final int CMD_HSEE = 1 << 3;
    static final int STS_HCH = 1;
    static final int STS_HSE = 1 << 2;
    static final int STS_EINT = 1 << 3;
    static final int STS_PCD = 1 << 4;
    static final int CRCR_RCS = 1;
    static final int CRCR_CS = 1 << 1;
    static final int CRCR_CA = 1 << 2;
    static final int CRCR_CRR = 1 << 3;

    /** Where a device is plugged in: root port then hub ports, the device, its slot (0 before addressing). */
    record Attached(List<Integer> path, UsbDevice device, int slot, boolean enabled) {
    }

    private final PhysicalMemory memory;
    private final Timeline timeline;
    private final InterruptLine interrupt;
    private final long latency;
    private final Mmio mmio = new MmioWindow(BAR0_SIZE, this::read, this::write);
    private final XhciPort[] ports = new XhciPort[USB2_PORTS + USB3_PORTS];
    private final XhciInterrupter[] interrupters = new XhciInterrupter[INTERRUPTERS];
    private final XhciSlot[] slots = new XhciSlot[MAX_SLOTS + 1];
    private final XhciCommands commands;
    private final XhciTransfers transfers;
    private Effects fx;

    private int usbcmd;
    private int usbsts = STS_HCH;
    private int dnctrl;
    private int config;
    private long dcbaap;
    private long crcrPointer;
    private boolean crcrCycle;
    private XhciRing commandRing;
    private boolean commandsScheduled;
    private int commandBudget;
    /** Bumped by a controller reset: every run scheduled before it does nothing. */
    private long epoch;

    /** @param latency virtual nanoseconds each command and each TD takes, at least 1 */
    XhciController(PhysicalMemory memory, Timeline timeline, InterruptLine interrupt, long latency) {
        if (latency < 1) {
            throw new IllegalArgumentException("transfer latency must be at least 1 ns");
        }
        this.memory = memory;
        this.timeline = timeline;
        this.interrupt = interrupt;
        this.latency = latency;
        for (int i = 0; i < ports.length; i++) {
            ports[i] = new XhciPort(i + 1, i >= USB2_PORTS);
        }
        for (int i = 0; i < INTERRUPTERS; i++) {
            interrupters[i] = new XhciInterrupter(memory);
        }
        this.commands = new XhciCommands(this, memory);
        this.transfers = new XhciTransfers(memory, timeline, latency);
    }

    /** The BAR 0 register window. */
    Mmio mmio() {
        return mmio;
    }

    /** Makes a stick misbehave once, under the controller's lock like every call into a device. */
    synchronized void inject(UsbStick stick, UsbFault fault) {
        stick.inject(fault);
    }

    /** Reports every transfer to a capture from now on ({@code --usb-pcap}). */
    synchronized void capture(UsbCapture capture) {
        transfers.capture(capture);
    }

    // ------------------------------------------------------------------ registers

    private int read(int offset) {
        synchronized (this) {
            if (offset < CAPLENGTH) {
                return capability(offset);
            }
            if (offset >= PORTSC && offset < PORTSC + 0x10 * ports.length) {
                return (offset - PORTSC) % 0x10 == 0 ? ports[(offset - PORTSC) / 0x10].read() : 0;
            }
            if (offset >= RUNTIME && offset < DOORBELLS) {
                return runtime(offset - RUNTIME);
            }
            return switch (offset) {
                case USBCMD -> usbcmd;
                case USBSTS -> usbsts;
                case PAGESIZE -> 1; // 4 KiB pages
                case DNCTRL -> dnctrl;
                case CRCR_LO -> commandRing != null ? CRCR_CRR : 0; // only CRR reads back (5.4.5)
                case CONFIG -> config;
                case DCBAAP_LO -> (int) dcbaap;
                case DCBAAP_HI -> (int) (dcbaap >>> 32);
                default -> 0;
            };
        }
    }

    private static int capability(int offset) {
        return switch (offset) {
            case 0x00 -> CAPLENGTH | HCIVERSION << 16;
            case 0x04 -> MAX_SLOTS | INTERRUPTERS << 8 | (USB2_PORTS + USB3_PORTS) << 24; // HCSPARAMS1
            case 0x08 -> 4 << 4; // HCSPARAMS2: ERST Max 2^4, no scratchpad buffers, IST 0
            case 0x10 -> 1 | (EXTENDED_CAPS / 4) << 16; // HCCPARAMS1: AC64, CSZ 0, PPC 0, xECP
            case 0x14 -> DOORBELLS;
            case 0x18 -> RUNTIME;
            // Supported Protocol capabilities (7.2): ID 2, next 4 dwords on; "USB "; first port and count.
            case EXTENDED_CAPS -> 2 | 4 << 8 | 0x0200 << 16;
            case EXTENDED_CAPS + 0x04, EXTENDED_CAPS + 0x14 -> 0x20425355;
            case EXTENDED_CAPS + 0x08 -> 1 | USB2_PORTS << 8;
            case EXTENDED_CAPS + 0x10 -> 2 | 0x0300 << 16;
            case EXTENDED_CAPS + 0x18 -> (USB2_PORTS + 1) | USB3_PORTS << 8;
            default -> 0;
        };
    }

    private int runtime(int offset) {
        if (offset == 0) {
            return (int) (timeline.now() / 125_000) & 0x3fff; // MFINDEX counts 125 us microframes
        }
        int index = (offset - 0x20) / 0x20;
        return offset >= 0x20 && index < INTERRUPTERS ? interrupters[index].read((offset - 0x20) % 0x20) : 0;
    }

    private void write(int offset, int value) {
        locked(fx -> {
            if (offset >= PORTSC && offset < PORTSC + 0x10 * ports.length) {
                if ((offset - PORTSC) % 0x10 == 0) {
                    XhciPort port = ports[(offset - PORTSC) / 0x10];
                    boolean wasResetting = port.resetting();
                    portChanged(port, port.write(value));
                    if (!wasResetting && port.resetting()) {
                        long at = port.epoch();
                        later(() -> {
                            if (port.epoch() == at) {
                                portChanged(port, port.finishReset());
                            }
                        });
                    }
                }
            } else if (offset >= RUNTIME + 0x20 && offset < RUNTIME + 0x20 + 0x20 * INTERRUPTERS) {
                if (interrupters[(offset - RUNTIME - 0x20) / 0x20].write((offset - RUNTIME) % 0x20, value)
                        && (usbcmd & CMD_INTE) != 0) {
                    fx.add(interrupt::raise);
                }
            } else if (offset >= DOORBELLS && offset < DOORBELLS + 4 * (MAX_SLOTS + 1)) {
                doorbell((offset - DOORBELLS) / 4, value & 0xff);
            } else {
                operational(offset, value);
            }
        });
    }

    private void operational(int offset, int value) {
        switch (offset) {
            case USBCMD -> command(value);
            case USBSTS -> usbsts &= ~(value & (STS_HSE | STS_EINT | STS_PCD));
            case DNCTRL -> dnctrl = value & 0xffff;
            case CRCR_LO -> commandRingControl(value);
            case CRCR_HI -> {
                if (commandRing == null) {
                    crcrPointer = crcrPointer & 0xffffffffL | (long) value << 32;
                }
            }
            case DCBAAP_LO -> dcbaap = dcbaap & 0xffffffff00000000L | (value & 0xffffffc0L);
            case DCBAAP_HI -> dcbaap = dcbaap & 0xffffffffL | (long) value << 32;
            case CONFIG -> config = Math.min(value & 0xff, MAX_SLOTS) | value & 0x300;
            default -> {
            }
        }
    }

    private void command(int value) {
        if ((value & CMD_HCRST) != 0) {
            reset();
            return;
        }
        boolean wasRunning = (usbcmd & CMD_RS) != 0;
        usbcmd = value & (CMD_RS | CMD_INTE | CMD_HSEE);
        usbsts = (usbcmd & CMD_RS) != 0 ? usbsts & ~STS_HCH : usbsts | STS_HCH;
        if (!wasRunning && (usbcmd & CMD_RS) != 0) {
            // Running again: endpoints that were waiting go on, and a pending interrupt is signalled.
            for (XhciSlot slot : slots) {
                if (slot != null) {
                    for (XhciSlot.Endpoint ep : slot.endpoints) {
                        if (ep != null && ep.state == XhciSlot.EP_RUNNING) {
                            ep.budget = RUNS_PER_DOORBELL;
                            kick(slot, ep);
                        }
                    }
                }
            }
        }
    }

    /** HCRST: every register, slot and ring to its reset state; what is plugged in stays plugged in. */
    private void reset() {
        epoch++;
        usbcmd = 0;
        usbsts = STS_HCH;
        dnctrl = 0;
        config = 0;
        dcbaap = 0;
        crcrPointer = 0;
        crcrCycle = false;
        commandRing = null;
        commandsScheduled = false;
        for (XhciInterrupter i : interrupters) {
            i.reset();
        }
        for (int i = 1; i < slots.length; i++) {
            if (slots[i] != null) {
                slots[i].disableEndpoints(1);
                slots[i] = null;
            }
        }
        for (XhciPort port : ports) {
            port.controllerReset();
        }
    }

    private void commandRingControl(int value) {
        if (commandRing == null) {
            crcrPointer = crcrPointer & 0xffffffff00000000L | (value & 0xffffffc0L);
            crcrCycle = (value & CRCR_RCS) != 0;
            return;
        }
        if ((value & (CRCR_CS | CRCR_CA)) != 0) {
            // Stop or abort: nothing runs for long here, so both stop at once, with a Command Ring Stopped event
            // that points where the ring will go on from.
            long at = commandRing.dequeue();
            crcrPointer = at;
            crcrCycle = commandRing.cycle();
            commandRing = null;
            commandsScheduled = false;
            epoch++;
            post(0, at, XhciTrb.COMMAND_RING_STOPPED << 24, XhciTrb.COMMAND_COMPLETION_EVENT << 10, false);
        }
    }

    private void doorbell(int target, int dci) {
        if ((usbcmd & CMD_RS) == 0) {
            return;
        }
        if (target == 0) {
            if (dci == 0) {
                if (commandRing == null) {
                    commandRing = new XhciRing(crcrPointer, crcrCycle);
                }
                commandBudget = RUNS_PER_DOORBELL;
                scheduleCommands();
            }
            return;
        }
        XhciSlot slot = slot(target);
        XhciSlot.Endpoint ep = slot == null ? null : slot.endpoint(dci);
        if (ep == null) {
            return;
        }
        if (ep.state == XhciSlot.EP_STOPPED) {
            ep.state = XhciSlot.EP_RUNNING; // a doorbell restarts a stopped endpoint (4.6.9)
            slot.writeEndpointState(memory, ep);
        }
        if (ep.state == XhciSlot.EP_RUNNING) {
            ep.budget = RUNS_PER_DOORBELL;
            kick(slot, ep);
        }
    }

    // ------------------------------------------------------------------ command ring

    private void scheduleCommands() {
        if (commandsScheduled) {
            return;
        }
        commandsScheduled = true;
        long at = epoch;
        later(() -> {
            if (at == epoch) {
                commandsScheduled = false;
                runCommand();
            }
        });
    }

    private void runCommand() {
        if (commandRing == null || (usbcmd & CMD_RS) == 0) {
            return;
        }
        switch (commandRing.peek(memory)) {
            case XhciRing.Empty e -> {
            }
            case XhciRing.Broken b -> {
                commandRing = null; // the ring points nowhere: stop it, as a host system error would
                usbsts |= STS_HSE;
                post(0, b.address(), XhciTrb.TRB_ERROR << 24, XhciTrb.COMMAND_COMPLETION_EVENT << 10, false);
            }
            case XhciRing.Ready(XhciTrb trb) -> {
                commandRing.advance();
                XhciCommands.Completion done = commands.run(trb);
                post(0, trb.address(), done.code() << 24,
                        done.slot() << 24 | XhciTrb.COMMAND_COMPLETION_EVENT << 10, false);
                if (--commandBudget > 0) {
                    scheduleCommands();
                }
            }
        }
    }

    XhciSlot slot(int id) {
        return id >= 1 && id <= (config & 0xff) && id < slots.length ? slots[id] : null;
    }

    /** Enable Slot: the lowest free slot up to CONFIG.MaxSlotsEn, or null. */
    XhciSlot newSlot() {
        for (int id = 1; id <= (config & 0xff); id++) {
            if (slots[id] == null) {
                slots[id] = new XhciSlot(id);
                return slots[id];
            }
        }
        return null;
    }

    void disableSlot(XhciSlot slot) {
        for (XhciSlot.Endpoint ep : slot.endpoints) {
            if (ep != null) {
                stopRuns(ep);
            }
        }
        slot.disableEndpoints(1);
        slots[slot.id] = null;
    }

    /** DCBAA[slot]: where software put the slot's output device context, or 0. */
    long deviceContextAddress(int slot) {
        byte[] entry = new byte[8];
        return dcbaap != 0 && memory.read(dcbaap + 8L * slot, entry, 0, 8) ? Bytes.le64(entry, 0) & ~0x3fL : 0;
    }

    /** The device at a root port and route string, if every port on the way is enabled. */
    UsbDevice route(int rootPort, int routeString) {
        if (rootPort < 1 || rootPort > ports.length) {
            return null;
        }
        UsbDevice device = ports[rootPort - 1].enabledDevice();
        for (int tier = 0; tier < 5 && device != null; tier++) {
            int port = routeString >>> (4 * tier) & 0xf;
            if (port == 0) {
                return (routeString >>> (4 * tier)) == 0 ? device : null;
            }
            device = device instanceof UsbDevice.Hub hub ? hub.routed(port) : null;
        }
        return device;
    }

    // ------------------------------------------------------------------ transfers

    /** Schedules a run of the endpoint's ring, once. */
    private void kick(XhciSlot slot, XhciSlot.Endpoint ep) {
        if (ep.kicked) {
            return;
        }
        ep.kicked = true;
        long at = ep.epoch;
        later(() -> {
            if (ep.epoch == at && slots[slot.id] == slot) {
                ep.kicked = false;
                runEndpoint(slot, ep);
            }
        });
    }

    /** Cancels scheduled runs of an endpoint (a stop, a reset, a disable). */
    void stopRuns(XhciSlot.Endpoint ep) {
        ep.epoch++;
        ep.kicked = false;
    }

    private void runEndpoint(XhciSlot slot, XhciSlot.Endpoint ep) {
        if (ep.state != XhciSlot.EP_RUNNING || (usbcmd & CMD_RS) == 0) {
            return;
        }
        List<XhciTransfers.Event> events = new ArrayList<>();
        XhciTransfers.Outcome outcome = transfers.run(slot, ep, events);
        ep.nakked = outcome == XhciTransfers.Outcome.WAITING;
        for (XhciTransfers.Event e : events) {
            post(e.interrupter(), e.parameter(), e.code() << 24 | e.residual(),
                    slot.id << 24 | ep.dci << 16 | XhciTrb.TRANSFER_EVENT << 10
                            | (e.eventData() ? XhciTrb.EVENT_DATA_FLAG : 0), e.blockInterrupt());
        }
        switch (outcome) {
            case DONE -> {
                if (--ep.budget > 0) {
                    kick(slot, ep); // the next TD, if there is one
                }
                retryWaiting(slot.device);
            }
            case FAILED -> {
                ep.state = XhciSlot.EP_HALTED;
                stopRuns(ep);
                slot.writeEndpointState(memory, ep);
            }
            case EMPTY, WAITING -> {
            }
        }
    }

    /** After a transfer to a device, or when it wakes, its endpoints that were NAKed try again. */
    private void retryWaiting(UsbDevice device) {
        if (device == null) {
            return;
        }
        for (XhciSlot slot : slots) {
            if (slot != null && slot.device == device) {
                for (XhciSlot.Endpoint ep : slot.endpoints) {
                    if (ep != null && ep.nakked && ep.state == XhciSlot.EP_RUNNING) {
                        kick(slot, ep);
                    }
                }
            }
        }
    }

    /**
     * Stop Endpoint: the endpoint stops where it is; a TD it was waiting on (NAKed) was in progress, which the
     * spec reports as a Transfer Event with Stopped - Length Invalid for that TRB (4.6.9).
     */
    void stopEndpoint(XhciSlot slot, XhciSlot.Endpoint ep) {
        if (ep.nakked) {
            post(0, ep.ring.dequeue(), XhciTrb.STOPPED_LENGTH_INVALID << 24,
                    slot.id << 24 | ep.dci << 16 | XhciTrb.TRANSFER_EVENT << 10, false);
        }
        stopRuns(ep);
        ep.nakked = false;
        ep.state = XhciSlot.EP_STOPPED;
        slot.writeEndpointState(memory, ep);
    }

    // ------------------------------------------------------------------ events and effects

    private void post(int interrupterIndex, long parameter, int status, int control, boolean blockInterrupt) {
        XhciInterrupter target = interrupters[interrupterIndex < INTERRUPTERS ? interrupterIndex : 0];
        boolean signal = target.post(parameter, status, control, blockInterrupt);
        if (!blockInterrupt) {
            usbsts |= STS_EINT;
        }
        if (signal && (usbcmd & CMD_INTE) != 0) {
            fx.add(interrupt::raise);
        }
    }

    private void portChanged(XhciPort port, int newChanges) {
        if (newChanges != 0) {
            usbsts |= STS_PCD;
            if ((usbcmd & CMD_RS) != 0) {
                post(0, (long) port.number << 24, XhciTrb.SUCCESS << 24, XhciTrb.PORT_STATUS_CHANGE_EVENT << 10,
                        false);
            }
        }
    }

    /** Runs {@code action} with the lock held after {@code latency} of virtual time. */
    private void later(Runnable action) {
        fx.add(() -> timeline.schedule(timeline.now() + latency, () -> locked(f -> action.run())));
    }

    private void locked(Consumer<Effects> body) {
        Effects effects = new Effects();
        synchronized (this) {
            Effects outer = fx;
            fx = effects;
            try {
                body.accept(effects);
            } finally {
                fx = outer;
            }
        }
        effects.run();
    }

    // ------------------------------------------------------------------ plugging devices in and out

    /**
     * Plugs a device in at {@code path}: a root port, or a port of a hub already plugged in on the way.
     *
     * @return null when done, else why not
     */
    String attach(List<Integer> path, UsbDevice device) {
        String[] refused = {null};
        locked(fx -> refused[0] = plugIn(path, device));
        return refused[0];
    }

    private String plugIn(List<Integer> path, UsbDevice device) {
        if (path.isEmpty() || path.getFirst() < 1 || path.getFirst() > ports.length) {
            return "no port " + (path.isEmpty() ? "given" : path.getFirst()) + " (root ports are 1-" + ports.length
                    + ")";
        }
        if (path.size() == 1) {
            XhciPort port = ports[path.getFirst() - 1];
            if (port.device() != null) {
                return "port " + port.number + " is in use";
            }
            boolean superSpeed = device.speed() == UsbDevice.Speed.SUPER;
            if (superSpeed != port.usb3) {
                return superSpeed ? "a SuperSpeed device needs a USB 3 port (" + (USB2_PORTS + 1) + "-"
                        + ports.length + ")" : "a " + device.speed().name().toLowerCase(java.util.Locale.ROOT)
                        + "-speed device needs a USB 2 port (1-" + USB2_PORTS + ")";
            }
            device.onWake(() -> wake(device));
            portChanged(port, port.attach(device));
            return null;
        }
        UsbDevice parent = deviceAt(path.subList(0, path.size() - 1));
        if (!(parent instanceof UsbDevice.Hub hub)) {
            return "no hub at " + join(path.subList(0, path.size() - 1));
        }
        int port = path.getLast();
        if (port < 1 || port > hub.portCount()) {
            return "the hub at " + join(path.subList(0, path.size() - 1)) + " has ports 1-" + hub.portCount();
        }
        if (hub.connected(port) != null) {
            return "port " + join(path) + " is in use";
        }
        device.onWake(() -> wake(device));
        hub.connect(port, device);
        return null;
    }

    /** Unplugs the device at {@code path} (with whatever is behind it); returns it, or null if there is none. */
    UsbDevice detach(List<Integer> path) {
        UsbDevice[] gone = {null};
        locked(fx -> {
            UsbDevice device = deviceAt(path);
            if (device == null) {
                return;
            }
            List<UsbDevice> unplugged = new ArrayList<>();
            collect(device, unplugged);
            if (path.size() == 1) {
                XhciPort port = ports[path.getFirst() - 1];
                portChanged(port, port.detach());
            } else if (deviceAt(path.subList(0, path.size() - 1)) instanceof UsbDevice.Hub hub) {
                hub.disconnect(path.getLast());
            }
            for (XhciSlot slot : slots) {
                if (slot != null && slot.device != null && unplugged.contains(slot.device)) {
                    slot.device = null; // its transfers now fail with USB Transaction Error
                    for (XhciSlot.Endpoint ep : slot.endpoints) {
                        if (ep != null && ep.nakked) {
                            kick(slot, ep);
                        }
                    }
                }
            }
            gone[0] = device;
        });
        return gone[0];
    }

    private static void collect(UsbDevice device, List<UsbDevice> into) {
        into.add(device);
        if (device instanceof UsbDevice.Hub hub) {
            for (int p = 1; p <= hub.portCount(); p++) {
                if (hub.connected(p) != null) {
                    collect(hub.connected(p), into);
                }
            }
        }
    }

    /** What is plugged in, depth first, with the slot each device was addressed in. */
    synchronized List<Attached> topology() {
        List<Attached> all = new ArrayList<>();
        for (XhciPort port : ports) {
            if (port.device() != null) {
                walk(List.of(port.number), port.device(), port.enabledDevice() != null, all);
            }
        }
        return all;
    }

    private void walk(List<Integer> path, UsbDevice device, boolean enabled, List<Attached> into) {
        int slot = 0;
        for (XhciSlot s : slots) {
            if (s != null && s.device == device) {
                slot = s.id;
            }
        }
        into.add(new Attached(path, device, slot, enabled));
        if (device instanceof UsbDevice.Hub hub) {
            for (int p = 1; p <= hub.portCount(); p++) {
                UsbDevice child = hub.connected(p);
                if (child != null) {
                    List<Integer> childPath = new ArrayList<>(path);
                    childPath.add(p);
                    walk(List.copyOf(childPath), child, hub.routed(p) != null, into);
                }
            }
        }
    }

    private UsbDevice deviceAt(List<Integer> path) {
        if (path.isEmpty() || path.getFirst() < 1 || path.getFirst() > ports.length) {
            return null;
        }
        UsbDevice device = ports[path.getFirst() - 1].device();
        for (int i = 1; i < path.size() && device != null; i++) {
            int port = path.get(i);
            device = device instanceof UsbDevice.Hub hub && port >= 1 && port <= hub.portCount()
                    ? hub.connected(port) : null;
        }
        return device;
    }

    /** A device says an endpoint that NAKed may answer now. Runs with the lock held, inside a call into it. */
    private void wake(UsbDevice device) {
        if (fx != null) {
            retryWaiting(device);
        }
    }

    private static String join(List<Integer> path) {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }
}
