package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.microsim.kernel.machine.AhciClient.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.DmaBuffer;

/** Raw image files: the user's file is safe by default, persist=on writes it, bad files are clear errors. */
class DiskImageTest {
    @TempDir
    Path dir;

    private Path image(String name, int bytes) throws IOException {
        byte[] content = new byte[bytes];
        new Random(bytes).nextBytes(content);
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    @Test
    void defaultModeKeepsTheFileByteIdenticalWhileTheDiskSeesItsWrites() throws Exception {
        Path file = image("disk.img", 64 * 512);
        byte[] before = Files.readAllBytes(file);
        byte[] sector = new byte[512];
        new Random(1).nextBytes(sector);
        try (FileImage disk = FileImage.open(file, false, false)) {
            assertFalse(disk.persistent());
            disk.write(5 * 512 + 3, sector, 0, 512);
            disk.flush();
            byte[] back = new byte[512];
            disk.read(5 * 512 + 3, back, 0, 512);
            assertArrayEquals(sector, back);
            byte[] untouched = new byte[512];
            disk.read(40 * 512, untouched, 0, 512);
            assertArrayEquals(java.util.Arrays.copyOfRange(before, 40 * 512, 41 * 512), untouched);
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void anImageCutShorterWhileInUseGivesAnIoErrorNotACrash() throws Exception {
        Path file = image("disk.img", 64 * 512);
        for (boolean persist : new boolean[] {false, true}) {
            try (FileImage disk = FileImage.open(file, false, persist)) {
                byte[] back = new byte[512];
                disk.read(60 * 512, back, 0, 512);
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                    channel.truncate(8 * 512);
                }
                IOException e = assertThrows(IOException.class, () -> disk.read(60 * 512, back, 0, 512));
                assertTrue(e.getMessage().contains("shorter"), e.getMessage());
            }
            Files.write(file, new byte[64 * 512]);
        }
    }

    @Test
    void aMachineRunWithoutPersistLeavesTheFileAlone() throws Exception {
        Path file = image("disk.img", 64 * 512);
        byte[] before = Files.readAllBytes(file);
        writeSectorThroughAhci(file, false);
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void persistOnWritesTheFileByCloseTime() throws Exception {
        Path file = image("disk.img", 64 * 512);
        byte[] before = Files.readAllBytes(file);
        byte[] written = writeSectorThroughAhci(file, true);
        byte[] after = Files.readAllBytes(file);
        assertArrayEquals(written, java.util.Arrays.copyOfRange(after, 7 * 512, 8 * 512));
        assertArrayEquals(java.util.Arrays.copyOfRange(before, 0, 7 * 512), java.util.Arrays.copyOfRange(after, 0, 7 * 512));
    }

    /** Boots a machine on the file, writes sector 7 with WRITE DMA EXT, flushes, closes; returns what it wrote. */
    private byte[] writeSectorThroughAhci(Path file, boolean persist) throws Exception {
        ManualTimeline timeline = new ManualTimeline();
        byte[] data = new byte[512];
        new Random(99).nextBytes(data);
        MachineConfig config = new MachineConfig(List.of(new DriveConfig.File(file, false, persist)), List.of(),
                ModelOptions.DEFAULT);
        try (Machine machine = new Machine(config, timeline)) {
            var abar = machine.ahci().orElseThrow().mmio();
            PhysicalMemory memory = machine.memory();
            Object owner = new Object();
            DmaBuffer cl = memory.allocate(1024, owner).orElseThrow();
            DmaBuffer table = memory.allocate(256, owner).orElseThrow();
            DmaBuffer buf = memory.allocate(512, owner).orElseThrow();
            buf.write(0, data, 0, 512);
            abar.write32(0x100 + PX_CLB, (int) cl.physAddress());
            abar.write32(0x100 + PX_CMD, CMD_ST);
            for (int[] command : new int[][] {{WRITE_DMA_EXT, 1}, {FLUSH_CACHE_EXT, 0}}) {
                table.write(0, h2d(command[0], 7, command[1]), 0, 20);
                table.putLong(0x80, buf.physAddress());
                table.putInt(0x8c, 511);
                cl.putInt(0, 5 | 1 << 6 | command[1] << 16);
                cl.putLong(8, table.physAddress());
                abar.write32(0x100 + PX_CI, 1);
                timeline.runUntilIdle();
                assertEquals(0, abar.read32(0x100 + PX_CI));
                assertEquals(0, abar.read32(0x100 + PX_IS) & IS_TFES);
            }
        }
        return data;
    }

    @Test
    void readOnlyImagesRefuseWrites() throws Exception {
        Path file = image("ro.img", 8 * 512);
        try (FileImage disk = FileImage.open(file, true, false)) {
            assertTrue(disk.readOnly());
            assertThrows(IOException.class, () -> disk.write(0, new byte[512], 0, 512));
        }
    }

    @Test
    void accessesPastTheEndFail() throws Exception {
        Path file = image("small.img", 8 * 512);
        try (FileImage disk = FileImage.open(file, false, false)) {
            assertThrows(IOException.class, () -> disk.read(8 * 512 - 100, new byte[512], 0, 512));
            assertThrows(IOException.class, () -> disk.write(-1, new byte[2], 0, 2));
        }
    }

    @Test
    void aSizeThatIsNotWholeSectorsIsAClearError() throws IOException {
        Path file = image("odd.img", 1000);
        MachineException e = assertThrows(MachineException.class, () -> FileImage.open(file, false, false));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("1000 bytes") && e.getMessage().contains("512"), e.getMessage());
    }

    @Test
    void aMissingFileIsAClearError() {
        Path file = dir.resolve("nope.img");
        MachineException e = assertThrows(MachineException.class, () -> FileImage.open(file, false, false));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void anEmptyFileAndADirectoryAreClearErrors() throws IOException {
        Path empty = image("empty.img", 0);
        assertTrue(assertThrows(MachineException.class, () -> FileImage.open(empty, false, false)).getMessage()
                .contains("0 bytes"));
        assertTrue(assertThrows(MachineException.class, () -> FileImage.open(dir, false, false)).getMessage()
                .contains("directory"));
    }

    @Test
    void anUnreadableFileIsAClearError() throws IOException {
        Path file = image("secret.img", 8 * 512);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "running as a user who can read anything");
        MachineException e = assertThrows(MachineException.class, () -> FileImage.open(file, false, false));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("permission denied"),
                e.getMessage());
    }

    @Test
    void aMachineWithABadImageFailsAtStartNamingIt() throws IOException {
        Path good = image("good.img", 8 * 512);
        Path bad = image("bad.img", 513);
        MachineConfig config = new MachineConfig(List.of(new DriveConfig.File(good, false, false),
                new DriveConfig.File(bad, false, false)), List.of(), ModelOptions.DEFAULT);
        MachineException e = assertThrows(MachineException.class, () -> new Machine(config, new ManualTimeline()));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void memoryImagesAreSparseAndChunked() throws IOException {
        MemoryImage disk = new MemoryImage(1L << 31); // 1 TiB, allocated only where written
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(data);
        long offset = (1L << 40) - data.length - 512;
        disk.write(offset, data, 0, data.length);
        byte[] back = new byte[data.length];
        disk.read(offset, back, 0, back.length);
        assertArrayEquals(data, back);
        byte[] zeros = new byte[4096];
        disk.read(0, zeros, 0, 4096);
        assertArrayEquals(new byte[4096], zeros);
    }
}
