package org.microsim.harness.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.microsim.images.PartitionWriter;
import org.microsim.harness.Carriers;
import org.microsim.images.DemoDisks;
import org.microsim.kernel.machine.FileImage;

/**
 * Sequential read of a 256 MiB partition through the whole chain (console get -> shell -> VFS -> partd ->
 * ahci -> AHCI model, every byte by DMA), against reading the same range of the image file with a
 * FileChannel in the same run (goal >= 0.5x). The timed gets go to /dev/null, as {@code dd} measures a
 * device, so that the host's file writing stays out of the figure; one get into a file first checks every
 * byte. Each side is the median of 3 runs after 3 warm-up runs. Then 4 KiB reads at random offsets through the same chain
 * (each a console hexdump of 4096 bytes, so it includes the console's and shell's own work).
 * Arguments: [MiB, default 256] [random reads, default 2000].
 */
public final class StorageReadBench {
    private static final long FIRST_LBA = 2048;
    private static final int WARMUPS = 3;

    private StorageReadBench() {
    }

    public static void main(String[] args) throws Exception {
        Carriers.forDeterministicMachines(); // as sim does for a deterministic machine
        int mib = Measure.intArg(args, 0, 256);
        int randomReads = Measure.intArg(args, 1, 2000);
        Path dir = Files.createTempDirectory("microsim-bench");
        Path image = dir.resolve("disk.img");
        long partBlocks = mib * 2048L;
        byte[] expected = prepare(image, partBlocks);
        Path out = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempFile(Path.of("/dev/shm"), "microsim", ".bin")
                : dir.resolve("out.bin");
        try (FileChannel channel = FileChannel.open(image)) {
            byte[] into = new byte[expected.length];
            long direct = Measure.median(WARMUPS, 3, () -> readDirect(channel, into));
            try (BenchMachine m = new BenchMachine(image)) {
                m.run("get", "/dev/ahci0:disk0p1", out.toString());
                if (!Arrays.equals(expected, Files.readAllBytes(out))) {
                    throw new IllegalStateException("the bytes read through the simulator differ from the image");
                }
                // Into /dev/null, as dd measures a device: the read, not the host's file writing.
                long sim = Measure.median(WARMUPS, 3, () -> m.time("get", "/dev/ahci0:disk0p1", "/dev/null"));
                System.out.printf("sequential read of %d MiB, median of 3 after %d warm-up runs%n", mib, WARMUPS);
                System.out.printf("FileChannel on the image         %8.1f MB/s%n", expected.length / (direct / 1e3));
                System.out.printf("get through VFS/partd/ahci/model %8.1f MB/s (get PARTITION /dev/null)%n",
                        expected.length / (sim / 1e3));
                System.out.printf("ratio simulator / FileChannel: %.2fx (goal >= 0.5x)%n", (double) direct / sim);
                Random random = new Random(1);
                long start = System.nanoTime();
                for (int i = 0; i < randomReads; i++) {
                    long offset = (random.nextLong(partBlocks * 512 / 4096)) * 4096;
                    m.run("hexdump", "/dev/ahci0:disk0p1", Long.toString(offset), "4096");
                }
                long elapsed = System.nanoTime() - start;
                System.out.printf("4 KiB random reads through the chain (console hexdump): %s%n",
                        Measure.perSecond(randomReads, elapsed));
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(image);
            Files.deleteIfExists(dir);
        }
    }

    /** A GPT disk with one Linux partition of seeded random bytes; returns the partition's bytes. */
    static byte[] prepare(Path image, long partBlocks) throws Exception {
        long blocks = FIRST_LBA + partBlocks + 2048;
        byte[] data = new byte[Math.toIntExact(partBlocks * 512)];
        new Random(42).nextBytes(data);
        try (FileChannel channel = BenchMachine.open(image)) {
            channel.write(ByteBuffer.wrap(new byte[512]), blocks * 512 - 512);
            channel.write(ByteBuffer.wrap(data), FIRST_LBA * 512);
        }
        try (FileImage disk = FileImage.open(image, false, true)) {
            PartitionWriter.writeGpt(new DemoDisks.ImageDevice(disk), List.of(new PartitionWriter.GptPartition(
                    PartitionWriter.LINUX_FILESYSTEM, FIRST_LBA, partBlocks, "bench")), 1);
        }
        return data;
    }

    private static long readDirect(FileChannel channel, byte[] into) {
        long start = System.nanoTime();
        try {
            ByteBuffer buffer = ByteBuffer.wrap(into);
            long position = FIRST_LBA * 512;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException("image ended early");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return System.nanoTime() - start;
    }
}
