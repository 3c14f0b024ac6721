package org.microsim.harness.bench;

import java.util.List;
import java.util.Locale;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineHardware;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.ManualTimeline;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.kernel.machine.ModelOptions;

/**
 * End-to-end benchmark of the AHCI model's data path: a register-level client reads a whole in-memory disk
 * (1 GiB, or the size given as the first argument, such as {@code 256m}) sequentially with READ DMA EXT
 * commands of 32 MiB, each scattered over eight 4 MiB PRDT entries into one DMA buffer. The baseline, in the
 * same run, is {@code System.arraycopy} of the same number of bytes from 1 MiB chunks into a buffer of the
 * same size. Both run three times; the best of each is reported in MB/s with their ratio (goal: at least
 * 0.5). Every command's data is spot-checked against the disk's pattern.
 */
public final class AhciSequentialReadBench {
    private static final int MIB = 1 << 20;
    private static final int COMMAND_BYTES = 32 * MIB;
    private static final int PRD_BYTES = 4 * MIB;
    private static final int PRDS = COMMAND_BYTES / PRD_BYTES;
    private static final int ROUNDS = 3;
    private static final int PORT = 0x100;

    private AhciSequentialReadBench() {
    }

    /** Runs the benchmark; the optional argument is the disk size in bytes, or with a k, m or g suffix. */
    public static void main(String[] args) throws MachineException {
        long size = args.length > 0 ? parseSize(args[0]) : 1L << 30;
        if (size < COMMAND_BYTES || size % COMMAND_BYTES != 0) {
            System.err.println("the disk size must be a positive multiple of 32 MiB, not " + size);
            System.exit(2);
        }
        int chunks = (int) (size / MIB);
        MemoryImage disk = new MemoryImage(size / 512);
        byte[][] source = new byte[chunks][];
        for (int i = 0; i < chunks; i++) {
            source[i] = pattern(i);
            disk.fill((long) i * MIB, source[i], 0, MIB);
        }
        ManualTimeline timeline = new ManualTimeline();
        Machine machine = new Machine(new MachineConfig(List.of(new DriveConfig.Image(disk)), List.of(),
                ModelOptions.DEFAULT), timeline);
        Client client = new Client(machine, timeline);
        byte[] destination = new byte[COMMAND_BYTES];

        double bestModel = 0;
        double bestCopy = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            client.readAll(size);
            bestModel = Math.max(bestModel, rate(size, System.nanoTime() - start));
            start = System.nanoTime();
            copyAll(source, destination);
            bestCopy = Math.max(bestCopy, rate(size, System.nanoTime() - start));
        }
        System.out.printf(Locale.ROOT, "disk %d MiB, %d commands of %d MiB, %d PRDT entries each%n", size / MIB,
                size / COMMAND_BYTES, COMMAND_BYTES / MIB, PRDS);
        System.out.printf(Locale.ROOT, "AHCI model sequential read: %.0f MB/s%n", bestModel);
        System.out.printf(Locale.ROOT, "System.arraycopy baseline:  %.0f MB/s%n", bestCopy);
        System.out.printf(Locale.ROOT, "ratio: %.2f (goal >= 0.5)%n", bestModel / bestCopy);
    }

    private static long parseSize(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            System.err.println("not a size: " + text);
            System.exit(2);
            return 0;
        }
    }

    /** A megabyte whose first eight bytes name it, so a misplaced copy shows. */
    private static byte[] pattern(int chunk) {
        byte[] b = new byte[MIB];
        for (int i = 0; i < MIB; i++) {
            b[i] = (byte) (i * 7 + chunk);
        }
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) ((long) chunk >>> (8 * i));
        }
        return b;
    }

    private static void copyAll(byte[][] source, byte[] destination) {
        int perCommand = COMMAND_BYTES / MIB;
        for (int i = 0; i < source.length; i++) {
            System.arraycopy(source[i], 0, destination, (i % perCommand) * MIB, MIB);
        }
    }

    private static double rate(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    /** The driver's side: one port, one command slot, one command table, one 32 MiB DMA buffer. */
    private static final class Client {
        private final Mmio abar;
        private final ManualTimeline timeline;
        private final DmaBuffer commandList;
        private final DmaBuffer table;
        private final DmaBuffer data;

        Client(Machine machine, ManualTimeline timeline) {
            this.abar = machine.ahciRegisters().orElseThrow();
            this.timeline = timeline;
            Object owner = "bench";
            MachineHardware memory = new MachineHardware(machine);
            commandList = memory.allocateDma(1024, owner);
            DmaBuffer fis = memory.allocateDma(256, owner);
            table = memory.allocateDma(0x80 + 16 * PRDS, owner);
            data = memory.allocateDma(COMMAND_BYTES, owner);
            abar.write64(PORT, commandList.physAddress());
            abar.write64(PORT + 0x08, fis.physAddress());
            abar.write32(PORT + 0x18, 1 << 4);
            abar.write32(PORT + 0x18, 1 << 4 | 1);
            for (int i = 0; i < PRDS; i++) {
                table.putLong(0x80 + 16 * i, data.physAddress() + (long) i * PRD_BYTES);
                table.putInt(0x80 + 16 * i + 12, PRD_BYTES - 1);
            }
            commandList.putInt(0, 5 | PRDS << 16);
            commandList.putLong(8, table.physAddress());
        }

        void readAll(long size) {
            int sectors = COMMAND_BYTES / 512;
            for (long offset = 0; offset < size; offset += COMMAND_BYTES) {
                long lba = offset / 512;
                byte[] fis = new byte[20];
                fis[0] = 0x27;
                fis[1] = (byte) 0x80;
                fis[2] = 0x25; // READ DMA EXT
                fis[7] = 0x40;
                for (int i = 0; i < 6; i++) {
                    fis[i < 3 ? 4 + i : 5 + i] = (byte) (lba >>> (8 * i));
                }
                fis[12] = (byte) sectors;
                fis[13] = (byte) (sectors >>> 8);
                table.write(0, fis, 0, fis.length);
                abar.write32(PORT + 0x38, 1);
                timeline.runUntilIdle();
                int status = abar.read32(PORT + 0x10);
                if (abar.read32(PORT + 0x38) != 0 || (status & 0x7000_0000) != 0) {
                    throw new IllegalStateException(String.format("command at LBA %d failed: PxIS=%08x PxTFD=%08x",
                            lba, status, abar.read32(PORT + 0x20)));
                }
                abar.write32(PORT + 0x10, status);
                check(offset);
            }
        }

        private void check(long offset) {
            for (int mib = 0; mib < COMMAND_BYTES / MIB; mib++) {
                long expected = offset / MIB + mib;
                if (data.getLong(mib * MIB) != expected) {
                    throw new IllegalStateException("wrong data at disk offset " + (offset + (long) mib * MIB));
                }
            }
        }
    }
}
