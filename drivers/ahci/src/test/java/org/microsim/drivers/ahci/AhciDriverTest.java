package org.microsim.drivers.ahci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.drivers.ahci.Rig.DISK0;
import static org.microsim.drivers.ahci.Rig.DISK1;
import static org.microsim.drivers.ahci.Rig.WAIT;
import static org.microsim.drivers.ahci.Rig.open;
import static org.microsim.drivers.ahci.Rig.pattern;
import static org.microsim.drivers.ahci.Rig.patterned;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockRequest;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.testkit.task.KernelRig;

/** The driver against the machine's AHCI model, through its block ports, as any client would use them. */
class AhciDriverTest {
    private static final long SECTORS = 8192;

    @Test
    void reportsTheDiskAndReadsWhatIsOnIt() {
        try (KernelRig rig = Rig.boot(patterned(SECTORS, false))) {
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK0);
                assertEquals(512, disk.blockSize());
                assertEquals(SECTORS, disk.blockCount());
                assertFalse(disk.readOnly());
                assertRead(disk, 5, 1);
                assertRead(disk, 7, 13);
                assertRead(disk, 100, 2048);
                assertRead(disk, SECTORS - 1, 1);
                assertRead(disk, 0, 1);
            });
            PortSnapshot port = rig.kernel().ports().stream().filter(p -> p.info().name().equals(DISK0)).findFirst()
                    .orElseThrow();
            PortInfo info = port.info();
            assertEquals(PortClass.BLOCK, info.portClass());
            assertEquals(PortSubclass.BLOCK_RAW, info.subclass());
            assertEquals("00:1f.2:ahci", info.parent());
            assertEquals(PortCaps.DMA, info.caps());
            assertArrayEquals(new byte[] {0}, info.metadata());
        }
    }

    @Test
    void writesReachTheDiskAndReadBack() {
        MemoryImage image = patterned(SECTORS, false);
        try (KernelRig rig = Rig.boot(image)) {
            byte[] data = new byte[37 * 512];
            new Random(5).nextBytes(data);
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK0);
                disk.write(1000, 37, data, 0);
                byte[] back = new byte[data.length];
                disk.read(1000, 37, back, 0);
                assertArrayEquals(data, back);
                disk.flush();
                assertRead(disk, 999, 1);
                assertRead(disk, 1037, 1);
            });
            byte[] onDisk = new byte[data.length];
            image.read(1000 * 512L, onDisk, 0, onDisk.length);
            assertArrayEquals(data, onDisk);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReadOnlyDiskSaysSoAndRefusesWrites() {
        try (KernelRig rig = Rig.boot(patterned(SECTORS, false), patterned(2048, true))) {
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK1);
                assertTrue(disk.readOnly());
                assertEquals(2048, disk.blockCount());
                BlockException e = assertThrows(BlockException.class, () -> disk.write(3, 1, new byte[512], 0));
                assertEquals(BlockError.READ_ONLY, e.error());
                assertRead(disk, 0, 16);
                assertFalse(open(sys, DISK0).readOnly());
            });
            PortInfo info = rig.kernel().ports().stream().map(PortSnapshot::info)
                    .filter(p -> p.name().equals(DISK1)).findFirst().orElseThrow();
            assertEquals(PortCaps.DMA | PortCaps.READ_ONLY, info.caps());
            assertArrayEquals(new byte[] {1}, info.metadata());
        }
    }

    @Test
    void badRequestsGetErrorsAndTheDriverKeepsServing() {
        try (KernelRig rig = Rig.boot(patterned(SECTORS, false))) {
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK0);
                assertEquals(BlockError.OUT_OF_RANGE, assertThrows(BlockException.class,
                        () -> disk.read(SECTORS - 1, 2, new byte[1024], 0)).error());
                assertEquals(BlockError.OUT_OF_RANGE, assertThrows(BlockException.class,
                        () -> disk.write(SECTORS, 1, new byte[512], 0)).error());
                Handle port = sys.lookup(DISK0, WAIT).orThrow();
                assertEquals(BlockError.LEASE_TOO_SMALL, assertThrows(BlockException.class, () -> Client.call(sys,
                        port, new BlockRequest.Read(0, 2), Lease.writeOnly(new byte[512]), WAIT)).error());
                Message unknown = Message.of(999);
                assertEquals(BlockError.INVALID_REQUEST.code(), failure(sys.call(port, unknown, WAIT).orThrow()));
                Message shortRead = Message.of(BlockRequest.READ, new byte[] {1, 2, 3});
                assertEquals(BlockError.INVALID_REQUEST.code(), failure(sys.call(port, shortRead, WAIT).orThrow()));
                assertEquals(BlockError.LEASE_TOO_SMALL, assertThrows(BlockException.class,
                        () -> Client.call(sys, port, new BlockRequest.Write(0, 1), null, WAIT)).error());
                sys.send(port, Message.of(BlockRequest.READ, new byte[] {9})).orThrow();
                assertRead(disk, 42, 3);
            });
        }
    }

    @Test
    void aRequestCarryingAHandleIsMalformedAndTheDriverKeepsServing() {
        try (KernelRig rig = Rig.boot(patterned(SECTORS, false))) {
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK0);
                Handle port = sys.lookup(DISK0, WAIT).orThrow();
                Handle own = sys.registerPort(PortInfo.of("stray", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC))
                        .orThrow();
                Message withHandle = new Message(BlockRequest.GET_INFO, null, List.of(own), null);
                Replies.Failure f = Replies.failure(sys.call(port, withHandle, WAIT).orThrow());
                assertEquals(BlockError.INVALID_REQUEST.code(), f.code());
                assertTrue(f.detail().startsWith("malformed block request: "), f.detail());
                assertRead(disk, 42, 3);
            });
        }
    }

    static int failure(Message reply) throws Exception {
        Replies.Failure f = Replies.failure(reply);
        return f == null ? -1 : f.code();
    }

    static void assertRead(BlockClient disk, long lba, int count) throws BlockException {
        byte[] got = new byte[count * 512];
        disk.read(lba, count, got, 0);
        assertArrayEquals(pattern(lba, count), got, "sectors " + lba + "+" + count);
    }
}
