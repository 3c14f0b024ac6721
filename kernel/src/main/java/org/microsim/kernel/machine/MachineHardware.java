package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;
import org.microsim.kernel.Hardware;
import org.microsim.kernel.HardwareDevice;

/** The {@link Machine} as the kernel sees it: one device per PCIe function, DMA from physical memory. */
public final class MachineHardware implements Hardware {
    /** BAR indexes a PCI function can have. */
    private static final int BARS = 6;

    private final Machine machine;

    public MachineHardware(Machine machine) {
        this.machine = machine;
    }

    public Machine machine() {
        return machine;
    }

    @Override
    public List<HardwareDevice> devices() {
        List<HardwareDevice> devices = new ArrayList<>();
        for (PciFunction f : machine.pci().functions()) {
            List<Mmio> bars = new ArrayList<>();
            for (int i = 0; i < BARS; i++) {
                bars.add(f.bar(i).map(Bar::mmio).orElse(null));
            }
            devices.add(new HardwareDevice(machine.pci().portInfo(f), bars, f.interrupt()));
        }
        return devices;
    }

    @Override
    public DmaBuffer allocateDma(int size, Object owner) {
        return machine.memory().allocate(size, owner).orElse(null);
    }

    @Override
    public void freeDma(Object owner) {
        machine.memory().freeAll(owner);
    }
}
