package org.microsim.harness.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.microsim.harness.Carriers;
import org.microsim.hosttools.HostTools;

/**
 * Writing and reading a 64 MiB file through the whole chain (console put/get -> shell -> VFS -> fatfsd ->
 * partd -> ahci -> AHCI model), side by side with mtools' {@code mcopy} doing the same on the same kind of
 * image in the same run (goals: read >= 1.0x mcopy, write >= 0.5x; each the median of 3 runs after 20 warm-up
 * runs, and the simulator's first, cold, run printed too); then creating 10,000 files with long names in one
 * directory and looking each up. The image is made by {@code mkfs.fat}; the simulator writes through to its
 * own copy (persist=on) as mcopy writes to its copy, both forced to the host's disk before the write counts as
 * done (a put is answered once its file is durable), and {@code fsck.fat -n} checks the simulator's at the
 * end. Needs dosfstools and mtools. Arguments: [MiB, default 64] [files, default 10000].
 */
public final class FatFileBench {
    private static final int WARMUPS = 20;

    private FatFileBench() {
    }

    public static void main(String[] args) throws Exception {
        Carriers.forDeterministicMachines(); // as sim does for a deterministic machine
        int mib = Measure.intArg(args, 0, 64);
        int files = Measure.intArg(args, 1, 10_000);
        Path dir = Files.createTempDirectory("microsim-bench");
        try {
            Path image = dir.resolve("fat.img");
            HostTools.ok("mkfs.fat", "-F", "32", "-C", image.toString(), Long.toString(Math.max(256, mib * 3L) * 1024));
            Path payload = dir.resolve("payload.bin");
            byte[] data = new byte[mib << 20];
            new Random(7).nextBytes(data);
            Files.write(payload, data);
            Path back = dir.resolve("back.bin");

            Path mtoolsImage = dir.resolve("mtools.img");
            Files.copy(image, mtoolsImage);
            // A put returns once the file is on the disk (fatfsd answers a close after writing once the volume is
            // synced, and a persist=on image is then forced to the host's disk), so mcopy's copy is forced too.
            long mcopyWrite = Measure.median(WARMUPS, 3, () -> timed(() -> {
                HostTools.ok("mcopy", "-o", "-i", mtoolsImage.toString(), payload.toString(), "::/BIG.BIN");
                try (FileChannel written = FileChannel.open(mtoolsImage, StandardOpenOption.WRITE)) {
                    written.force(true);
                }
            }));
            long mcopyRead = Measure.median(WARMUPS, 3, () -> timed(() -> HostTools.ok("mcopy", "-n", "-i",
                    mtoolsImage.toString(), "::/BIG.BIN", back.toString())));

            // The simulator writes through to its own copy (persist=on), as mcopy writes to its image.
            Path simImage = dir.resolve("sim.img");
            Files.copy(image, simImage);
            try (BenchMachine m = new BenchMachine(simImage, true)) {
                String file = "/vol/ahci0:disk0p0/BIG.BIN";
                long firstWrite = m.time("put", payload.toString(), file);
                long simWrite = Measure.median(WARMUPS, 3, () -> m.time("put", payload.toString(), file));
                long firstRead = m.time("get", file, back.toString());
                long simRead = Measure.median(WARMUPS, 3, () -> m.time("get", file, back.toString()));
                if (!Arrays.equals(data, Files.readAllBytes(back))) {
                    throw new IllegalStateException("the file read back through the simulator differs");
                }
                System.out.printf("%d MiB file on FAT32 (%d-byte clusters), median of 3 after %d warm-up runs%n",
                        mib, clusterBytes(image), WARMUPS);
                System.out.printf("write: simulator %8.1f MB/s, mcopy %8.1f MB/s, ratio %.2fx (goal >= 0.5x);"
                        + " first run %.1f MB/s%n", mbPerSecond(data, simWrite), mbPerSecond(data, mcopyWrite),
                        (double) mcopyWrite / simWrite, mbPerSecond(data, firstWrite));
                System.out.printf("read:  simulator %8.1f MB/s, mcopy %8.1f MB/s, ratio %.2fx (goal >= 1.0x);"
                        + " first run %.1f MB/s%n", mbPerSecond(data, simRead), mbPerSecond(data, mcopyRead),
                        (double) mcopyRead / simRead, mbPerSecond(data, firstRead));

                Path tiny = dir.resolve("tiny.txt");
                Files.writeString(tiny, "x");
                m.run("mkdir", "/vol/ahci0:disk0p0/many");
                long start = System.nanoTime();
                for (int i = 0; i < files; i++) {
                    m.run("put", tiny.toString(), "/vol/ahci0:disk0p0/many/a file with a long name " + i + ".txt");
                }
                long created = System.nanoTime() - start;
                start = System.nanoTime();
                for (int i = 0; i < files; i++) {
                    m.run("stat", "/vol/ahci0:disk0p0/many/a file with a long name " + i + ".txt");
                }
                long looked = System.nanoTime() - start;
                System.out.printf("%,d files with long names in one directory: created %s, looked up %s"
                        + " (each a console command through shell, VFS and fatfsd)%n", files,
                        Measure.perSecond(files, created), Measure.perSecond(files, looked));
                m.run("sync");
            }
            HostTools.ok("fsck.fat", "-n", simImage.toString());
            System.out.println("fsck.fat -n finds the simulator's image clean");
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double mbPerSecond(byte[] data, long nanos) {
        return data.length / (nanos / 1e3);
    }

    /** The cluster size mkfs.fat chose: bytes per sector times sectors per cluster, from the boot sector. */
    private static int clusterBytes(Path image) throws IOException {
        byte[] boot = new byte[14];
        try (var in = Files.newInputStream(image)) {
            in.readNBytes(boot, 0, boot.length);
        }
        return ((boot[11] & 0xff) | (boot[12] & 0xff) << 8) * (boot[13] & 0xff);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException, InterruptedException;
    }

    private static long timed(Step step) {
        long start = System.nanoTime();
        try {
            step.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return System.nanoTime() - start;
    }
}
