package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.FileDisk;

/**
 * What the library writes (random writes, appends, truncates, renames across directories, deletes, mkdir,
 * rmdir, a label) passes fsck.fat -n and reads back identically with mcopy; mdir shows the long names.
 */
class InteropWriteTest {
    @TempDir
    Path dir;

    private static final int RW = OpenFlags.READ | OpenFlags.WRITE;

    static void put(FatVolume v, String path, byte[] content) throws Exception {
        int fh = v.open(path, RW | OpenFlags.CREATE | OpenFlags.TRUNCATE);
        v.write(fh, 0, content, 0, content.length);
        v.close(fh);
    }

    @Test
    void longNamesOfEveryLengthReadBackWithMtools() throws Exception {
        HostTools.require("mkfs.fat", "mcopy", "mdir", "fsck.fat");
        Path img = Tools.mkfs(dir, "n.img", 32, 1, 65536);
        List<String> names = new ArrayList<>();
        for (int len : new int[] {9, 12, 13, 14, 25, 26, 27, 254, 255}) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append((char) ('a' + i % 26));
            }
            sb.setCharAt(len / 2, len % 2 == 0 ? ' ' : 'Ö');
            names.add(sb.toString());
        }
        names.add("x".repeat(20) + ".tar.gz");
        names.add("same prefix 1");
        names.add("same prefix 2");
        names.add("SAME PREFIX 3");
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
            v.mkdir("/n");
            for (String name : names) {
                put(v, "/n/" + name, name.getBytes(StandardCharsets.UTF_8));
            }
            v.sync();
        }
        Tools.fsckClean(img);
        String listing = HostTools.ok("mdir", "-i", img.toString(), "::/n").out();
        for (String name : names) {
            assertTrue(listing.contains(name), name + " in\n" + listing);
            assertArrayEquals(name.getBytes(StandardCharsets.UTF_8),
                    Images.readBack(img.toString(), "/n/" + name), name);
        }
    }

    /**
     * mkfs.fat -F 32 makes FAT32 below the specification's 65525 clusters (1 MiB gives about 2000), and Linux and
     * fsck.fat take it as FAT32 by its layout: so does the library, and what it writes there passes fsck.fat -n
     * and reads back from a fresh mount. (mtools cannot check it: Debian's 4.0.32 decides the FAT entry size by
     * the cluster count and reads mkfs.fat's own fresh image as broken.)
     */
    @Test
    void aFat32UnderTheSpecificationsMinimumIsWrittenAsFat32() throws Exception {
        HostTools.require("mkfs.fat", "fsck.fat");
        Path img = Tools.mkfs(dir, "small32.img", 32, 1, 1024);
        Random random = new Random(32);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
            assertEquals(org.microsim.abi.fs.FsType.FAT32, v.type());
            v.mkdir("/first directory");
            v.mkdir("/second directory");
            for (int k = 0; k < 40; k++) {
                String path = (k % 2 == 0 ? "/first directory/" : "/second directory/") + "a file named " + k + ".bin";
                byte[] content = Images.bytes(random, random.nextInt(3_000));
                put(v, path, content);
                files.put(path, content);
            }
            v.sync();
        }
        Tools.fsckClean(img);
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume again = FatVolume.mount(dev, new FatClock(() -> 0L));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                int fh = again.open(f.getKey(), OpenFlags.READ);
                byte[] back = new byte[f.getValue().length];
                assertEquals(back.length, again.read(fh, 0, back, 0, back.length), f.getKey());
                assertArrayEquals(f.getValue(), back, f.getKey());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"12,1,1440", "12,2,4096", "16,1,16384", "16,4,40960", "32,1,65536", "32,8,300000"})
    void libraryWritesPassFsckAndReadBackWithMtools(int bits, int spc, int kib) throws Exception {
        HostTools.require("mkfs.fat", "mcopy", "mmd", "mdel", "mdir", "fsck.fat");
        Path img = Tools.mkfs(dir, "w.img", bits, spc, kib);
        Map<String, byte[]> premade = Images.populate(dir, img, bits + spc);
        Random random = new Random(bits * 31L + spc);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, new FatClock(() -> 3_723_000_000_000L));
            v.mkdir("/new dir");
            v.mkdir("/new dir/nested ünïcode");
            v.mkdir("/UPPER");
            for (int k = 0; k < 30; k++) {
                String path = (k % 3 == 0 ? "/new dir/" : k % 3 == 1 ? "/new dir/nested ünïcode/" : "/")
                        + "Library file number " + k + (k % 2 == 0 ? ".txt" : " with a much longer name.data");
                byte[] content = Images.bytes(random, random.nextInt(k % 5 == 0 ? 20_000 : 2_000));
                put(v, path, content);
                files.put(path, content);
            }
            put(v, "/short.txt", "short".getBytes());
            files.put("/short.txt", "short".getBytes());
            put(v, "/MiXeD.Txt", "mixed".getBytes());
            files.put("/MiXeD.Txt", "mixed".getBytes());
            // random overwrites inside and past the end
            List<String> paths = new ArrayList<>(files.keySet());
            for (int k = 0; k < 40; k++) {
                String path = paths.get(random.nextInt(paths.size()));
                byte[] old = files.get(path);
                int at = random.nextInt(old.length + 3000);
                byte[] chunk = Images.bytes(random, random.nextInt(5000));
                int fh = v.open(path, RW);
                v.write(fh, at, chunk, 0, chunk.length);
                v.close(fh);
                byte[] now = Arrays.copyOf(old, Math.max(old.length, at + chunk.length));
                System.arraycopy(chunk, 0, now, at, chunk.length);
                files.put(path, now);
            }
            // append and truncate
            int fh = v.open("/short.txt", OpenFlags.WRITE | OpenFlags.APPEND);
            v.write(fh, 0, " and more".getBytes(), 0, 9);
            v.close(fh);
            byte[] before = files.get("/short.txt");
            byte[] appended = Arrays.copyOf(before, before.length + 9);
            System.arraycopy(" and more".getBytes(), 0, appended, before.length, 9);
            files.put("/short.txt", appended);
            String cut = paths.get(0);
            fh = v.open(cut, RW);
            v.truncate(fh, 100);
            v.close(fh);
            files.put(cut, Arrays.copyOf(files.get(cut), 100));
            // renames within and across directories, of files and of a directory
            v.rename("/short.txt", "/UPPER/renamed short.txt");
            files.put("/UPPER/renamed short.txt", files.remove("/short.txt"));
            v.rename(paths.get(3), "/moved to root.txt");
            files.put("/moved to root.txt", files.remove(paths.get(3)));
            v.rename("/new dir/nested ünïcode", "/UPPER/moved dir");
            for (String p : new ArrayList<>(files.keySet())) {
                if (p.startsWith("/new dir/nested ünïcode/")) {
                    files.put(p.replace("/new dir/nested ünïcode/", "/UPPER/moved dir/"), files.remove(p));
                }
            }
            v.rename("/hello.txt", "/HELLO.TXT");
            files.put("/HELLO.TXT", premade.get("/hello.txt"));
            // deletes, including premade files and a directory
            v.unlink(paths.get(6));
            files.remove(paths.get(6));
            v.unlink("/frag/fragmented big file.bin");
            v.mkdir("/gone");
            v.rmdir("/gone");
            v.setLabel("NEWLABEL");
            v.sync();
        }
        Tools.fsckClean(img);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Images.readBack(img.toString(), e.getKey()), e.getKey());
        }
        assertArrayEquals(premade.get("/dir one/sub dir/deep file.bin"),
                Images.readBack(img.toString(), "/dir one/sub dir/deep file.bin"));
        String listing = HostTools.ok("mdir", "-i", img.toString(), "::/UPPER/moved dir").out();
        assertTrue(listing.contains("Library file number 1 with a much longer name.data"), listing);
        String root = HostTools.ok("mdir", "-i", img.toString(), "::/").out();
        assertTrue(root.contains("NEWLABEL"), root);
        assertTrue(root.contains("MiXeD.Txt"), root);
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, new FatClock(() -> 0L));
            assertEquals("NEWLABEL", v.label());
            assertEquals(v.stat("/UPPER").modified(), LocalDateTime.of(2026, 1, 1, 1, 2, 2)
                    .toEpochSecond(ZoneOffset.UTC));
        }
    }
}
