package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.block.BlockError;
import org.microsim.testkit.task.MemoryDisk;

/** Each kind of damage gets its own clear problem, and only the sound partitions are served. */
class CorruptTablesTest {
    private static final TableWriter.MbrEntry[] NO_PRIMARIES = new TableWriter.MbrEntry[4];

    private static MemoryDisk mbr(long blocks, TableWriter.MbrEntry... primaries) {
        MemoryDisk disk = new MemoryDisk(512, blocks);
        TableWriter.mbr(disk, java.util.Arrays.copyOf(primaries, 4), 0, List.of());
        return disk;
    }

    private static List<Integer> indexes(PartitionTable t) {
        return t.partitions().stream().map(Partition::index).toList();
    }

    private static void assertProblem(PartitionTable t, String text) {
        assertTrue(t.problems().stream().anyMatch(p -> p.contains(text)), "no '" + text + "' in " + t.problems());
    }

    @Test
    void overlappingPastTheEndAndEmptyPrimariesAreIgnored() {
        PartitionTable t = PartitionTableReader.read(mbr(1000,
                new TableWriter.MbrEntry(0x83, 10, 100),
                new TableWriter.MbrEntry(0x83, 100, 50),
                new TableWriter.MbrEntry(0x0c, 900, 101),
                new TableWriter.MbrEntry(0x07, 500, 0)));
        assertEquals(List.of(1), indexes(t));
        assertProblem(t, "partition 2 (LBA 100 + 50) overlaps partition 1; ignored");
        assertProblem(t, "partition 3 (LBA 900 + 101) runs past the end of the disk (1000 blocks); ignored");
        assertProblem(t, "partition 4 is empty (zero length); ignored");
    }

    @Test
    void aPartitionOverTheTableIsIgnored() {
        PartitionTable t = PartitionTableReader.read(mbr(1000, new TableWriter.MbrEntry(0x83, 0, 100)));
        assertEquals(List.of(), t.partitions());
        assertProblem(t, "starts over the partition table");
    }

    @Test
    void ebrLoopsEndTheWalk() {
        MemoryDisk disk = new MemoryDisk(512, 1000);
        TableWriter.MbrEntry[] primaries = {new TableWriter.MbrEntry(0x0f, 100, 800), null, null, null};
        TableWriter.mbr(disk, primaries, 100, List.of(
                new TableWriter.Logical(100, 0x83, 110, 10),
                new TableWriter.Logical(200, 0x83, 210, 10)));
        // The second EBR links back to the first.
        edit(disk, 200, s -> TableWriter.entry(s, 1, 0x05, 0, 20));
        PartitionTable t = PartitionTableReader.read(disk);
        assertEquals(List.of(1, 5, 6), indexes(t));
        assertProblem(t, "EBR chain loops back to LBA 100; chain ends");
        assertEquals(PortSubclass.BLOCK_EXTENDED_LBA, t.partitions().get(0).subclass());
    }

    /** Changes one sector of the disk in place. */
    private static void edit(MemoryDisk disk, long lba, java.util.function.Consumer<byte[]> change) {
        byte[] s = new byte[512];
        System.arraycopy(disk.bytes(), (int) lba * 512, s, 0, 512);
        change.accept(s);
        System.arraycopy(s, 0, disk.bytes(), (int) lba * 512, 512);
    }

