package org.microsim.drivers.fatfsd;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.MemoryDisk;

/**
 * Real images (made and filled by mkfs.fat and mtools) with random bit flips in the boot sector, the FAT and
 * directory sectors: mounting, walking every directory, reading every file, and writing must end, and fail
 * only with {@link FsException}s that say something.
 */
class CorruptionProperties {
    private static final Path TMP = Tools.tempDir("fatfsd-corrupt");
    private static final Map<Integer, byte[]> IMAGES = new TreeMap<>();

    @AfterContainer
    static void cleanUp() throws IOException {
        Tools.deleteTree(TMP);
    }

    static synchronized byte[] image(int bits) throws Exception {
        HostTools.require("mkfs.fat", "mcopy", "mmd", "mdel");
        if (!IMAGES.containsKey(bits)) {
            Path img = Tools.mkfs(TMP, "c" + bits + ".img", bits, 1, bits == 32 ? 34000 : bits == 16 ? 8192 : 1440);
            Images.populate(TMP, img, bits);
            IMAGES.put(bits, Files.readAllBytes(img));
        }
        return IMAGES.get(bits).clone();
    }

    /** Where a flip lands: 0 boot sector, 1 first FAT, 2 root directory and the first data clusters. */
    record Flip(int region, int offset, int bit) {
    }

    @Provide
    Arbitrary<List<Flip>> flips() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.integers().between(0, 7)).as(Flip::new).list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 60)
    void corruptImagesGiveErrorsNeverHangsOrCrashes(@ForAll @IntRange(min = 0, max = 2) int type,
            @ForAll("flips") List<Flip> flips) throws Exception {
        int bits = new int[] {12, 16, 32}[type];
        byte[] bytes = image(bits);
        Bpb bpb = Bpb.parse(bytes, bytes.length);
        for (Flip f : flips) {
            long start;
            long length;
            switch (f.region()) {
                case 0 -> {
                    start = 0;
                    length = 512;
                }
                case 1 -> {
                    start = (long) bpb.reservedSectors() * 512;
                    length = bpb.fatSize() * 512;
                }
                default -> {
                    start = bpb.rootDirStart() * 512;
                    length = (bpb.rootDirSectors() + 16L * bpb.sectorsPerCluster()) * 512;
                }
            }
            int at = (int) (start + f.offset() % length);
            bytes[at] ^= (byte) (1 << f.bit());
        }
        MemoryDisk dev = MemoryDisk.of(bytes, 512);
        try {
            exercise(FatVolume.mount(dev, new FatClock(() -> 0L)));
        } catch (FsException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "an error without a message");
        }
    }

    private static void exercise(FatVolume v) throws FsException {
        v.statfs();
        List<String> dirs = new ArrayList<>(List.of("/"));
        List<String> files = new ArrayList<>();
        for (int i = 0; i < dirs.size() && dirs.size() < 200; i++) {
            String d = dirs.get(i);
            List<FileStat> entries;
            try {
                entries = v.list(d);
            } catch (FsException e) {
                continue;
            }
            for (FileStat s : entries) {
                String p = (d.equals("/") ? "" : d) + "/" + s.name();
                (s.directory() ? dirs : files).add(p);
            }
        }
        for (String f : files) {
            try {
                int fh = v.open(f, OpenFlags.READ);
                byte[] buf = new byte[(int) Math.min(1 << 20, v.stat(f).size())];
                v.read(fh, 0, buf, 0, buf.length);
                v.close(fh);
            } catch (FsException e) {
                assertFalse(e.getMessage().isBlank());
            }
        }
        attempt(() -> {
            int fh = v.open("/new file from the library.txt", OpenFlags.WRITE | OpenFlags.CREATE);
            v.write(fh, 0, new byte[5000], 0, 5000);
        });
        attempt(() -> v.mkdir("/new dir"));
        for (String f : files.subList(0, Math.min(3, files.size()))) {
            attempt(() -> v.unlink(f));
        }
        for (String d : dirs.subList(1, Math.min(3, dirs.size()))) {
            attempt(() -> v.rename(d, "/moved " + d.hashCode()));
        }
        attempt(v::sync);
    }

    interface Step {
        void run() throws FsException;
    }

    private static void attempt(Step step) {
        try {
            step.run();
        } catch (FsException e) {
            assertFalse(e.getMessage().isBlank());
        }
    }
}
