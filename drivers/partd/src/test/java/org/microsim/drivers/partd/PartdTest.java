package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Replies;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.testkit.task.BlockPeer;
import org.microsim.testkit.task.MemoryDisk;
import org.microsim.testkit.task.ScriptedSys;

/** partd against a scripted world: the ports it registers and the block protocol it serves on them. */
class PartdTest {
    static final String DISK = "00:1f.2:ahci:0";
    static final Handle DISK_HANDLE = new Handle(0);

    /** partd's world without a kernel: start handle 0 is the disk {@link #DISK}, served from {@code disk}. */
    static ScriptedSys world(MemoryDisk disk) {
        ScriptedSys sys = new ScriptedSys("partd", new byte[0]);
        sys.give(PortInfo.of(DISK, PortClass.BLOCK, 0), new BlockPeer(disk));
        return sys;
    }

    private static ScriptedSys machine() {
        return world(tableDisk());
    }

    /** Primaries 1 (FAT32 LBA, 100+50) and 2 (extended, 200+100) holding logical 5 (Linux, 210+40). */
    private static MemoryDisk tableDisk() {
        MemoryDisk disk = new MemoryDisk(512, 400);
        for (int i = 0; i < disk.bytes().length; i++) {
            disk.bytes()[i] = (byte) (i / 512);
        }
        TableWriter.mbr(disk, new TableWriter.MbrEntry[] {new TableWriter.MbrEntry(0x0c, 100, 50),
                new TableWriter.MbrEntry(0x05, 200, 100), null, null}, 200,
                List.of(new TableWriter.Logical(200, 0x83, 210, 40)));
        return disk;
    }

    private static void run(ScriptedSys sys) {
        assertThrows(ScriptedSys.Finished.class, () -> new Partd().run(sys));
    }

    private static Replies.Failure failure(ScriptedSys sys, long right) throws MalformedException {
        return Replies.failure(sys.reply(right));
    }

    @Test
    void registersOnePortPerVolume() {
        ScriptedSys sys = machine();
        run(sys);
        assertEquals(List.of(
                new PortInfo(DISK + "p1", PortClass.BLOCK, PortSubclass.BLOCK_FAT32_LBA, DISK, 0, 0,
                        PortCaps.DMA, new byte[] {1}),
                new PortInfo(DISK + "p5", PortClass.BLOCK, PortSubclass.BLOCK_LINUX, DISK, 0, 0,
                        PortCaps.DMA, new byte[] {5})), List.copyOf(sys.ports().values()));
    }

    @Test
    void servesTheBlockProtocolWithTranslatedOffsets() throws MalformedException {
        ScriptedSys sys = machine();
        run(sys);
        Handle p1 = sys.port(DISK + "p1");
        Handle p5 = sys.port(DISK + "p5");
        MemoryDisk disk = tableDisk();
        ScriptedSys again = world(disk);
        byte[] readBuffer = new byte[3 * 512];
        byte[] writeBuffer = new byte[512];
        Arrays.fill(writeBuffer, (byte) 0x77);
        long info = again.script(p5, new BlockRequest.GetInfo().toMessage(), null);
        long read = again.script(p5, new BlockRequest.Read(1, 3).toMessage(),
                (Lease.Buffer) Lease.writeOnly(readBuffer));
        long write = again.script(p1, new BlockRequest.Write(49, 1).toMessage(),
                (Lease.Buffer) Lease.readOnly(writeBuffer));
        long flush = again.script(p1, new BlockRequest.Flush().toMessage(), null);
        run(again);

        assertEquals(new BlockInfo(512, 40, false), BlockInfo.decode(again.reply(info)));
        assertEquals(null, failure(again, read));
        assertEquals(211, readBuffer[0] & 0xff);
        assertEquals(213, readBuffer[2 * 512] & 0xff);
        assertEquals(null, failure(again, write));
        assertEquals(0x77, disk.bytes()[149 * 512]);
        assertEquals(150 - 256, disk.bytes()[150 * 512], "the block after the partition is untouched");
        assertEquals(null, failure(again, flush));
    }

    @Test
    void badRequestsGetErrorRepliesAndNeverReachTheDisk() throws MalformedException {
        ScriptedSys first = machine();
        run(first);
        Handle p5 = first.port(DISK + "p5");
        ScriptedSys sys = machine();
        byte[] buffer = new byte[4096];
        Lease.Buffer lease = (Lease.Buffer) Lease.writeOnly(buffer);
        long outside = sys.script(p5, new BlockRequest.Read(39, 2).toMessage(), lease);
        long huge = sys.script(p5, new BlockRequest.Read(Long.MIN_VALUE, 1).toMessage(), lease);
        long small = sys.script(p5, new BlockRequest.Read(0, 9).toMessage(), lease);
        long noLease = sys.script(p5, new BlockRequest.Read(0, 1).toMessage(), null);
        long wrongRight = sys.script(p5, new BlockRequest.Write(0, 1).toMessage(), lease);
        long malformed = sys.script(p5, Message.of(BlockRequest.READ, new byte[5]), lease);
        long unknown = sys.script(p5, Message.of(499), null);
        long after = sys.script(p5, new BlockRequest.GetInfo().toMessage(), null);
        run(sys);
        int callsForTheTable = machineTableCalls();
        assertEquals(callsForTheTable, sys.callsTo(DISK_HANDLE), "no bad request reached the disk");
        assertEquals(BlockError.OUT_OF_RANGE.code(), failure(sys, outside).code());
        assertEquals(BlockError.OUT_OF_RANGE.code(), failure(sys, huge).code());
        assertEquals(BlockError.LEASE_TOO_SMALL.code(), failure(sys, small).code());
        assertEquals(BlockError.LEASE_TOO_SMALL.code(), failure(sys, noLease).code());
        assertEquals(BlockError.INVALID_REQUEST.code(), failure(sys, wrongRight).code());
        assertEquals(BlockError.INVALID_REQUEST.code(), failure(sys, malformed).code());
        assertEquals("malformed block request: msg id 499 is not a block request (400..403)",
                failure(sys, unknown).detail());
        assertEquals(null, failure(sys, after), "partd serves on after bad requests");
    }

