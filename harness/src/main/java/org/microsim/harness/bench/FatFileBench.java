package org.microsim.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writing and reading a 64 MiB file through the whole chain (console put/get -> shell -> VFS -> fatfsd ->
 * partd -> ahci -> AHCI model), side by side with mtools' {@code mcopy} doing the same on the same kind of
 * image in the same run (goals: read >= 1.0x mcopy, write >= 0.5x); then creating 10,000 files with long
 * names in one directory and looking each up. The image is made by {@code mkfs.fat}; both need dosfstools
 * and mtools. Arguments: [MiB, default 64] [files, default 10000].
 */
public final class FatFileBench {
    private FatFileBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = Measure.intArg(args, 0, 64);
        int files = Measure.intArg(args, 1, 10_000);
        Path dir = Files.createTempDirectory("microsim-bench");
        try {
            Path image = dir.resolve("fat.img");
            exec("mkfs.fat", "-F", "32", "-C", image.toString(), Long.toString(Math.max(256, mib * 3L) * 1024));
            Path payload = dir.resolve("payload.bin");
            byte[] data = new byte[mib << 20];
            new Random(7).nextBytes(data);
            Files.write(payload, data);
            Path back = dir.resolve("back.bin");

            Path mtoolsImage = dir.resolve("mtools.img");
            Files.copy(image, mtoolsImage);
            long mcopyWrite = timed(() -> exec("mcopy", "-i", mtoolsImage.toString(), payload.toString(), "::/BIG.BIN"));
            long mcopyRead = timed(() -> exec("mcopy", "-n", "-i", mtoolsImage.toString(), "::/BIG.BIN",
                    back.toString()));

            try (BenchMachine m = new BenchMachine(image)) {
                String file = "/vol/ahci0:disk0p0/BIG.BIN";
                long simWrite = m.time("put", payload.toString(), file);
                Files.deleteIfExists(back);
                long simRead = m.time("get", file, back.toString());
                if (!Arrays.equals(data, Files.readAllBytes(back))) {
                    throw new IllegalStateException("the file read back through the simulator differs");
                }
                System.out.printf("%d MiB file on FAT32, one run each%n", mib);
                System.out.printf("write: simulator %8.1f MB/s, mcopy %8.1f MB/s, ratio %.2fx (goal >= 0.5x)%n",
                        data.length / (simWrite / 1e3), data.length / (mcopyWrite / 1e3), (double) mcopyWrite / simWrite);
                System.out.printf("read:  simulator %8.1f MB/s, mcopy %8.1f MB/s, ratio %.2fx (goal >= 1.0x)%n",
                        data.length / (simRead / 1e3), data.length / (mcopyRead / 1e3), (double) mcopyRead / simRead);

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
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException, InterruptedException;
    }

    private static long timed(Step step) throws IOException, InterruptedException {
        long start = System.nanoTime();
        step.run();
        return System.nanoTime() - start;
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
