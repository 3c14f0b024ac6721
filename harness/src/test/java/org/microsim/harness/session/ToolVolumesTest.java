package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.hosttools.HostTools;

/**
 * Volumes the real tools make in the ways the simulator once missed, through the whole system (devd, partd,
 * fatfsd, the VFS, the console): a whole-disk FAT with the partition entry {@code mkfs.fat --mbr=y} writes
 * over its own boot sector, a FAT32 below the specification's minimum cluster count, and FAT in a GPT's EFI
 * System and Linux data partitions. What mtools put there reads back through the simulator, what the
 * simulator writes (persist=on) reads back with mtools, and fsck.fat -n finds the volumes clean.
 */
class ToolVolumesTest {
    private static final byte[] HELLO = "made by mcopy\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WRITTEN = "written by the simulator\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aWholeDiskFatWithItsOwnPartitionEntryIsMountedWhole() throws Exception {
        HostTools.require("mkfs.fat", "mcopy", "fsck.fat");
        Path image = dir.resolve("mbr-y.img");
        HostTools.ok("mkfs.fat", "-F", "16", "-s", "1", "--mbr=y", "-C", image.toString(), "16384");
        mcopyIn(image.toString(), "HELLO.TXT");
        try (ConsoleMachine m = machine(image)) {
            assertTrue(m.run("mounts").contains("/vol/ahci0:disk0p0 fat16"), m.run("mounts"));
            assertEquals(new String(HELLO, StandardCharsets.UTF_8).strip(),
                    m.run("cat", "/vol/ahci0:disk0p0/HELLO.TXT").strip());
            put(m, "/vol/ahci0:disk0p0/NEW.TXT");
        }
        assertArrayEquals(WRITTEN, mcopyOut(image.toString(), "NEW.TXT"));
        HostTools.ok("fsck.fat", "-n", image.toString());
    }

    /** mtools cannot read such a volume (it sizes FAT entries by the cluster count), so fsck.fat and a new boot check it. */
    @Test
    void aSmallFat32IsMountedAsFat32() throws Exception {
        HostTools.require("mkfs.fat", "fsck.fat");
        Path image = dir.resolve("small32.img");
        HostTools.ok("mkfs.fat", "-F", "32", "-s", "1", "-C", image.toString(), "1024");
        try (ConsoleMachine m = machine(image)) {
            assertTrue(m.run("mounts").contains("/vol/ahci0:disk0p0 fat32"), m.run("mounts"));
            put(m, "/vol/ahci0:disk0p0/NEW.TXT");
        }
        HostTools.ok("fsck.fat", "-n", image.toString());
        try (ConsoleMachine m = machine(image)) {
            assertEquals(new String(WRITTEN, StandardCharsets.UTF_8).strip(),
                    m.run("cat", "/vol/ahci0:disk0p0/NEW.TXT").strip());
        }
    }

    @Test
    void fatInEfiSystemAndLinuxPartitionsIsMounted() throws Exception {
        HostTools.require("sgdisk", "mkfs.fat", "mcopy", "fsck.fat");
        Path image = dir.resolve("gpt.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16 << 20);
        }
        HostTools.ok("sgdisk", "-n", "1:2048:+4M", "-t", "1:ef00", "-n", "2:0:+4M", "-t", "2:8300",
                image.toString());
        long efi = 2048L * 512;
        long linux = 10240L * 512;
        HostTools.ok("mkfs.fat", "-F", "12", "--offset", "2048", image.toString(), "4096");
        HostTools.ok("mkfs.fat", "-F", "16", "-s", "1", "--offset", "10240", image.toString(), "4096");
        mcopyIn(image + "@@" + efi, "HELLO.TXT");
        try (ConsoleMachine m = machine(image)) {
            String mounts = m.run("mounts");
            assertTrue(mounts.contains("/vol/ahci0:disk0p1 fat12") && mounts.contains("/vol/ahci0:disk0p2 fat16"),
                    mounts);
            assertEquals(new String(HELLO, StandardCharsets.UTF_8).strip(),
                    m.run("cat", "/vol/ahci0:disk0p1/HELLO.TXT").strip());
            put(m, "/vol/ahci0:disk0p2/NEW.TXT");
        }
        assertArrayEquals(WRITTEN, mcopyOut(image + "@@" + linux, "NEW.TXT"));
        for (long[] part : new long[][] {{efi, 4 << 20}, {linux, 4 << 20}}) {
            Path alone = dir.resolve("part-" + part[0] + ".img");
            byte[] all = Files.readAllBytes(image);
            Files.write(alone, Arrays.copyOfRange(all, (int) part[0], (int) (part[0] + part[1])));
            HostTools.ok("fsck.fat", "-n", alone.toString());
        }
    }

    private void mcopyIn(String image, String name) throws IOException, InterruptedException {
        Path host = dir.resolve("in.txt");
        Files.write(host, HELLO);
        HostTools.ok("mcopy", "-i", image, host.toString(), "::/" + name);
    }

    private byte[] mcopyOut(String image, String name) throws IOException, InterruptedException {
        Path back = dir.resolve("out.txt");
        Files.deleteIfExists(back);
        HostTools.ok("mcopy", "-n", "-i", image, "::/" + name, back.toString());
        return Files.readAllBytes(back);
    }

    private ConsoleMachine machine(Path image) throws Exception {
        return ConsoleMachine.withDisk(image);
    }

    private void put(ConsoleMachine m, String simPath) throws IOException {
        Path host = dir.resolve("put.txt");
        Files.write(host, WRITTEN);
        m.run("put", host.toString(), simPath);
    }
}
