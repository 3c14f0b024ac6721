package org.microsim.kernel.machine;

import org.microsim.kernel.Kernel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortInfo;

/**
 * The PCIe bus: the functions the machine has, in address order, and how the rest of the system sees them:
 * the {@link PortInfo} the kernel registers for each at boot and the lines of the console's {@code lspci}.
 */
final class PciBus {
    /** The parent of every function's port: the root complex, whose port the kernel registers. */
    public static final String ROOT_PORT = Kernel.BUS_ROOT;

    private final List<PciFunction> functions;

    /** A bus with these functions, sorted by address. */
    public PciBus(List<PciFunction> functions) {
        List<PciFunction> sorted = new ArrayList<>(functions);
        sorted.sort(Comparator.comparingInt(f -> f.address().bus() << 8 | f.address().device() << 3
                | f.address().function()));
        this.functions = List.copyOf(sorted);
    }

    /** All functions, by bus, device and function number. */
    public List<PciFunction> functions() {
        return functions;
    }

    /** The function at an address, if there is one. */
    public Optional<PciFunction> function(PciAddress address) {
        return functions.stream().filter(f -> f.address().equals(address)).findFirst();
    }

    /** The memory BAR that decodes {@code physAddress}, if any: how an MMIO access is dispatched to a model. */
    public Optional<Bar> barAt(long physAddress) {
        return functions.stream().flatMap(f -> f.bars().stream()).filter(b -> b.contains(physAddress)).findFirst();
    }

    /**
     * The port the kernel registers for a function: class and subclass from the PCI class code, vendor and
     * device from configuration space, caps DMA|IRQ|MMIO, parent {@value #ROOT_PORT}, named
     * {@code bus:dev.fn:kind} ({@code 00:1f.2:ahci}). Its metadata is one byte: the function's place among the
     * functions of its class in bus order (0 for the first NIC), so a driver can name what it serves by where it
     * sits ({@code eth0} is the first NIC whichever driver starts first), as predictable names in Linux do.
     */
    public PortInfo portInfo(PciFunction function) {
        PciClass c = function.pciClass();
        int ordinal = (int) functions.stream().takeWhile(f -> f != function).filter(f -> f.pciClass() == c).count();
        return new PortInfo(function.address() + ":" + c.kind(), c.portClass(), c.portSubclass(), ROOT_PORT,
                function.vendorId(), function.deviceId(), PortCaps.DMA | PortCaps.IRQ | PortCaps.MMIO,
                new byte[] {(byte) ordinal});
    }

    /** The console's {@code lspci}, one line per function, in the style of {@code lspci -nn}. */
    public List<String> lspci() {
        List<String> lines = new ArrayList<>();
        for (PciFunction f : functions) {
            lines.add(String.format("%s %s [%02x%02x]: %s [%04x:%04x] (rev %02x)", f.address(),
                    f.pciClass().description(), f.classCode(), f.subclassCode(), f.deviceName(), f.vendorId(),
                    f.deviceId(), f.revision()));
        }
        return lines;
    }
}
