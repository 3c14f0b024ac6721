package org.microsim.drivers.ahci;

import java.util.ArrayDeque;
import org.microsim.abi.Handle;
import org.microsim.abi.block.BlockInfo;

/**
 * A disk being served: its port, the geometry its block port reports, the block port itself, and the
 * requests waiting for a free command slot, oldest first.
 */
final class Disk {
    final SataPort port;
    final BlockInfo info;
    final String model;
    final ArrayDeque<Transfer> waiting = new ArrayDeque<>();
    Handle blockPort;
    String name;
    /** Set when error recovery could not bring the port back: every request then fails at once. */
    boolean outOfService;

    Disk(SataPort port, BlockInfo info, String model) {
        this.port = port;
        this.info = info;
        this.model = model;
    }
}
