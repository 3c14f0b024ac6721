package org.microsim.kernel.machine;

import java.util.List;

/**
 * What a machine has: its AHCI drives (on ports 0, 1, 2... in this order), its NICs, and model options.
 */
public record MachineConfig(List<DriveConfig> drives, List<NicConfig> nics, ModelOptions options) {
    /** Copies the lists. */
    public MachineConfig {
        drives = List.copyOf(drives);
        nics = List.copyOf(nics);
    }
}
