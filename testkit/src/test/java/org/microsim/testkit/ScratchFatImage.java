package org.microsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import org.microsim.hosttools.HostTools;

/**
 * A FAT16 image made by mkfs.fat in a scratch directory, for properties that run a machine on it and then let
 * the real tools judge what it wrote: {@code fsck.fat -n} finds it clean and {@code mcopy} reads back every file.
 * The directory goes with {@link #close()}.
 */
final class ScratchFatImage implements AutoCloseable {
    /** The tools a property on such an image needs. */
    static final String[] TOOLS = {"mkfs.fat", "fsck.fat", "mcopy"};

    final Path dir;
    final Path image;

    /** A fresh 8 MiB FAT16 image in a new directory named after {@code prefix}. */
    ScratchFatImage(String prefix) throws IOException, InterruptedException {
        dir = Files.createTempDirectory(prefix);
        image = dir.resolve("fat.img");
        HostTools.ok("mkfs.fat", "-F", "16", "-C", image.toString(), "16384");
    }

    /** A host file of {@code size} bytes from {@code seed}, to put into the machine; its bytes. */
    byte[] hostFile(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(dir.resolve(name), data);
        return data;
    }

    /** fsck.fat finds the image clean, and mcopy reads back exactly these files. */
    void assertHolds(Map<String, byte[]> files) throws IOException, InterruptedException {
        HostTools.ok("fsck.fat", "-n", image.toString());
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path back = dir.resolve("back.bin");
            Files.deleteIfExists(back);
            HostTools.ok("mcopy", "-n", "-i", image.toString(), "::/" + file.getKey(), back.toString());
            assertArrayEquals(file.getValue(), Files.readAllBytes(back), file.getKey());
        }
    }

    @Override
    public void close() throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
