package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.MemoryDisk;

/** The library on images in memory: errors, crash semantics, performance shape, short-name generation. */
class FatVolumeTest {
    @TempDir
    Path dir;

    static final int RW = OpenFlags.READ | OpenFlags.WRITE;
    static final int NEW = RW | OpenFlags.CREATE | OpenFlags.EXCLUSIVE;

    MemoryDisk image(int bits, int spc, int kib) throws Exception {
        HostTools.require("mkfs.fat");
        Path img = Tools.mkfs(dir, "m" + bits + "-" + spc + ".img", bits, spc, kib);
        return MemoryDisk.of(Files.readAllBytes(img), 512);
    }

    static FatVolume mount(MemoryDisk dev) throws FsException {
        return FatVolume.mount(dev, new FatClock(() -> 0L));
    }

    static FsError error(Executable e) {
        return assertThrows(FsException.class, e::run).error();
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void sixtyFourMebibytesGoThroughInFewLargeDeviceCalls() throws Exception {
        MemoryDisk dev = image(32, 1, 100_000);
        FatVolume v = mount(dev);
        byte[] content = Images.bytes(new Random(1), 64 << 20);
        int fh = v.open("/big.bin", NEW);
        dev.resetCounts();
        for (int at = 0; at < content.length; at += 8 << 20) {
            v.write(fh, at, content, at, 8 << 20);
        }
        assertTrue(dev.writes() <= 16, "writes: " + dev.writes());
        v.sync();
        FatVolume again = mount(dev);
        int rh = again.open("/big.bin", OpenFlags.READ);
        byte[] back = new byte[content.length];
        dev.resetCounts();
        for (int at = 0; at < back.length; at += 4 << 20) {
            assertEquals(4 << 20, again.read(rh, at, back, at, 4 << 20));
        }
        assertTrue(dev.reads() <= 32, "reads: " + dev.reads());
        assertArrayEquals(content, back);
        int fsInfo = Le.u16(dev.bytes(), 48) * 512;
        assertEquals(again.statfs().freeClusters(), Le.u32(dev.bytes(), fsInfo + 488), "FSInfo free count");
        assertEquals(again.statfs().totalClusters() - (64 << 20) / 512 - 1, again.statfs().freeClusters());
    }

    @Test
    void aSyncAfterEachChangeWritesOnlyTheDirectorysChangedClustersAndLosesNoLongName() throws Exception {
        // 512-byte clusters hold 16 entries, and a name of 40 characters takes 4 LFN entries and a short one,
        // so the runs of entries of some names start in one cluster and end in the next.
        MemoryDisk dev = image(16, 1, 4096);
        FatVolume v = mount(dev);
        v.mkdir("/d");
        v.sync();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String name = String.format("a rather long file name number %04d.txt", i);
            names.add(name);
            v.close(v.open("/d/" + name, NEW));
            v.sync();
        }
        dev.resetCounts();
        v.mkdir("/d/last one with a long name");
        v.sync();
        // The new entries (at most two clusters), the new directory's cluster, a FAT sector per copy, and no more:
        // not the whole directory of some twenty clusters.
        assertTrue(dev.writes() <= 6, "device writes for one mkdir: " + dev.writes());
        names.add("last one with a long name");
        assertEquals(names.stream().sorted().toList(),
                mount(dev).list("/d").stream().map(FileStat::name).sorted().toList());
    }

    @Test
    void tenThousandLongNamesInOneDirectory() throws Exception {
        MemoryDisk dev = image(32, 1, 65536);
        FatVolume v = mount(dev);
        v.mkdir("/many");
        byte[] one = {42};
        for (int k = 0; k < 10_000; k++) {
            int fh = v.open("/many/a rather long file name number " + k + ".text", NEW);
            v.write(fh, 0, one, 0, 1);
            v.close(fh);
        }
        v.sync();
        FatVolume again = mount(dev);
        var list = again.list("/many");
        assertEquals(10_000, list.size());
        Set<String> names = new HashSet<>();
        list.forEach(s -> names.add(s.name()));
        assertTrue(names.contains("a rather long file name number 9999.text"));
        assertEquals(1, again.stat("/MANY/A RATHER LONG FILE NAME NUMBER 5000.TEXT").size());
    }

