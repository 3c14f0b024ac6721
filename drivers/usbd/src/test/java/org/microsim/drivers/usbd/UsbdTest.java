package org.microsim.drivers.usbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.kernel.machine.UsbFault;
import org.microsim.testkit.task.KernelRig;

/** usbd against the xHCI, stick and hub models in a real kernel. */
class UsbdTest {
    /** An image that passes everything to another, for a test to step in. */
    private static class ForwardingImage implements DiskImage {
        private final DiskImage to;

        ForwardingImage(DiskImage to) {
            this.to = to;
        }

        @Override
        public long sectorCount() {
            return to.sectorCount();
        }

        @Override
        public boolean readOnly() {
            return to.readOnly();
        }

        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) throws java.io.IOException {
            to.read(offset, dst, dstOffset, length);
        }

        @Override
        public void write(long offset, byte[] src, int srcOffset, int length) throws java.io.IOException {
            to.write(offset, src, srcOffset, length);
        }

        @Override
        public void flush() throws java.io.IOException {
            to.flush();
        }

        @Override
        public void close() {
        }
    }

    private static final int BLOCKS = 4096;

    static MemoryImage random(long seed, boolean readOnly) {
        byte[] b = new byte[BLOCKS * 512];
        new Random(seed).nextBytes(b);
        return MemoryImage.of(b, readOnly);
    }

    static byte[] bytes(MemoryImage image, long lba, int count) throws Exception {
        byte[] out = new byte[count * 512];
        image.read(lba * 512, out, 0, out.length);
        return out;
    }

    /** msc0: reads {@code count} blocks at {@code lba} as the image holds them. */
    private static void assertReadsAsImage(KernelRig rig, MemoryImage image, long lba, int count) {
        rig.run(sys -> {
            byte[] got = new byte[count * 512];
            UsbdRig.open(sys, "msc0:").read(lba, count, got, 0);
            assertArrayEquals(bytes(image, lba, count), got);
        });
    }

    @Test
    void aStickIsServedAsABlockPortThatReadsAndWritesTheImage() throws Exception {
        MemoryImage image = random(1, false);
        try (KernelRig rig = UsbdRig.boot(1, false, image)) {
            PortInfo info = rig.kernel().ports().stream().map(PortSnapshot::info)
                    .filter(i -> i.name().equals("msc0:")).findFirst().orElseThrow();
            assertEquals(PortSubclass.USB_MASS_STORAGE, info.subclass());
            assertEquals("00:14.0:usb", info.parent());
            assertEquals(0x46f4, info.vendorId());
            assertArrayEquals(new byte[] {1}, info.metadata(), "its port path");
            byte[] written = new byte[300 * 512];
            new Random(9).nextBytes(written);
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                assertEquals(BLOCKS, disk.blockCount());
                byte[] all = new byte[BLOCKS * 512];
                disk.read(0, BLOCKS, all, 0); // more than one command: split by the driver
                assertArrayEquals(bytes(image, 0, BLOCKS), all);
                disk.write(1000, 300, written, 0);
                disk.flush();
                byte[] back = new byte[300 * 512];
                disk.read(1000, 300, back, 0);
                assertArrayEquals(written, back);
            });
            assertArrayEquals(written, bytes(image, 1000, 300), "on the image");
        }
    }

    @Test
    void aReadOnlyStickSaysSoAndRefusesWrites() {
        try (KernelRig rig = UsbdRig.boot(2, false, random(2, true))) {
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                assertTrue(disk.readOnly());
                BlockException e = assertThrows(BlockException.class, () -> disk.write(0, 1, new byte[512], 0));
                assertEquals(BlockError.READ_ONLY, e.error());
            });
        }
    }

    @Test
    void aMediumErrorIsAnIoErrorAndTheStickGoesOn() throws Exception {
        MemoryImage image = random(10, false);
        DiskImage flaky = new ForwardingImage(image) {
            @Override
            public void read(long offset, byte[] dst, int dstOffset, int length) throws java.io.IOException {
                if (offset <= 100 * 512 && offset + length > 100 * 512) {
                    throw new java.io.IOException("bad block 100");
                }
                super.read(offset, dst, dstOffset, length);
            }
        };
        try (KernelRig rig = UsbdRig.boot(10, false, flaky)) {
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                BlockException e = assertThrows(BlockException.class, () -> disk.read(96, 8, new byte[8 * 512], 0));
                assertEquals(BlockError.IO_ERROR, e.error());
                assertTrue(e.getMessage().contains("03/11/00"), e.getMessage()); // MEDIUM ERROR, unrecovered read
                byte[] got = new byte[8 * 512];
                disk.read(200, 8, got, 0);
                assertArrayEquals(bytes(image, 200, 8), got);
            });
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(UsbFault.class)
    void aStickThatMisbehavesOnceIsResetAndTheCommandTriedAgain(UsbFault fault) throws Exception {
        MemoryImage image = random(11, false);
        try (KernelRig rig = UsbdRig.boot(11, false, image)) {
            rig.machine().injectUsbFault("1", fault);
            // A lost CBW is found out by the driver's 5 s timeout: the run waits for it.
            rig.run(java.time.Duration.ofSeconds(10), sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                byte[] got = new byte[64 * 512];
                disk.read(30, 64, got, 0);
                assertArrayEquals(bytes(image, 30, 64), got, fault + ": the retried read");
                disk.write(500, 64, got, 0);
                disk.read(500, 64, got, 0);
                assertArrayEquals(bytes(image, 30, 64), got, fault + ": the stick works on");
            });
        }
    }

    @Test
    void sticksBehindAHubWork() throws Exception {
        MemoryImage a = random(3, false);
        MemoryImage b = random(4, false);
        try (KernelRig rig = UsbdRig.boot(3, true, a, b)) {
            rig.run(sys -> {
                byte[] got = new byte[8 * 512];
                UsbdRig.open(sys, "msc0:").read(100, 8, got, 0);
                assertArrayEquals(bytes(a, 100, 8), got);
                UsbdRig.open(sys, "msc1:").read(100, 8, got, 0);
                assertArrayEquals(bytes(b, 100, 8), got);
            });
            assertTrue(rig.kernel().ports().stream().anyMatch(p -> p.info().name().equals("msc1:")
                    && p.info().metadata().length == 2 && p.info().metadata()[1] == 2), "msc1: at hub port 1.2");
        }
    }

    @Test
    void severalClientsAtOnceEachGetTheirOwnBytes() throws Exception {
        MemoryImage image = random(5, false);
        try (KernelRig rig = UsbdRig.boot(5, false, image)) {
            KernelRig.Body[] bodies = new KernelRig.Body[6];
            for (int i = 0; i < bodies.length; i++) {
                int lba = i * 600;
                bodies[i] = sys -> {
                    BlockClient disk = UsbdRig.open(sys, "msc0:");
                    for (int round = 0; round < 3; round++) {
                        byte[] got = new byte[512 * 512];
                        disk.read(lba, 512, got, 0);
                        assertArrayEquals(bytes(image, lba, 512), got);
                    }
                };
            }
            rig.run(bodies);
        }
    }

    @Test
    void pullingTheStickOutMidWriteFailsWithDeviceGoneAndPluggingInAgainServesIt() throws Exception {
        MemoryImage image = random(6, false);
        KernelRig[] rigs = new KernelRig[1];
        // The stick is pulled out right after its first write command reached the medium: at that point of the run,
        // whatever the timings, in the middle of a 2 MiB write of two commands.
        DiskImage watched = new ForwardingImage(image) {
            private boolean pulled;

            @Override
            public void write(long offset, byte[] src, int srcOffset, int length) throws java.io.IOException {
                super.write(offset, src, srcOffset, length);
                if (!pulled && length >= 1 << 20) {
                    pulled = true;
                    rigs[0].kernel().timeline().schedule(rigs[0].kernel().timeline().now(), () -> {
                        try {
                            rigs[0].machine().usbDetach("1");
                        } catch (MachineException e) {
                            throw new AssertionError(e);
                        }
                    });
                }
            }
        };
        try (KernelRig rig = UsbdRig.boot(6, false, watched)) {
            rigs[0] = rig;
            byte[] data = new byte[BLOCKS * 512];
            new Random(7).nextBytes(data);
            BlockError[] outcome = new BlockError[1];
            rig.run(sys -> {
                BlockClient disk = UsbdRig.open(sys, "msc0:");
                try {
                    disk.write(0, BLOCKS, data, 0);
                    outcome[0] = null;
                } catch (BlockException e) {
                    outcome[0] = e.error();
                }
            });
            assertEquals(BlockError.DEVICE_GONE, outcome[0]);
            // It was pulled out in the middle: the first command's blocks are on the stick, the last ones not.
            assertArrayEquals(java.util.Arrays.copyOf(data, 512), bytes(image, 0, 1));
            byte[] lastWritten = java.util.Arrays.copyOfRange(data, (BLOCKS - 1) * 512, BLOCKS * 512);
            assertTrue(!java.util.Arrays.equals(lastWritten, bytes(image, BLOCKS - 1, 1)), "the write did not finish");
            assertTrue(rig.kernel().ports().stream().noneMatch(p -> p.info().name().equals("msc0:")));
            assertEquals("1", rig.machine().usbAttach(image, null));
            rig.settle();
            assertReadsAsImage(rig, image, 0, 16);
        }
    }

    @Test
    void pluggingInAndOutAllDayTakesNoMoreMemory() throws Exception {
        MemoryImage image = random(9, false);
        try (KernelRig rig = UsbdRig.boot(9, false, image)) {
            long[] inUse = new long[2];
            for (int round = 0; round < 12; round++) {
                rig.machine().usbDetach("1");
                rig.settle();
                assertEquals("1", rig.machine().usbAttach(image, null));
                rig.settle();
                inUse[round < 2 ? 0 : 1] = rig.machine().dmaBytesInUse();
            }
            assertEquals(inUse[0], inUse[1], "the second device's buffers are the first one's");
            assertReadsAsImage(rig, image, 7, 8);
        }
    }

    @Test
    void aCrashedUsbdComesBackAndFindsTheSticksAgain() throws Exception {
        MemoryImage image = random(8, false);
        try (KernelRig rig = UsbdRig.boot(8, false, image)) {
            long id = rig.kernel().tasks().stream().filter(t -> t.name().equals("usbd")).findFirst().orElseThrow()
                    .id().pack();
            rig.kernel().kill(rig.kernel().tasks().stream().filter(t -> t.name().equals("usbd")).findFirst()
                    .orElseThrow().id(), true, "test").orThrow();
            rig.settle();
            assertEquals(2, rig.driverStarts());
            assertNotEquals(id, rig.kernel().tasks().stream().filter(t -> t.name().equals("usbd")
                    && t.state().alive()).findFirst().orElseThrow().id().pack());
            assertReadsAsImage(rig, image, 50, 64);
        }
    }
}
