package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.microsim.abi.block.BlockException;
import org.microsim.testkit.task.MemoryDisk;

/** Nothing done through a view reaches outside its partition; what is inside is translated exactly. */
class PartitionViewProperties {

    @Property(tries = 200)
    void viewsStayInsideTheirPartition(@ForAll long seed) {
        Random rnd = new Random(seed);
        MemoryDisk disk = new MemoryDisk(512, 10 + rnd.nextInt(200));
        rnd.nextBytes(disk.bytes());
        long first = rnd.nextLong(disk.blockCount());
        long count = 1 + rnd.nextLong(disk.blockCount() - first);
        PartitionView view = new PartitionView(disk, first, count);
        byte[] before = disk.bytes().clone();
        for (int op = 0; op < 20; op++) {
            long lba = rnd.nextLong(-3, count + 3);
            int n = rnd.nextInt(-2, 8);
            byte[] buffer = new byte[512 * rnd.nextInt(0, 9)];
            rnd.nextBytes(buffer);
            byte[] sent = buffer.clone();
            boolean fits = lba >= 0 && n > 0 && lba + n <= count && 512L * n <= buffer.length;
            try {
                if (rnd.nextBoolean()) {
                    view.read(lba, n, buffer, 0);
                    int at = Math.toIntExact((first + lba) * 512);
                    assertArrayEquals(Arrays.copyOfRange(disk.bytes(), at, at + 512 * n),
                            Arrays.copyOfRange(buffer, 0, 512 * n));
                } else {
                    view.write(lba, n, buffer, 0);
                    int at = Math.toIntExact((first + lba) * 512);
                    assertArrayEquals(Arrays.copyOfRange(sent, 0, 512 * n),
                            Arrays.copyOfRange(disk.bytes(), at, at + 512 * n));
                }
                assertTrue(fits, "accepted blocks " + lba + "+" + n + " of a " + count + "-block view");
            } catch (BlockException e) {
                assertTrue(!fits, "refused blocks " + lba + "+" + n + ": " + e.getMessage());
            }
        }
        if (disk.lowestAsked() != Long.MAX_VALUE) {
            assertTrue(disk.lowestAsked() >= first && disk.highestEndAsked() <= first + count,
                    "asked the disk for " + disk.lowestAsked() + ".." + disk.highestEndAsked());
        }
        int start = Math.toIntExact(first * 512);
        int end = Math.toIntExact((first + count) * 512);
        assertArrayEquals(Arrays.copyOfRange(before, 0, start), Arrays.copyOfRange(disk.bytes(), 0, start));
        assertArrayEquals(Arrays.copyOfRange(before, end, before.length),
                Arrays.copyOfRange(disk.bytes(), end, disk.bytes().length));
    }

    @Test
    void viewsMustLieInsideTheirParent() {
        MemoryDisk disk = new MemoryDisk(512, 100);
        assertThrows(IllegalArgumentException.class, () -> new PartitionView(disk, 50, 51));
        assertThrows(IllegalArgumentException.class, () -> new PartitionView(disk, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> new PartitionView(disk, 10, 0));
    }
}
