package org.microsim.harness.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.microsim.harness.Carriers;
import org.microsim.harness.MachineOptions;
import org.microsim.images.DemoDisks;
import org.microsim.kernel.machine.MemoryImage;

/**
 * USB against SATA in one run: a sequential read of the same 256 MiB partition through VFS -> partd -> usbd ->
 * xHCI model -> the stick's bulk-only transport, and through VFS -> partd -> ahci -> AHCI model (the baseline),
 * each the median of 3 after 3 warm-up runs, into /dev/null as {@code dd} measures a device (goal: usb >= 0.5x
 * ahci). One get of each into a file first checks every byte. Then the time from {@code usb attach} of the demo
 * machine's stick (saved to a file) to its FAT volume being mounted, in virtual and wall time. Arguments: [MiB,
 * default 256].
 */
public final class UsbReadBench {
    private static final int WARMUPS = 3;

    private UsbReadBench() {
    }

    public static void main(String[] args) throws Exception {
        Carriers.forDeterministicMachines();
        int mib = Measure.intArg(args, 0, 256);
        Path dir = Files.createTempDirectory("microsim-bench");
        Path sata = dir.resolve("sata.img");
        Path stick = dir.resolve("stick.img");
        Path later = dir.resolve("later.img");
        byte[] expected = StorageReadBench.prepare(sata, mib * 2048L);
        Files.copy(sata, stick);
        MemoryImage demoStick = DemoDisks.stick();
        byte[] stickBytes = new byte[(int) demoStick.byteSize()];
        demoStick.read(0, stickBytes, 0, stickBytes.length);
        Files.write(later, stickBytes);
        Path out = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempFile(Path.of("/dev/shm"), "microsim", ".bin")
                : dir.resolve("out.bin");
        MachineOptions options = new MachineOptions(List.of("file=" + sata + ",if=ahci", "file=" + stick + ",if=usb"),
                List.of(), 1, false, Optional.empty(), Optional.empty(), false);
        try (BenchMachine m = new BenchMachine(options)) {
            for (String device : List.of("/dev/ahci0:disk0p1", "/dev/msc0:p1")) {
                m.run("get", device, out.toString());
                if (!Arrays.equals(expected, Files.readAllBytes(out))) {
                    throw new IllegalStateException("the bytes read from " + device + " differ from the image");
                }
            }
            long ahci = Measure.median(WARMUPS, 3, () -> m.time("get", "/dev/ahci0:disk0p1", "/dev/null"));
            long usb = Measure.median(WARMUPS, 3, () -> m.time("get", "/dev/msc0:p1", "/dev/null"));
            System.out.printf("sequential read of %d MiB, median of 3 after %d warm-up runs%n", mib, WARMUPS);
            System.out.printf("ahci: VFS/partd/ahci/AHCI model        %8.1f MB/s (baseline)%n",
                    expected.length / (ahci / 1e3));
            System.out.printf("usb:  VFS/partd/usbd/xHCI model/stick  %8.1f MB/s%n", expected.length / (usb / 1e3));
            System.out.printf("ratio usb / ahci: %.2fx (goal >= 0.5x)%n", (double) ahci / usb);
            long virtualBefore = m.virtualNanos();
            long wall = m.time("usb", "attach", "file=" + later);
            long virtual = m.virtualNanos() - virtualBefore;
            String mounts = m.run("mounts");
            if (!mounts.contains("msc1:p1")) {
                throw new IllegalStateException("the attached stick's volume was not mounted: " + mounts);
            }
            System.out.printf("usb attach to mounted: %.1f ms virtual, %.1f ms wall%n", virtual / 1e6, wall / 1e6);
        } finally {
            Files.deleteIfExists(out);
            for (Path p : List.of(sata, stick, later)) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }
}
