package org.microsim.drivers.fatfsd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.microsim.hosttools.HostTools;

/**
 * What fatfsd's tests do with the host's FAT tools beyond running them ({@link HostTools} runs them, and decides
 * what a missing one means): temporary image directories, images made by mkfs.fat, and fsck.fat's verdict.
 */
final class Tools {
    private Tools() {
    }

    /** A fresh temporary directory for a test class's images (created in a static initializer). */
    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Makes an image of {@code kib} KiB with mkfs.fat. */
    static Path mkfs(Path dir, String name, int fatBits, int sectorsPerCluster, int kib)
            throws IOException, InterruptedException {
        Path img = dir.resolve(name);
        HostTools.ok("mkfs.fat", "-C", "-F", String.valueOf(fatBits), "-s", String.valueOf(sectorsPerCluster), "-n", "TESTVOL",
                img.toString(), String.valueOf(kib));
        return img;
    }

    /** Runs fsck.fat -n and returns its output, failing on a non-zero exit or a complaint. */
    static String fsckClean(Path img) throws IOException, InterruptedException {
        HostTools.Run r = HostTools.run("fsck.fat", "-n", "-v", img.toString());
        String all = r.out() + r.stderr();
        if (r.exit() != 0 || all.contains("differences") || all.contains("Free cluster")
                || all.contains("Reclaimed") || all.contains("Perform changes")) {
            throw new AssertionError("fsck.fat -n " + img + " exited " + r.exit() + ":\n" + all);
        }
        return all;
    }
}
