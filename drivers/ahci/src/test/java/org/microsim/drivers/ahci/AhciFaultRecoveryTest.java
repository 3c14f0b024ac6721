package org.microsim.drivers.ahci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.drivers.ahci.Rig.DISK0;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.machine.DiskFaults;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.testkit.task.KernelRig;

/**
 * The driver against injected disk faults: every one ends in a clear block error or good data, the driver recovers
 * the port as the spec says and keeps serving (never restarted), a failed write is answered as failed, and lost
 * interrupts cost time, not a hang.
 */
class AhciFaultRecoveryTest {
    private static final long SECTORS = 4096;
    /** A quiet window the driver's command timeout fits in, so settling waits for it. */
    private static final Duration PAST_TIMEOUT = Ahci.COMMAND_TIMEOUT.plusSeconds(1);
    private final MemoryImage image = Rig.patterned(SECTORS, false);

    /** A rig whose disk 0 has a fault armed. */
    private KernelRig armed(DiskFaults.Kind kind, int count, long first, long last) throws MachineException {
        KernelRig rig = Rig.boot(image);
        rig.machine().ahciFaults(0).arm(kind, count, first, last, 1);
        return rig;
    }

    /** Reads and expects an I/O error; returns its message. */
    private static String failedRead(BlockClient disk, long lba, int count) {
        BlockException e = assertThrows(BlockException.class, () -> disk.read(lba, count, new byte[count * 512], 0));
        assertEquals(BlockError.IO_ERROR, e.error());
        return e.getMessage();
    }

    @Test
    void anIoErrorOnAReadIsAnIoErrorAndTheNextReadWorks() throws Exception {
        try (KernelRig rig = armed(DiskFaults.Kind.IO, 1, 0, Long.MAX_VALUE)) {
            rig.run(sys -> {
                BlockClient disk = Rig.open(sys, DISK0);
                String why = failedRead(disk, 10, 4);
                assertTrue(why.contains("error 40h"), why);
                AhciDriverTest.assertRead(disk, 10, 4);
            });
            assertEquals(1, rig.driverStarts(), "recovered, not restarted");
        }
    }

    @Test
    void aFailedWriteIsAnsweredAsFailedAndLeavesTheDiskAsItWas() throws Exception {
        try (KernelRig rig = armed(DiskFaults.Kind.IO, 1, 100, 100)) {
            byte[] ones = new byte[8 * 512];
            Arrays.fill(ones, (byte) 1);
            rig.run(sys -> {
                BlockClient disk = Rig.open(sys, DISK0);
                assertEquals(BlockError.IO_ERROR, assertThrows(BlockException.class,
                        () -> disk.write(96, 8, ones, 0)).error());
                AhciDriverTest.assertRead(disk, 96, 8);
                disk.write(96, 8, ones, 0);
                byte[] back = new byte[ones.length];
                disk.read(96, 8, back, 0);
                assertArrayEquals(ones, back);
            });
        }
    }

    @Test
    void aCommandTheDiskNeverAnswersTimesOutAndTheResetPortServesAgain() throws Exception {
        try (KernelRig rig = armed(DiskFaults.Kind.TIMEOUT, 1, 0, Long.MAX_VALUE)) {
            rig.start(sys -> {
                BlockClient disk = Rig.open(sys, DISK0);
                long start = sys.now();
                failedRead(disk, 0, 1);
                assertTrue(sys.now() - start >= Ahci.COMMAND_TIMEOUT.toNanos(), "failed by the driver's timeout");
                AhciDriverTest.assertRead(disk, 0, 8);
            });
            rig.settle(PAST_TIMEOUT);
            assertEquals(1, rig.driverStarts());
        }
    }

    @Test
    void aCorruptReadIsAnsweredWithTheFlippedBytesInTheFaultsBlocksOnly() throws Exception {
        try (KernelRig rig = armed(DiskFaults.Kind.CORRUPT, 1, 21, 22)) {
            rig.run(sys -> {
                BlockClient disk = Rig.open(sys, DISK0);
                byte[] got = new byte[8 * 512];
                disk.read(20, 8, got, 0);
                byte[] want = Rig.pattern(20, 8);
                for (int block = 0; block < 8; block++) {
                    int differ = 0;
                    for (int i = block * 512; i < (block + 1) * 512; i++) {
                        differ += got[i] != want[i] ? 1 : 0;
                    }
                    assertEquals(block == 1 || block == 2 ? 1 : 0, differ, "block " + (20 + block));
                }
                AhciDriverTest.assertRead(disk, 20, 8);
            });
        }
    }

    @Test
    void withEveryInterruptLostCommandsStillCompleteFromTheDriversTimeout() throws Exception {
        try (KernelRig rig = Rig.boot(image)) {
            rig.machine().interruptLine("ahci").drop(1.0, 3);
            rig.start(sys -> {
                BlockClient disk = Rig.open(sys, DISK0);
                AhciDriverTest.assertRead(disk, 64, 8);
                disk.write(64, 1, new byte[512], 0);
            });
            rig.settle(PAST_TIMEOUT);
            assertTrue(rig.machine().interruptLine("ahci").droppedCount() > 0);
            assertEquals(1, rig.driverStarts());
        }
    }
}
