package org.microsim.testkit.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/** The two test disks behave as a real device where tests rely on it, and tell what they were asked. */
class BlockDevicesTest {
    @TempDir
    Path dir;

    private static BlockError error(BlockDevice disk, boolean write, long lba, int count, byte[] buf) {
        return assertThrows(BlockException.class, () -> {
            if (write) {
                disk.write(lba, count, buf, 0);
            } else {
                disk.read(lba, count, buf, 0);
            }
        }).error();
    }

    @Test
    void aMemoryDiskIsItsArrayAndRefusesWhatARealDiskRefuses() throws Exception {
        byte[] bytes = new byte[4 * 512];
        MemoryDisk disk = MemoryDisk.of(bytes, 512);
        byte[] block = new byte[512];
        block[7] = 42;
        disk.write(2, 1, block, 0);
        assertEquals(42, bytes[2 * 512 + 7], "the array is the disk");
        bytes[3 * 512] = 9;
        disk.read(3, 1, block, 0);
        assertEquals(9, block[0]);

        assertEquals(BlockError.OUT_OF_RANGE, error(disk, false, 3, 2, new byte[1024]));
        assertEquals(BlockError.OUT_OF_RANGE, error(disk, true, -1, 1, block));
        assertEquals(BlockError.INVALID_REQUEST, error(disk, false, 0, 2, block));
        assertEquals(3, disk.reads());
        assertEquals(2, disk.writes());
        assertEquals(-1, disk.lowestAsked());
        assertEquals(5, disk.highestEndAsked(), "refused requests count in the extent asked for");

        disk.resetCounts();
        disk.setReadOnly(true);
        assertEquals(BlockError.READ_ONLY, error(disk, true, 0, 1, block));
        assertEquals(1, disk.writes(), "a refused write is still counted");
        assertEquals(0, bytes[0]);

        disk.flush();
        disk.flush();
        assertEquals(2, disk.flushes());
        disk.resetCounts();
        assertEquals(0, disk.flushes() + disk.reads() + disk.writes());

        disk.failNext(2, BlockError.IO_ERROR, "never answered");
        assertEquals(BlockError.IO_ERROR, error(disk, false, 0, 1, block));
        assertEquals(BlockError.IO_ERROR, error(disk, true, 0, 1, block));
        disk.read(0, 1, block, 0);

        disk.failWith(BlockError.IO_ERROR, "medium error");
        assertEquals(BlockError.IO_ERROR, error(disk, false, 0, 1, block));
        assertEquals(BlockError.IO_ERROR, error(disk, false, 0, 1, block));
    }

    @Test
    void aFileDiskReadsAndWritesItsImageAndRefusesWritesWhenReadOnly() throws Exception {
        Path image = dir.resolve("disk.img");
        byte[] content = new byte[8 * 512];
        content[512 * 5 + 1] = 5;
        Files.write(image, content);
        byte[] block = new byte[512];
        try (FileDisk disk = FileDisk.open(image)) {
            assertEquals(8, disk.blockCount());
            disk.read(5, 1, block, 0);
            assertEquals(5, block[1]);
            block[0] = 77;
            disk.write(6, 1, block, 0);
            disk.flush();
            assertEquals(BlockError.OUT_OF_RANGE, error(disk, true, 7, 2, new byte[1024]));
        }
        assertEquals(77, Files.readAllBytes(image)[6 * 512]);
        try (FileDisk disk = FileDisk.openReadOnly(image)) {
            assertTrue(disk.readOnly());
            assertEquals(BlockError.READ_ONLY, error(disk, true, 0, 1, block));
            byte[] all = new byte[8 * 512];
            disk.read(0, 8, all, 0);
            assertArrayEquals(Files.readAllBytes(image), all);
        }
    }
}
