package org.microsim.drivers.usbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.drivers.usbd.UsbdTest.bytes;
import static org.microsim.drivers.usbd.UsbdTest.random;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.machine.DiskFaults;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.testkit.task.KernelRig;

/**
 * usbd against injected stick faults (armed with {@code fault disk msc0: ...}): a failed command becomes an I/O
 * error through REQUEST SENSE, a command never answered a reset recovery and one more try, a failed write is never
 * acknowledged, corrupt data is passed on as read, and lost interrupts cost time, not a hang.
 */
class UsbdFaultRecoveryTest {
    /** Long enough for usbd's transfer timeout to fire while the rig settles. */
    private static final Duration PAST_TIMEOUT = Duration.ofSeconds(10);

    /** A rig with the stick on port 1, a fault armed on it. */
    private static KernelRig armed(long seed, MemoryImage image, DiskFaults.Kind kind, int count, long first, long last,
                                 long faultSeed) throws Exception {
        KernelRig rig = UsbdRig.boot(seed, false, image);
        rig.machine().usbFaults("1").arm(kind, count, first, last, faultSeed);
        return rig;
    }

    private static void assertReads(BlockClient disk, MemoryImage image, long lba, int count) throws Exception {
        byte[] got = new byte[count * 512];
        disk.read(lba, count, got, 0);
        assertArrayEquals(bytes(image, lba, count), got);
    }

    @Test
    void aReadTheStickFailsIsAnIoErrorWithItsSenseAndTheStickWorksOn() throws Exception {
        MemoryImage image = random(21, false);
        try (KernelRig rig = armed(21, image, DiskFaults.Kind.IO, 1, 0, Long.MAX_VALUE, 1)) {
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                BlockException e = assertThrows(BlockException.class, () -> disk.read(40, 8, new byte[4096], 0));
                assertEquals(BlockError.IO_ERROR, e.error());
                assertTrue(e.getMessage().contains("03/11/00"), e.getMessage());
                assertReads(disk, image, 40, 8);
            });
        }
    }

    @Test
    void aWriteTheStickFailsIsAnsweredAsFailedAndNothingIsWritten() throws Exception {
        MemoryImage image = random(22, false);
        try (KernelRig rig = armed(22, image, DiskFaults.Kind.IO, 1, 300, 300, 1)) {
            byte[] before = bytes(image, 300, 1);
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                BlockException e = assertThrows(BlockException.class, () -> disk.write(300, 1, new byte[512], 0));
                assertEquals(BlockError.IO_ERROR, e.error());
                assertTrue(e.getMessage().contains("03/0c/00"), e.getMessage());
            });
            assertArrayEquals(before, bytes(image, 300, 1));
        }
    }

    @Test
    void aCommandTheStickNeverAnswersEndsInAResetRecoveryAndOneMoreTry() throws Exception {
        MemoryImage image = random(23, false);
        try (KernelRig rig = armed(23, image, DiskFaults.Kind.TIMEOUT, 2, 0, Long.MAX_VALUE, 1)) {
            rig.run(PAST_TIMEOUT, sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                assertEquals(BlockError.IO_ERROR, assertThrows(BlockException.class,
                        () -> disk.read(7, 1, new byte[512], 0)).error(), "two silences: the retry is spent");
                assertReads(disk, image, 7, 1);
            });
        }
    }

    @Test
    void aCorruptReadPassesTheFlippedByteOn() throws Exception {
        MemoryImage image = random(24, false);
        try (KernelRig rig = armed(24, image, DiskFaults.Kind.CORRUPT, 1, 51, 51, 4)) {
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                byte[] got = new byte[1024];
                disk.read(50, 2, got, 0);
                byte[] want = bytes(image, 50, 2);
                int differ = 0;
                for (int i = 0; i < got.length; i++) {
                    differ += got[i] != want[i] ? 1 : 0;
                    assertTrue(i >= 512 || got[i] == want[i], "block 50 is outside the range");
                }
                assertEquals(1, differ);
            });
        }
    }

    @Test
    void withHalfTheInterruptsLostTheStickStillServes() throws Exception {
        MemoryImage image = random(25, false);
        try (KernelRig rig = UsbdRig.boot(25, false, image)) {
            rig.machine().interruptLine("usb").drop(0.5, 8);
            rig.run(PAST_TIMEOUT, sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                for (int lba = 0; lba < 64; lba += 8) {
                    assertReads(disk, image, lba, 8);
                }
            });
            assertNotEquals(0, rig.machine().interruptLine("usb").droppedCount());
        }
    }
}
