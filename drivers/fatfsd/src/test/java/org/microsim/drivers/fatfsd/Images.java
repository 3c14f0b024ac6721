package org.microsim.drivers.fatfsd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.microsim.hosttools.HostTools;

/**
 * Builds populated images with the real tools: mkfs.fat, then mcopy/mmd/mdel with long names, unicode,
 * nested directories, empty files and a fragmented file. Returns what each path should contain.
 */
final class Images {
    private Images() {
    }

    /** Paths (absolute, '/'-separated) to contents; directories map to null. */
    static Map<String, byte[]> populate(Path dir, Path img, long seed) throws IOException, InterruptedException {
        Random random = new Random(seed);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        String i = img.toString();
        for (String d : List.of("/dir one", "/dir one/sub dir", "/Ünïcødé dir", "/frag")) {
            HostTools.ok("mmd", "-i", i, "::" + d);
            expected.put(d, null);
        }
        Map<String, Integer> files = new LinkedHashMap<>();
        files.put("/hello.txt", 13);
        files.put("/README", 600);
        files.put("/lower.txt", 10);
        files.put("/A long file name with spaces.txt", 5000);
        files.put("/dir one/sub dir/deep file.bin", 70_000);
        files.put("/dir one/empty.dat", 0);
        files.put("/Ünïcødé dir/snow ☃ man.txt", 1234);
        files.put("/dir one/name.with.many.dots.tar.gz", 3000);
        for (Map.Entry<String, Integer> f : files.entrySet()) {
            expected.put(f.getKey(), copyIn(dir, i, f.getKey(), bytes(random, f.getValue())));
        }
        for (int k = 0; k < 10; k++) {
            byte[] piece = copyIn(dir, i, "/frag/piece" + k, bytes(random, 3000 + k));
            if (k % 2 == 1) {
                expected.put("/frag/piece" + k, piece);
            }
        }
        for (int k = 0; k < 10; k += 2) {
            HostTools.ok("mdel", "-i", i, "::/frag/piece" + k);
        }
        expected.put("/frag/fragmented big file.bin", copyIn(dir, i, "/frag/fragmented big file.bin",
                bytes(random, 40_000)));
        return expected;
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] copyIn(Path dir, String img, String path, byte[] content) throws IOException, InterruptedException {
        Path local = dir.resolve("in");
        Files.write(local, content);
        HostTools.ok("mcopy", "-i", img, local.toString(), "::" + path);
        return content;
    }

    static byte[] readBack(String img, String path) throws IOException, InterruptedException {
        return HostTools.ok("mcopy", "-i", img, "::" + path, "-").stdout();
    }
}