    @Test
    void overlongEbrChainsAreCut() {
        int count = MbrReader.MAX_EBRS + 20;
        MemoryDisk disk = new MemoryDisk(512, 2 * count + 10);
        List<TableWriter.Logical> logicals = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            logicals.add(new TableWriter.Logical(2 + 2L * i, 0x83, 3 + 2L * i, 1));
        }
        TableWriter.mbr(disk, new TableWriter.MbrEntry[] {new TableWriter.MbrEntry(0x05, 2, 2L * count), null, null,
                null}, 2, logicals);
        PartitionTable t = PartitionTableReader.read(disk);
        assertEquals(1 + MbrReader.MAX_EBRS, t.partitions().size());
        assertProblem(t, "EBR chain longer than 256 links");
    }

    @Test
    void logicalsOutsideTheirExtendedPartitionAreIgnored() {
        MemoryDisk disk = new MemoryDisk(512, 1000);
        TableWriter.mbr(disk, new TableWriter.MbrEntry[] {new TableWriter.MbrEntry(0x05, 100, 100), null, null, null},
                100, List.of(new TableWriter.Logical(100, 0x83, 101, 10), new TableWriter.Logical(150, 0x83, 160, 90)));
        PartitionTable t = PartitionTableReader.read(disk);
        assertEquals(List.of(1, 5), indexes(t));
        assertProblem(t, "logical partition 6 (LBA 160 + 90) is not inside extended partition 1; ignored");
    }

    @Test
    void invalidStatusBytesMeanNoTable() {
        MemoryDisk disk = mbr(100, new TableWriter.MbrEntry(0x83, 10, 10));
        disk.bytes()[446] = 0x12;
        assertEquals(PartitionTable.Scheme.NONE, PartitionTableReader.read(disk).scheme());
    }

    private static MemoryDisk gpt(int entryCount, int entrySize, TableWriter.GptEntry... entries) {
        MemoryDisk disk = new MemoryDisk(512, 2000);
        TableWriter.gpt(disk, List.of(entries), entryCount, entrySize);
        return disk;
    }

    /** Rewrites the header at {@code lba} with another entry geometry and a correct CRC. */
    private static void rewriteHeader(MemoryDisk disk, long lba, long entryLba, long count, long size) {
        long last = disk.blockCount() - 1;
        byte[] h = TableWriter.header(disk, lba, lba == 1 ? last : 1, 34, last - 33, entryLba, (int) count, (int) size,
                0);
        System.arraycopy(h, 0, disk.bytes(), (int) lba * 512, 512);
    }

    @Test
    void absurdEntryGeometryIsRefusedBeforeReading() {
        MemoryDisk disk = gpt(128, 128, new TableWriter.GptEntry(0, GptTypes.LINUX_FILESYSTEM, 100, 199, "a"));
        rewriteHeader(disk, 1, 2, 128, 100);
        rewriteHeader(disk, disk.blockCount() - 1, disk.blockCount() - 33, 0xffffffffL, 128);
        PartitionTable t = PartitionTableReader.read(disk);
        assertEquals(List.of(), t.partitions());
        assertProblem(t, "primary GPT header at LBA 1 is bad: entry size 100 is not 128 * 2^n");
        assertProblem(t, "4294967295 entries of 128 bytes exceed the 1048576-byte limit");
        assertProblem(t, "both GPT headers are bad; no partition is served");
    }

    @Test
    void entryArrayOutsideTheDiskIsRefused() {
        MemoryDisk disk = gpt(128, 128, new TableWriter.GptEntry(0, GptTypes.LINUX_FILESYSTEM, 100, 199, "a"));
        rewriteHeader(disk, 1, 1990, 128, 128);
        PartitionTable t = PartitionTableReader.read(disk);
        assertProblem(t, "entry array at LBA 1990 (32 blocks) is outside the disk");
        assertProblem(t, "using the backup GPT header at LBA 1999");
        assertEquals(List.of(1), indexes(t));
    }

    @Test
    void gptEntriesOutsideTheUsableAreaOrOverlappingAreIgnored() {
        PartitionTable t = PartitionTableReader.read(gpt(128, 128,
                new TableWriter.GptEntry(0, GptTypes.LINUX_FILESYSTEM, 100, 199, "a"),
                new TableWriter.GptEntry(1, GptTypes.LINUX_FILESYSTEM, 150, 249, "b"),
                new TableWriter.GptEntry(2, GptTypes.LINUX_FILESYSTEM, 10, 20, "c"),
                new TableWriter.GptEntry(3, GptTypes.LINUX_FILESYSTEM, 1900, 1990, "d"),
                new TableWriter.GptEntry(4, GptTypes.LINUX_FILESYSTEM, 300, 299, "e"),
                new TableWriter.GptEntry(5, GptTypes.LINUX_SWAP, 400, 400, "f")));
        assertEquals(List.of(1, 6), indexes(t));
        assertProblem(t, "partition 2 (LBA 150 + 100) overlaps partition 1; ignored");
        assertProblem(t, "partition 3 (LBA 10..20) lies outside the usable area 34..1966; ignored");
        assertProblem(t, "partition 4 (LBA 1900..1990) lies outside the usable area");
        assertProblem(t, "partition 5 is empty (zero length); ignored");
    }

    @Test
    void gptWithoutProtectiveMbrIsStillRead() {
        MemoryDisk disk = gpt(128, 128, new TableWriter.GptEntry(0, GptTypes.EFI_SYSTEM, 100, 199, "ESP"));
        java.util.Arrays.fill(disk.bytes(), 0, 512, (byte) 0);
        PartitionTable t = PartitionTableReader.read(disk);
        assertEquals(PartitionTable.Scheme.GPT, t.scheme());
        assertEquals(List.of(1), indexes(t));
        assertEquals("ESP", t.partitions().get(0).label());
        assertProblem(t, "LBA 0 has no protective MBR but LBA 1 holds a GPT header");
    }

    @Test
    void smallBlocksAndFailingDisksAreReported() {
        PartitionTable small = PartitionTableReader.read(new MemoryDisk(256, 100));
        assertEquals(PartitionTable.Scheme.NONE, small.scheme());
        assertProblem(small, "cannot hold a partition table");

        MemoryDisk failing = new MemoryDisk(512, 100);
        failing.failWith(BlockError.IO_ERROR, "medium error");
        PartitionTable t = PartitionTableReader.read(failing);
        assertEquals(PartitionTable.Scheme.NONE, t.scheme());
        assertProblem(t, "MBR: cannot read LBA 0: medium error");
    }
}
