package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import org.microsim.kernel.Timeline;
import java.util.List;
import org.microsim.abi.Mmio;

/**
 * An AHCI 1.3.1 host bus adapter, with the identity of Intel's ICH9 SATA controller (8086:2922, ABAR in
 * BAR5), as QEMU's q35 machine has it.
 *
 * <p>The generic host control registers: CAP (6 ports, 32 command slots, 64-bit addressing, AHCI-only,
 * gen 2 speed, command list override), GHC (HR resets the HBA and reads back 0 at once, IE gates the
 * interrupt, AE is always set), IS (one pending bit per port, write 1 to clear), PI, VS 1.3.1, CAP2.
 * Port registers start at 0x100, 0x80 bytes per port; see {@link AhciPort} for them and for how commands run.
 *
 * <p>Interrupts: when a port sets a PxIS bit that its PxIE enables, the port's IS bit is set and, if GHC.IE
 * is set, the interrupt line is raised: once per event, as MSI would signal it, so a driver that clears
 * PxIS then IS and then reads PxCI never misses a completion. Clearing an IS bit while the port still has an
 * enabled status bit sets it again and raises again, as a level-triggered line would stay asserted.
 *
 * <p>Threads: driver threads write registers while timeline callbacks complete commands; both take this
 * controller's lock, and interrupts and scheduling happen after it is released ({@link Effects}).
 */
final class AhciController {
    /** Intel. */
    public static final int VENDOR_ID = 0x8086;
    /** ICH9 AHCI (82801IR). */
    public static final int DEVICE_ID = 0x2922;
    /** The ICH9 revision QEMU reports. */
    public static final int REVISION = 0x02;
    /** lspci's name for it. */
    public static final String DEVICE_NAME =
            "Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]";
    /** The BAR holding the ABAR (the AHCI register window). */
    public static final int ABAR_INDEX = 5;
    /** Bytes of the ABAR: generic registers and 32 port slots. */
    public static final long ABAR_SIZE = 0x1000;
    /** Ports implemented (PI = 0x3f). */
    public static final int PORTS = 6;

    static final int CAP = 0x00;
    static final int GHC = 0x04;
    static final int IS = 0x08;
    static final int PI = 0x0c;
    static final int VS = 0x10;
    static final int PORT_BASE = 0x100;
    static final int PORT_SIZE = 0x80;

    static final int GHC_HR = 1;
    static final int GHC_IE = 1 << 1;
    static final int GHC_AE = 1 << 31;
    static final int VERSION = 0x0001_0301;
    static final int CAP_VALUE = (PORTS - 1) // NP
            | 31 << 8 // NCS: 32 slots
            | 1 << 18 // SAM: AHCI only
            | 2 << 20 // ISS: gen 2
            | 1 << 24 // SCLO
            | 1 << 31; // S64A

    private final PhysicalMemory memory;
    private final Timeline timeline;
    private final InterruptLine interrupt;
    private final long latencyNanos;
    private final AhciPort[] ports = new AhciPort[PORTS];
    private final Mmio mmio = new MmioWindow(ABAR_SIZE, this::read, this::write);
    private boolean interruptsEnabled;
    private int interruptStatus;

    /**
     * @param disks        the disks on ports 0, 1, 2... (at most {@value #PORTS}); ports beyond have none
     * @param latencyNanos how long each command takes on the virtual clock, at least 1
     */
    public AhciController(PhysicalMemory memory, Timeline timeline, InterruptLine interrupt, List<DiskImage> disks,
                          long latencyNanos) {
        if (disks.size() > PORTS) {
            throw new IllegalArgumentException("the AHCI controller has " + PORTS + " ports, not " + disks.size());
        }
        if (latencyNanos < 1) {
            throw new IllegalArgumentException("command latency must be at least 1 ns");
        }
        this.memory = memory;
        this.timeline = timeline;
        this.interrupt = interrupt;
        this.latencyNanos = latencyNanos;
        for (int i = 0; i < PORTS; i++) {
            AtaDisk disk = i < disks.size() ? new AtaDisk(disks.get(i), String.format("MS%04d%014d", i, i)) : null;
            ports[i] = new AhciPort(i, this, disk);
        }
    }

    /** The ABAR register window. */
    public Mmio mmio() {
        return mmio;
    }

    /** The controller's interrupt line (INTA#). */
    public InterruptLine interrupt() {
        return interrupt;
    }

    PhysicalMemory memory() {
        return memory;
    }

    /** The faults armed on the disk of port {@code index}; null when there is no such port or no disk on it. */
    synchronized DiskFaults faults(int index) {
        return index >= 0 && index < PORTS && ports[index].hasDisk() ? ports[index].faults() : null;
    }

    private synchronized int read(int offset) {
        return switch (offset) {
            case CAP -> CAP_VALUE;
            case GHC -> GHC_AE | (interruptsEnabled ? GHC_IE : 0);
            case IS -> interruptStatus;
            case PI -> (1 << PORTS) - 1;
            case VS -> VERSION;
            default -> {
                AhciPort port = portAt(offset);
                yield port == null ? 0 : port.read(offset % PORT_SIZE);
            }
        };
    }

    private void write(int offset, int value) {
        Effects fx = new Effects();
        synchronized (this) {
            switch (offset) {
                case GHC -> writeGlobalControl(value, fx);
                case IS -> clearInterruptStatus(value, fx);
                default -> {
                    AhciPort port = portAt(offset);
                    if (port != null) {
                        port.write(offset % PORT_SIZE, value, fx);
                    }
                }
            }
        }
        fx.run();
    }

    private AhciPort portAt(int offset) {
        int index = (offset - PORT_BASE) / PORT_SIZE;
        return offset >= PORT_BASE && index < PORTS ? ports[index] : null;
    }

    private void writeGlobalControl(int value, Effects fx) {
        if ((value & GHC_HR) != 0) {
            // HBA reset: GHC.IE, IS and every port register but PxCLB/PxFB; HR reads 0 once done, at once.
            interruptsEnabled = false;
            interruptStatus = 0;
            for (AhciPort port : ports) {
                port.reset();
            }
            return;
        }
        boolean enable = (value & GHC_IE) != 0;
        if (enable && !interruptsEnabled && interruptStatus != 0) {
            fx.add(interrupt::raise);
        }
        interruptsEnabled = enable;
    }

    private void clearInterruptStatus(int value, Effects fx) {
        interruptStatus &= ~value;
        for (int i = 0; i < PORTS; i++) {
            if ((value & 1 << i) != 0 && ports[i].interruptPending()) {
                portInterrupt(i, fx);
            }
        }
    }

    /** A port has a new enabled status bit: its IS bit, and the interrupt when GHC.IE allows. */
    void portInterrupt(int port, Effects fx) {
        interruptStatus |= 1 << port;
        if (interruptsEnabled) {
            fx.add(interrupt::raise);
        }
    }

    void scheduleCompletion(AhciPort port, long epoch, int slot, Effects fx) {
        fx.add(() -> timeline.schedule(timeline.now() + latencyNanos, () -> complete(port, epoch, slot)));
    }

    private void complete(AhciPort port, long epoch, int slot) {
        Effects fx = new Effects();
        synchronized (this) {
            port.complete(epoch, slot, fx);
        }
        fx.run();
    }
}