    @Test
    void crashKeepsExactlyTheSyncedState() throws Exception {
        MemoryDisk dev = image(16, 1, 16384);
        FatVolume v = mount(dev);
        InteropWriteTest.put(v, "/kept.txt", "synced".getBytes());
        v.mkdir("/d");
        v.sync();
        int fh = v.open("/kept.txt", RW);
        v.write(fh, 0, "CHANGED and longer".getBytes(), 0, 18);
        v.unlink("/kept.txt");
        InteropWriteTest.put(v, "/new.txt", new byte[100_000]);
        v.rmdir("/d");
        FatVolume after = mount(dev);
        assertArrayEquals("synced".getBytes(), InteropReadTest.readAll(after, "/kept.txt"));
        assertTrue(after.stat("/d").directory());
        assertEquals(FsError.NOT_FOUND, error(() -> after.stat("/new.txt")));
    }

    /**
     * A write the device fails gives back the clusters it took: the file keeps its size and no chain longer than
     * it reaches the disk at the next sync (a campaign's fault disk error=io found fsck's "cluster chain length is
     * > size" and a wrong free count there).
     */
    @Test
    void aWriteTheDeviceFailsLeavesNoClusterBehind() throws Exception {
        MemoryDisk dev = image(16, 1, 16384);
        FatVolume v = mount(dev);
        long free = v.statfs().freeClusters();
        int fh = v.open("/f1.txt", NEW);
        dev.failNext(1, BlockError.IO_ERROR, "uncorrectable read error");
        assertEquals(FsError.IO_ERROR, error(() -> v.write(fh, 0, "echo61\n".getBytes(), 0, 7)));
        v.close(fh);
        v.sync();
        assertEquals(free, v.statfs().freeClusters());
        assertEquals(0, v.stat("/f1.txt").size());
        Path img = dir.resolve("failed-write.img");
        Files.write(img, dev.bytes());
        Tools.fsckClean(img);
    }

    @Test
    void errorsAreValuesWithReasons() throws Exception {
        FatVolume v = mount(image(12, 1, 1440));
        InteropWriteTest.put(v, "/f", new byte[10]);
        v.mkdir("/d");
        InteropWriteTest.put(v, "/d/x", new byte[1]);
        v.mkdir("/d/sub");
        assertEquals(FsError.NOT_FOUND, error(() -> v.open("/missing", OpenFlags.READ)));
        assertEquals(FsError.EXISTS, error(() -> v.open("/F", NEW)));
        assertEquals(FsError.EXISTS, error(() -> v.mkdir("/D")));
        assertEquals(FsError.NOT_A_DIRECTORY, error(() -> v.open("/f/x", OpenFlags.READ)));
        assertEquals(FsError.IS_A_DIRECTORY, error(() -> v.open("/d", OpenFlags.READ)));
        assertEquals(FsError.IS_A_DIRECTORY, error(() -> v.unlink("/d")));
        assertEquals(FsError.NOT_EMPTY, error(() -> v.rmdir("/d")));
        assertEquals(FsError.NOT_A_DIRECTORY, error(() -> v.rmdir("/f")));
        assertEquals(FsError.INVALID_NAME, error(() -> v.open("/a*b", NEW)));
        assertEquals(FsError.INVALID_NAME, error(() -> v.mkdir("/trailing.")));
        assertEquals(FsError.NAME_TOO_LONG, error(() -> v.open("/" + "x".repeat(256), NEW)));
        assertEquals(FsError.BAD_HANDLE, error(() -> v.read(999, 0, new byte[1], 0, 1)));
        int ro = v.open("/f", OpenFlags.READ);
        assertEquals(FsError.BAD_HANDLE, error(() -> v.write(ro, 0, new byte[1], 0, 1)));
        assertEquals(FsError.INVALID_NAME, error(() -> v.rename("/d", "/d/sub/inside")));
        assertEquals(FsError.INVALID_REQUEST, error(() -> v.open("/f", OpenFlags.CREATE)));
        v.setAttributes("/f", FileStat.READ_ONLY | FileStat.HIDDEN);
        assertEquals(FileStat.READ_ONLY | FileStat.HIDDEN, v.stat("/f").attributes());
        assertEquals(FsError.READ_ONLY, error(() -> v.open("/f", OpenFlags.WRITE)));
        assertEquals(FsError.INVALID_REQUEST, error(() -> v.setAttributes("/f", FileStat.DIRECTORY)));
        v.setAttributes("/d", FileStat.SYSTEM);
        assertEquals(FileStat.SYSTEM | FileStat.DIRECTORY, v.stat("/d").attributes());
        v.unlink("/f");
        assertEquals(FsError.BAD_HANDLE, error(() -> v.read(ro, 0, new byte[1], 0, 1)));
        // the fixed FAT12 root directory fills up
        FsError full = null;
        for (int k = 0; k < 300 && full == null; k++) {
            int n = k;
            try {
                v.close(v.open("/file " + n + " with a long name", NEW));
            } catch (FsException e) {
                full = e.error();
            }
        }
        assertEquals(FsError.NO_SPACE, full);
    }