    @Test
    void aRequestCarryingAHandleIsMalformedAndTheHandleIsClosed() throws MalformedException {
        ScriptedSys first = machine();
        run(first);
        Handle p1 = first.port(DISK + "p1");
        ScriptedSys sys = machine();
        Handle stray = new Handle(99);
        long withHandle = sys.script(p1, new Message(BlockRequest.GET_INFO, null, List.of(stray), null), null);
        long after = sys.script(p1, new BlockRequest.GetInfo().toMessage(), null);
        run(sys);
        assertEquals(BlockError.INVALID_REQUEST.code(), failure(sys, withHandle).code());
        assertEquals(List.of(stray), sys.closed());
        assertEquals(new BlockInfo(512, 50, false), BlockInfo.decode(sys.reply(after)));
    }

    private static int machineTableCalls() {
        ScriptedSys sys = machine();
        run(sys);
        return sys.callsTo(DISK_HANDLE);
    }

    @Test
    void aDiskWithoutTableOrFilesystemLeavesPartdIdle() {
        ScriptedSys sys = world(new MemoryDisk(512, 100));
        sys.endAt(Duration.ofMinutes(10).toNanos());
        run(sys);
        assertEquals(List.of(), List.copyOf(sys.ports().values()));
        assertTrue(sys.logs().contains("partd: " + DISK + ": no partition table and no filesystem to offer"),
                sys.logs().toString());
    }

    /**
     * A disk that fails a read of the table is not a disk without a table: partd crashes, so its supervisor starts
     * it again (a campaign's fault disk error=timeout on a restarted partd left the disk unserved for good, since
     * the next read, of the whole disk's first block, worked and showed no filesystem).
     */
    @Test
    void aDiskThatFailsTheTablesReadCrashesPartdInsteadOfIdling() {
        MemoryDisk disk = tableDisk();
        disk.failNext(1, BlockError.IO_ERROR, "did not complete within 5 s");
        ScriptedSys sys = world(disk);
        sys.endAt(Duration.ofMinutes(10).toNanos());
        BlockException crash = assertThrows(BlockException.class, () -> new Partd().run(sys));
        assertEquals(BlockError.IO_ERROR, crash.error());
        assertEquals(List.of(), List.copyOf(sys.ports().values()));
    }

    @Test
    void indexesPast255TakeTwoBytes() {
        assertArrayEquals(new byte[] {(byte) 255}, Partd.indexMetadata(255));
        assertArrayEquals(new byte[] {0x2c, 0x01}, Partd.indexMetadata(300));
    }

    @Test
    void portNamesKeepTheirIndex() {
        assertEquals("diskp3", Partd.portName("disk", 3));
        String longName = "usb:1-2.3.4:scsi:lun0:very-long-x";
        assertEquals(32, Partd.portName(longName, 12).length());
        assertTrue(Partd.portName(longName, 12).endsWith("p12"));
        String accents = "é".repeat(16);
        assertEquals("é".repeat(15) + "p5", Partd.portName(accents, 5));
        // 29 bytes are left before "p12": the fifteenth é would be cut in half, so it goes whole.
        assertEquals("é".repeat(14) + "p12", Partd.portName(accents, 12));
    }

    @Test
    void blockClientSplitsLongTransfers() throws BlockException {
        MemoryDisk disk = new MemoryDisk(512, 5000);
        ScriptedSys sys = world(disk);
        new java.util.Random(5).nextBytes(disk.bytes());
        BlockClient client = BlockClient.open(sys, DISK_HANDLE, Partd.DISK_TIMEOUT);
        int count = 2 * BlockRequest.MAX_TRANSFER / 512 + 7;
        byte[] data = new byte[count * 512 + 100];
        client.read(3, count, data, 100);
        assertEquals(1 + 3, sys.callsTo(DISK_HANDLE));
        assertArrayEquals(Arrays.copyOfRange(disk.bytes(), 3 * 512, (3 + count) * 512),
                Arrays.copyOfRange(data, 100, data.length));
        BlockException e = assertThrows(BlockException.class, () -> client.read(4990, 11, new byte[11 * 512], 0));
        assertEquals(BlockError.OUT_OF_RANGE, e.error());
        assertEquals(BlockError.INVALID_REQUEST,
                assertThrows(BlockException.class, () -> client.write(0, 2, new byte[512], 0)).error());
    }
}
