package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortInfo;

/**
 * A device as the kernel offers it to drivers: the PortInfo it registers at boot, the memory BARs a driver
 * may map (null where a BAR is not memory) and its interrupt line.
 */
public record HardwareDevice(PortInfo info, List<Mmio> bars, InterruptLine irq) {
    public HardwareDevice {
        bars = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(bars));
    }
}
