package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.FileDisk;

/** Images made and filled by mkfs.fat and mtools read back byte for byte through the library. */
class InteropReadTest {
    @TempDir
    Path dir;

    static FatClock clock() {
        return new FatClock(() -> 0L);
    }

    static byte[] readAll(FatVolume v, String path) throws Exception {
        int fh = v.open(path, OpenFlags.READ);
        long size = v.stat(path).size();
        byte[] out = new byte[(int) size];
        int n = v.read(fh, 0, out, 0, out.length);
        assertEquals(size, n, path);
        assertEquals(0, v.read(fh, size, new byte[10], 0, 10), "read at end of " + path);
        v.close(fh);
        return out;
    }

    @ParameterizedTest
    @CsvSource({"12,1,1440", "12,4,4096", "16,1,16384", "16,8,40960", "32,1,65536", "32,8,300000"})
    void readsWhatMtoolsWrote(int bits, int spc, int kib) throws Exception {
        HostTools.require("mkfs.fat", "mcopy", "mmd", "mdel");
        Path img = Tools.mkfs(dir, "t.img", bits, spc, kib);
        Map<String, byte[]> expected = Images.populate(dir, img, bits * 100 + spc);
        try (FileDisk dev = FileDisk.open(img)) {
            FatVolume v = FatVolume.mount(dev, clock());
            assertNull(v.readOnlyReason());
            assertEquals(FsType.valueOf("FAT" + bits), v.type());
            assertEquals(512 * spc, v.clusterSize());
            assertEquals("TESTVOL", v.label());
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                FileStat st = v.stat(e.getKey());
                String name = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
                assertEquals(name, st.name());
                if (e.getValue() == null) {
                    assertTrue(st.directory(), e.getKey());
                } else {
                    assertFalse(st.directory(), e.getKey());
                    assertArrayEquals(e.getValue(), readAll(v, e.getKey()), e.getKey());
                }
            }
            assertArrayEquals(expected.get("/hello.txt"), readAll(v, "/HELLO.TXT"), "case-insensitive lookup");
            assertArrayEquals(expected.get("/dir one/sub dir/deep file.bin"),
                    readAll(v, "/DIR ONE/Sub Dir/DEEP FILE.BIN"));
            Set<String> root = new TreeSet<>();
            for (FileStat s : v.list("/")) {
                root.add(s.name());
            }
            assertEquals(new TreeSet<>(Set.of("dir one", "Ünïcødé dir", "frag",
                    "hello.txt", "README", "lower.txt", "A long file name with spaces.txt")), root);
            assertTrue(v.statfs().freeClusters() > 0);
        }
    }
}
