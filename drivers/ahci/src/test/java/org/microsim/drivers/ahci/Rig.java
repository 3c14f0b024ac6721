package org.microsim.drivers.ahci;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.testkit.task.KernelRig;

/**
 * The AHCI driver's tests on the shared {@link KernelRig}: a machine holding the given disks, whose stand-in
 * devd starts {@code ahci} on the AHCI controller (again after a crash), and a patterned disk on which any
 * misplaced byte shows.
 */
final class Rig {
    static final Duration WAIT = KernelRig.WAIT;
    static final String DISK0 = "ahci0:disk0";
    static final String DISK1 = "ahci0:disk1";

    private Rig() {
    }

    static KernelRig boot(DiskImage... disks) {
        return boot(1, new byte[0], disks);
    }

    static KernelRig boot(long seed, byte[] driverArgs, DiskImage... disks) {
        return boot(seed, driverArgs, ModelOptions.DEFAULT, disks);
    }

    /** A machine whose device models run with {@code options} (a slow disk, say). */
    static KernelRig boot(long seed, byte[] driverArgs, ModelOptions options, DiskImage... disks) {
        List<DriveConfig> drives = Arrays.stream(disks).<DriveConfig>map(DriveConfig.Image::new).toList();
        return KernelRig.builder(seed).program("ahci", Ahci::new)
                .machine(new MachineConfig(drives, List.of(), options))
                .driver("ahci", p -> p.info().portClass() == PortClass.STORAGE_CONTROLLER
                        && p.info().subclass() == PortSubclass.STORAGE_AHCI, driverArgs)
                .build();
    }

    /** Opens a block client on a port by name, waiting for it to appear. */
    static BlockClient open(Sys sys, String name) throws BlockException {
        return BlockClient.open(sys, sys.lookup(name, WAIT).orThrow(), WAIT);
    }

    /** A disk whose every 8-byte word holds {@code lba << 16 | word index}: any misplaced byte shows. */
    static MemoryImage patterned(long sectors, boolean readOnly) {
        MemoryImage image = new MemoryImage(sectors, readOnly);
        for (long lba = 0; lba < sectors; lba += 64) {
            int n = (int) Math.min(64, sectors - lba);
            image.fill(lba * 512, pattern(lba, n), 0, n * 512);
        }
        return image;
    }

    /** What {@link #patterned} put in {@code count} sectors from {@code lba}. */
    static byte[] pattern(long lba, int count) {
        byte[] out = new byte[count * 512];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < count; s++) {
            for (int w = 0; w < 64; w++) {
                b.putLong((lba + s) << 16 | w);
            }
        }
        return out;
    }
}
