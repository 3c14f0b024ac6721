package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.images.FatFormatter;
import org.microsim.testkit.task.FileDisk;
import org.microsim.testkit.task.MemoryDisk;

/**
 * Volumes made by {@link FatFormatter} pass fsck.fat, read and write with mtools, mount with {@link FatVolume},
 * get mkfs.fat's cluster sizes, and sizes that cannot hold a type are refused.
 */
class FatFormatterTest {
    private static final FatClock CLOCK = new FatClock(() -> 0L);

    @TempDir
    Path dir;

    private Path blank(String name, long kib) throws IOException {
        Path img = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(kib * 1024);
        }
        return img;
    }

    private static FsType type(int bits) {
        return bits == 12 ? FsType.FAT12 : bits == 16 ? FsType.FAT16 : FsType.FAT32;
    }

    @ParameterizedTest
    @CsvSource({"12,1024", "12,4096", "16,16384", "16,65536", "32,65536", "32,307200"})
    void formattedVolumesPassFsckAndWorkWithMtoolsAndFatVolume(int bits, int kib) throws Exception {
        HostTools.require("fsck.fat", "mcopy", "mdir");
        Path img = blank("f.img", kib);
        try (FileDisk dev = FileDisk.open(img)) {
            assertEquals(type(bits), FatFormatter.format(dev, FatFormatter.Options.of(type(bits), "Demo Vol", 7),
                    CLOCK));
        }
        Tools.fsckClean(img);
        String listing = HostTools.ok("mdir", "-i", img.toString(), "::/").out();
        assertTrue(listing.contains("DEMO VOL"), listing);
        byte[] big = Images.bytes(new Random(bits), 70_000);
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, CLOCK);
            assertNull(v.readOnlyReason());
            assertEquals(type(bits), v.type());
            assertEquals("DEMO VOL", v.label());
            v.mkdir("/a directory");
            put(v, "/a directory/long file name.txt", "hello".getBytes(StandardCharsets.UTF_8));
            put(v, "/BIG.BIN", big);
            v.sync();
        }
        Tools.fsckClean(img);
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8),
                Images.readBack(img.toString(), "/a directory/long file name.txt"));
        assertArrayEquals(big, Images.readBack(img.toString(), "/BIG.BIN"));
        byte[] fromMtools = Images.copyIn(dir, img.toString(), "/FROMMT.TXT", "mtools".getBytes(StandardCharsets.UTF_8));
        Tools.fsckClean(img);
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, CLOCK);
            int fh = v.open("/FROMMT.TXT", OpenFlags.READ);
            byte[] got = new byte[16];
            assertEquals(fromMtools.length, v.read(fh, 0, got, 0, got.length));
            assertArrayEquals(fromMtools, Arrays.copyOf(got, fromMtools.length));
        }
    }

    private static void put(FatVolume v, String path, byte[] content) throws FsException {
        int fh = v.open(path, OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE);
        v.write(fh, 0, content, 0, content.length);
        v.close(fh);
    }

    @ParameterizedTest
    @CsvSource({"12,1024", "12,4096", "16,16384", "16,65536", "32,65536", "32,307200"})
    void clusterSizesAreMkfsFats(int bits, int kib) throws Exception {
        HostTools.require("mkfs.fat");
        Path ours = blank("ours.img", kib);
        try (FileDisk dev = FileDisk.open(ours)) {
            FatFormatter.format(dev, FatFormatter.Options.of(type(bits), "", 1), CLOCK);
        }
        Path theirs = dir.resolve("theirs.img");
        HostTools.ok("mkfs.fat", "-C", "-F", String.valueOf(bits), theirs.toString(), String.valueOf(kib));
        assertEquals(Files.readAllBytes(theirs)[13], Files.readAllBytes(ours)[13], "sectors per cluster");
    }

    @Test
    void anExplicitClusterSizeIsUsed() throws Exception {
        MemoryDisk dev = MemoryDisk.of(new byte[32 << 20], 512);
        FatFormatter.format(dev, new FatFormatter.Options(FsType.FAT16, 8, "", 1, 0), CLOCK);
        assertEquals(8 * 512, FatVolume.mount(dev, CLOCK).clusterSize());
    }

    @Test
    void fourKibibyteBlocksMakeFourKibibyteSectors() throws Exception {
        HostTools.require("fsck.fat");
        MemoryDisk dev = MemoryDisk.of(new byte[64 << 20], 4096);
        FatFormatter.format(dev, FatFormatter.Options.of(FsType.FAT16, "BIG", 1), CLOCK);
        FatVolume v = FatVolume.mount(dev, CLOCK);
        assertEquals(FsType.FAT16, v.type());
        assertEquals(4096, v.clusterSize());
        put(v, "/a file.txt", "four k".getBytes(StandardCharsets.UTF_8));
        v.sync();
        Path img = dir.resolve("4k.img");
        Files.write(img, dev.bytes());
        Tools.fsckClean(img);
    }

    @Test
    void theSameOptionsGiveTheSameBytesAndTheSeedTheVolumeId() throws Exception {
        MemoryDisk a = MemoryDisk.of(new byte[2 << 20], 512);
        MemoryDisk b = MemoryDisk.of(new byte[2 << 20], 512);
        MemoryDisk c = MemoryDisk.of(new byte[2 << 20], 512);
        FatFormatter.format(a, FatFormatter.Options.of(FsType.FAT12, "x", 42), CLOCK);
        FatFormatter.format(b, FatFormatter.Options.of(FsType.FAT12, "x", 42), CLOCK);
        FatFormatter.format(c, FatFormatter.Options.of(FsType.FAT12, "x", 43), CLOCK);
        assertArrayEquals(a.bytes(), b.bytes());
        assertFalse(Arrays.equals(a.bytes(), 39, 43, c.bytes(), 39, 43), "volume ids of different seeds");
    }

    @Test
    void hiddenSectorsAreRecorded() throws Exception {
        MemoryDisk dev = MemoryDisk.of(new byte[2 << 20], 512);
        FatFormatter.format(dev, FatFormatter.Options.of(FsType.FAT12, "", 1).at(2048), CLOCK);
        assertEquals(2048, Le.u32(dev.bytes(), 28));
    }

    @ParameterizedTest
    @CsvSource({"FAT32,16384,65525 clusters", "FAT16,1024,4085 to 65524", "FAT12,262144,1 to 4084",
            "FAT16,8388608,4085 to 65524"})
    void sizesThatCannotHoldTheTypeAreRefused(FsType type, long kib, String why) throws Exception {
        Path img = blank("r.img", kib);
        try (FileDisk dev = FileDisk.open(img)) {
            FsException e = assertThrows(FsException.class,
                    () -> FatFormatter.format(dev, FatFormatter.Options.of(type, "", 1), CLOCK));
            assertEquals(FsError.INVALID_REQUEST, e.error());
            assertTrue(e.getMessage().contains(why) && e.getMessage().contains(type.name()), e.getMessage());
        }
    }

    @Test
    void badOptionsAreRefused() {
        MemoryDisk dev = MemoryDisk.of(new byte[2 << 20], 512);
        assertEquals(FsError.INVALID_REQUEST, assertThrows(FsException.class, () -> FatFormatter.format(dev,
                new FatFormatter.Options(FsType.FAT12, 3, "", 1, 0), CLOCK)).error());
        assertEquals(FsError.INVALID_REQUEST, assertThrows(FsException.class, () -> FatFormatter.format(dev,
                FatFormatter.Options.of(FsType.FAT12, "twelve chars", 1), CLOCK)).error());
        assertEquals(FsError.INVALID_REQUEST, assertThrows(FsException.class, () -> FatFormatter.format(dev,
                FatFormatter.Options.of(FsType.FAT12, "a*b", 1), CLOCK)).error());
        dev.setReadOnly(true);
        assertEquals(FsError.READ_ONLY, assertThrows(FsException.class, () -> FatFormatter.format(dev,
                FatFormatter.Options.of(FsType.FAT12, "", 1), CLOCK)).error());
    }
}
