package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.PortClass;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.kernel.machine.UsbConfig;
import org.microsim.testkit.task.KernelRig;

/**
 * usbd's tests on the shared {@link KernelRig}: a machine with the xHCI controller and the given sticks, whose
 * stand-in devd starts usbd on the controller's port (again after a crash).
 */
final class UsbdRig {
    static final Duration WAIT = KernelRig.WAIT;

    private UsbdRig() {
    }

    /** Sticks on root ports 1, 2...; {@code hub} puts them behind a hub on port 1 instead. */
    static KernelRig boot(long seed, boolean hub, DiskImage... sticks) {
        List<UsbConfig.Stick> config = Arrays.stream(sticks)
                .map(image -> new UsbConfig.Stick(new DriveConfig.Image(image), hub)).toList();
        return KernelRig.builder(seed).program("usbd", Usbd::new)
                .machine(new MachineConfig(List.of(), List.of(), UsbConfig.of(config), ModelOptions.DEFAULT))
                .driver("usbd", p -> p.info().portClass() == PortClass.USB, new byte[0])
                .build();
    }

    /** A block client of a stick's port, waiting for it to appear. */
    static BlockClient open(Sys sys, String name) throws BlockException {
        return BlockClient.open(sys, sys.lookup(name, WAIT).orThrow(), WAIT);
    }
}
