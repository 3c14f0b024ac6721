package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.microsim.abi.PortSubclass;
import org.microsim.testkit.task.MemoryDisk;

/** Random layouts are found exactly; random damage to their table sectors is reported, never thrown. */
class PartitionTableProperties {

    private static List<Layouts.Found> found(PartitionTable table) {
        return table.partitions().stream().map(Layouts.Found::of).toList();
    }

    /** Most disks have 512-byte sectors; 4Kn disks keep the same tables in 4096-byte blocks. */
    private static int blockSize(Random rnd) {
        return rnd.nextInt(4) == 0 ? 4096 : 512;
    }

    @Property(tries = 150)
    void mbrLayoutsAreFoundExactly(@ForAll long seed) {
        Random rnd = new Random(seed);
        Layouts.Layout layout = Layouts.mbr(rnd, blockSize(rnd));
        PartitionTable table = PartitionTableReader.read(layout.disk());
        assertEquals(List.of(), table.problems());
        assertEquals(PartitionTable.Scheme.MBR, table.scheme());
        assertEquals(layout.expected(), found(table));
    }

    @Property(tries = 150)
    void gptLayoutsAreFoundExactly(@ForAll long seed) {
        Random rnd = new Random(seed);
        Layouts.Layout layout = Layouts.gpt(rnd, blockSize(rnd));
        PartitionTable table = PartitionTableReader.read(layout.disk());
        assertEquals(List.of(), table.problems());
        assertEquals(PartitionTable.Scheme.GPT, table.scheme());
        assertEquals(layout.expected(), found(table));
    }

    @Property(tries = 300)
    void damagedTablesAreReportedNeverThrown(@ForAll long seed, @ForAll boolean gpt) {
        Random rnd = new Random(seed);
        Layouts.Layout layout = gpt ? Layouts.gpt(rnd, blockSize(rnd)) : Layouts.mbr(rnd, blockSize(rnd));
        MemoryDisk disk = layout.disk();
        int size = disk.blockSize();
        for (int hits = 1 + rnd.nextInt(6); hits > 0; hits--) {
            long lba = layout.tableSectors().get(rnd.nextInt(layout.tableSectors().size()));
            int base = Math.toIntExact(lba * size);
            // Most of a table lives in the first 512 bytes of its sector: aim there most of the time.
            int span = rnd.nextBoolean() ? 512 : size;
            switch (rnd.nextInt(3)) {
                case 0 -> disk.bytes()[base + rnd.nextInt(span)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> disk.bytes()[base + rnd.nextInt(span)] = (byte) rnd.nextInt(256);
                default -> {
                    int from = rnd.nextInt(span);
                    for (int i = from; i < Math.min(span, from + 1 + rnd.nextInt(64)); i++) {
                        disk.bytes()[base + i] = (byte) rnd.nextInt(256);
                    }
                }
            }
        }
        disk.resetCounts();
        PartitionTable table = PartitionTableReader.read(disk);
        assertSane(table, disk);
        Statistics.collect(table.problems().isEmpty() ? "damage unnoticed" : "damage reported");
        Statistics.coverage(c -> c.check("damage reported").percentage(p -> p > 30));
    }

    /** Every served partition is non-empty, inside the disk and overlaps no other; the reads were bounded. */
    static void assertSane(PartitionTable table, MemoryDisk disk) {
        List<Partition> parts = table.partitions();
        assertTrue(disk.reads() <= 8 + MbrReader.MAX_EBRS + parts.size(), disk.reads() + " reads");
        for (Partition p : parts) {
            assertTrue(p.blockCount() > 0 && p.firstLba() > 0 && p.endLba() <= disk.blockCount(), p.toString());
            for (Partition q : parts) {
                boolean container = p.subclass() == PortSubclass.BLOCK_EXTENDED
                        || p.subclass() == PortSubclass.BLOCK_EXTENDED_LBA
                        || q.subclass() == PortSubclass.BLOCK_EXTENDED
                        || q.subclass() == PortSubclass.BLOCK_EXTENDED_LBA;
                boolean overlap = p.firstLba() < q.endLba() && q.firstLba() < p.endLba();
                assertTrue(p == q || container || !overlap, p + " overlaps " + q);
            }
        }
        if (!parts.isEmpty()) {
            assertTrue(table.scheme() != PartitionTable.Scheme.NONE);
        }
    }

    @Property(tries = 200)
    void randomSectorsAreReportedNeverThrown(@ForAll long seed) {
        Random rnd = new Random(seed);
        MemoryDisk disk = new MemoryDisk(512, 64 + rnd.nextInt(2000));
        rnd.nextBytes(disk.bytes());
        if (rnd.nextBoolean()) {
            disk.bytes()[510] = 0x55;
            disk.bytes()[511] = (byte) 0xaa;
            for (int slot = 0; slot < 4; slot++) {
                disk.bytes()[446 + 16 * slot] = (byte) (rnd.nextBoolean() ? 0 : 0x80);
            }
        }
        if (rnd.nextInt(3) == 0) {
            System.arraycopy("EFI PART".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, disk.bytes(), 512, 8);
            disk.bytes()[446 + 4] = (byte) 0xee;
        }
        assertSane(PartitionTableReader.read(disk), disk);
    }
}
