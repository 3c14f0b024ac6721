package org.microsim.kernel.machine;

import java.util.List;

/**
 * What a machine has: its AHCI drives (on ports 0, 1, 2... in this order), its NICs, its USB controller and
 * sticks, and model options.
 */
public record MachineConfig(List<DriveConfig> drives, List<NicConfig> nics, UsbConfig usb, ModelOptions options) {
    /** Copies the lists. */
    public MachineConfig {
        drives = List.copyOf(drives);
        nics = List.copyOf(nics);
    }

    /** A machine without USB. */
    public MachineConfig(List<DriveConfig> drives, List<NicConfig> nics, ModelOptions options) {
        this(drives, nics, UsbConfig.NONE, options);
    }
}
