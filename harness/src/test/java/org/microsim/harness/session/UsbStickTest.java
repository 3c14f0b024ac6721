package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.script.Outcome;
import org.microsim.hosttools.HostTools;

/**
 * A stick made by the real tools, through the whole USB path (xHCI model, usbd, devd, partd, fatfsd, the VFS,
 * the console): what mcopy put on it reads back byte for byte, what the simulator writes (persist=on) reads
 * back with mcopy and fsck.fat -n finds clean; the same behind a USB hub; a read-only stick refuses writes.
 */
class UsbStickTest {
    @TempDir
    Path dir;

    @Test
    void filesMtoolsWroteReadBackAndWritesPassFsck() throws Exception {
        HostTools.require("mkfs.fat", "mcopy", "fsck.fat");
        Path image = dir.resolve("stick.img");
        HostTools.ok("mkfs.fat", "-F", "32", "-C", image.toString(), "65536");
        byte[] big = random(1 << 20, 1);
        byte[] small = random(777, 2);
        mcopyIn(image, big, "BIG.BIN");
        mcopyIn(image, small, "small file.txt");
        try (ConsoleMachine m = stick(image, "")) {
            assertTrue(m.run("lsusb").contains("ID 46f4:0001 QEMU USB HARDDRIVE"), m.run("lsusb"));
            assertTrue(m.run("mounts").contains("/vol/msc0:p0 fat32"), m.run("mounts"));
            assertArrayEquals(big, get(m, "/vol/msc0:p0/BIG.BIN"));
            assertArrayEquals(small, get(m, "/vol/msc0:p0/small file.txt"));
            Path host = dir.resolve("put.bin");
            Files.write(host, random(300_000, 3));
            m.run("put", host.toString(), "/vol/msc0:p0/WRITTEN.BIN");
            m.run("sync");
        }
        HostTools.ok("fsck.fat", "-n", image.toString());
        assertArrayEquals(random(300_000, 3), mcopyOut(image, "WRITTEN.BIN"));
        assertArrayEquals(big, mcopyOut(image, "BIG.BIN"));
    }

    @Test
    void aStickBehindAHubWorks() throws Exception {
        HostTools.require("mkfs.fat", "mcopy");
        Path image = dir.resolve("hubbed.img");
        HostTools.ok("mkfs.fat", "-F", "16", "-C", image.toString(), "16384");
        byte[] data = random(70_000, 4);
        mcopyIn(image, data, "DATA.BIN");
        try (ConsoleMachine m = stick(image, ",bus=hub")) {
            String lsusb = m.run("lsusb");
            assertTrue(lsusb.contains("Port 1: Dev") && lsusb.contains("Class=Hub"), lsusb);
            assertTrue(lsusb.contains("Port 1.1: Dev"), lsusb);
            assertArrayEquals(data, get(m, "/vol/msc0:p0/DATA.BIN"));
            String detach = m.run("usb", "detach", "msc0:");
            assertTrue(detach.contains("vfs: unmounted /vol/msc0:p0"), "unmounted as it is pulled out: " + detach);
            assertTrue(detach.contains("detached a stick (QEMU USB HARDDRIVE) at port 1.1"), detach);
        }
    }

    @Test
    void aReadOnlyStickRefusesWrites() throws Exception {
        HostTools.require("mkfs.fat");
        Path image = dir.resolve("ro.img");
        HostTools.ok("mkfs.fat", "-F", "12", "-C", image.toString(), "4096");
        byte[] before = Files.readAllBytes(image);
        try (ConsoleMachine m = stick(image, ",readonly=on")) {
            assertTrue(m.run("ports").matches("(?s).*msc0:\\s+block.*READ_ONLY.*"), m.run("ports"));
            Outcome mkdir = m.invoke("mkdir", "/vol/msc0:p0/NOPE");
            assertFalse(mkdir instanceof Outcome.Success, mkdir.text());
        }
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    private static ConsoleMachine stick(Path image, String more) throws Exception {
        return ConsoleMachine.with(new MachineOptions(List.of("file=" + image + ",if=usb"
                + (more.contains("readonly") ? "" : ",persist=on") + more),
                List.of(), 1, false, Optional.empty(), Optional.empty(), false));
    }

    private byte[] get(ConsoleMachine m, String path) throws Exception {
        Path back = dir.resolve("get.bin");
        Files.deleteIfExists(back);
        m.run("get", path, back.toString());
        return Files.readAllBytes(back);
    }

    private void mcopyIn(Path image, byte[] data, String name) throws Exception {
        Path host = dir.resolve("in.bin");
        Files.write(host, data);
        HostTools.ok("mcopy", "-i", image.toString(), host.toString(), "::/" + name);
    }

    private byte[] mcopyOut(Path image, String name) throws Exception {
        Path back = dir.resolve("out.bin");
        Files.deleteIfExists(back);
        HostTools.ok("mcopy", "-n", "-i", image.toString(), "::/" + name, back.toString());
        return Files.readAllBytes(back);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