    @Test
    void severalHandlesShareOneFileAndSurviveARename() throws Exception {
        FatVolume v = mount(image(16, 1, 16384));
        v.mkdir("/a");
        v.mkdir("/b");
        int w = v.open("/a/shared file.txt", NEW);
        int r = v.open("/a/shared file.txt", OpenFlags.READ);
        int other = v.open("/a/other", NEW);
        v.write(w, 0, "first".getBytes(), 0, 5);
        v.write(other, 0, "x".getBytes(), 0, 1);
        byte[] buf = new byte[5];
        assertEquals(5, v.read(r, 0, buf, 0, 5));
        assertArrayEquals("first".getBytes(), buf);
        v.rename("/a/shared file.txt", "/b/Renamed.txt");
        v.write(w, 5, "+more".getBytes(), 0, 5);
        buf = new byte[10];
        assertEquals(10, v.read(r, 0, buf, 0, 10));
        assertArrayEquals("first+more".getBytes(), buf);
        assertEquals(10, v.stat("/b/renamed.TXT").size());
        assertEquals("Renamed.txt", v.stat("/b/renamed.TXT").name());
        assertEquals(FsError.NOT_FOUND, error(() -> v.stat("/a/shared file.txt")));
        v.close(w);
        v.close(r);
        assertEquals(FsError.BAD_HANDLE, error(() -> v.close(r)));
    }

    @Test
    void noSpaceWhenTheDiskIsFull() throws Exception {
        FatVolume v = mount(image(12, 1, 1440));
        int fh = v.open("/fill", NEW);
        FsException e = assertThrows(FsException.class, () -> v.write(fh, 0, new byte[2 << 20], 0, 2 << 20));
        assertEquals(FsError.NO_SPACE, e.error());
        assertTrue(e.getMessage().contains("clusters"), e.getMessage());
    }

    @Test
    void shortNamesFollowTheBasisNameRules() throws Exception {
        Set<String> taken = new HashSet<>();
        assertEquals("LONGFI~1TXT", Names.asKey(Names.generate("longfilename.txt", taken)));
        taken.add("LONGFI~1TXT");
        assertEquals("LONGFI~2TXT", Names.asKey(Names.generate("LongFileName.txt", taken)));
        assertEquals("README  TXT", Names.asKey(Names.generate("ReadMe.txt", Set.of())));
        assertEquals("ABC~1   MD ", Names.asKey(Names.generate("a b c.md", Set.of())));
        assertEquals("_NICOD~1TXT", Names.asKey(Names.generate("ünicode.txt", Set.of())));
        assertEquals("NAMEWI~1GZ ", Names.asKey(Names.generate("name.with.dots.gz", Set.of())));
        assertEquals("BASHRC~1   ", Names.asKey(Names.generate(".bashrc", Set.of())));
        assertEquals("A_B~1   TXT", Names.asKey(Names.generate("a+b.txt", Set.of())));
        for (int n = 1; n <= 4; n++) {
            taken.add("LONGFI~" + n + "TXT");
        }
        String hashed = Names.asKey(Names.generate("longfilename.txt", taken));
        assertTrue(hashed.matches("LO[0-9A-F]{4}~1TXT"), hashed);
        assertNotNull(Names.exact("readme.txt"));
        assertEquals(0x18, Names.exact("readme.txt").caseBits());
        assertEquals(null, Names.exact("ReadMe.txt"));
    }

    @Test
    void growsAndShrinksFilesWithZeros() throws Exception {
        MemoryDisk dev = image(16, 4, 16384);
        FatVolume v = mount(dev);
        int fh = v.open("/g", NEW);
        v.write(fh, 0, new byte[] {1, 2, 3}, 0, 3);
        v.write(fh, 5000, new byte[] {9}, 0, 1);
        byte[] expect = new byte[5001];
        expect[0] = 1;
        expect[1] = 2;
        expect[2] = 3;
        expect[5000] = 9;
        byte[] back = new byte[5001];
        v.read(fh, 0, back, 0, 5001);
        assertArrayEquals(expect, back);
        v.truncate(fh, 1);
        v.truncate(fh, 3000);
        back = new byte[3000];
        v.read(fh, 0, back, 0, 3000);
        byte[] zeros = new byte[3000];
        zeros[0] = 1;
        assertArrayEquals(zeros, back);
        long free = v.statfs().freeClusters();
        v.truncate(fh, 0);
        v.sync();
        assertEquals(free + 2, mount(dev).statfs().freeClusters());
        FileStat st = v.stat("/g");
        assertFalse(st.directory());
        assertEquals(0, st.size());
    }
}
