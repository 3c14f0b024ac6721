package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import java.util.List;
import java.util.Optional;

/**
 * One PCIe function: its address, its type-0 configuration space as firmware left it after enumeration
 * (identity, class code, assigned memory BARs, interrupt line and pin), the BARs' register windows and its
 * interrupt line. The configuration space is read-only here: BARs are placed once when the machine is built,
 * and drivers receive them from the kernel as granted {@link Bar}s rather than by sizing them.
 */
final class PciFunction {
    /** Size of the configuration space modelled (the PCI-compatible 256 bytes). */
    public static final int CONFIG_SIZE = 256;
    private static final int SUBSYSTEM_VENDOR = 0x1af4;
    private static final int SUBSYSTEM_DEVICE = 0x1100;

    private final PciAddress address;
    private final PciClass pciClass;
    private final String deviceName;
    private final List<Bar> bars;
    private final InterruptLine interrupt;
    private final int[] config = new int[CONFIG_SIZE / 4];

    /**
     * @param deviceName lspci's vendor and device words, e.g. {@code Intel Corporation 82540EM Gigabit Ethernet Controller}
     */
    public PciFunction(PciAddress address, PciClass pciClass, int vendorId, int deviceId, int revision,
                       String deviceName, List<Bar> bars, InterruptLine interrupt) {
        this.address = address;
        this.pciClass = pciClass;
        this.deviceName = deviceName;
        this.bars = List.copyOf(bars);
        this.interrupt = interrupt;
        config[0] = vendorId & 0xffff | deviceId << 16;
        config[1] = 0x0006; // memory space and bus master enabled by firmware
        config[2] = revision & 0xff | pciClass.progIf() << 8 | pciClass.subclass() << 16 | pciClass.baseClass() << 24;
        for (Bar bar : this.bars) {
            // A 32-bit non-prefetchable memory BAR: the low four bits are zero.
            config[4 + bar.index()] = (int) bar.address() & ~0xf;
        }
        config[11] = SUBSYSTEM_VENDOR | SUBSYSTEM_DEVICE << 16;
        config[15] = interrupt.line() & 0xff | 1 << 8; // interrupt pin INTA#
    }

    /** Bus, device and function. */
    public PciAddress address() {
        return address;
    }

    /** What kind of function it is. */
    public PciClass pciClass() {
        return pciClass;
    }

    /** Vendor id (offset 0x00). */
    public int vendorId() {
        return config[0] & 0xffff;
    }

    /** Device id (offset 0x02). */
    public int deviceId() {
        return config[0] >>> 16;
    }

    /** The class code byte (offset 0x0b). */
    public int classCode() {
        return config[2] >>> 24;
    }

    /** The subclass byte (offset 0x0a). */
    public int subclassCode() {
        return config[2] >>> 16 & 0xff;
    }

    /** The programming interface byte (offset 0x09). */
    public int progIf() {
        return config[2] >>> 8 & 0xff;
    }

    /** The revision id (offset 0x08). */
    public int revision() {
        return config[2] & 0xff;
    }

    /** The interrupt line register (offset 0x3c): the number of {@link #interrupt()}. */
    public int interruptLine() {
        return config[15] & 0xff;
    }

    /** lspci's vendor and device words. */
    public String deviceName() {
        return deviceName;
    }

    /** The memory BARs the function implements. */
    public List<Bar> bars() {
        return bars;
    }

    /** The BAR with this index, if the function implements it. */
    public Optional<Bar> bar(int index) {
        return bars.stream().filter(b -> b.index() == index).findFirst();
    }

    /** The interrupt line the function raises. */
    public InterruptLine interrupt() {
        return interrupt;
    }

    /** A dword of configuration space; all ones outside it or misaligned, as a master abort reads. */
    public int configRead32(int offset) {
        return offset >= 0 && offset < CONFIG_SIZE && (offset & 3) == 0 ? config[offset / 4] : -1;
    }

    @Override
    public String toString() {
        return address + ":" + pciClass.kind();
    }
}
