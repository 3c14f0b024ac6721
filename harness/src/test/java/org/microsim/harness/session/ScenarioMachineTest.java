package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.Main;

/**
 * A scenario describes its own machine: {@code drive file=...} paths are relative to the scenario file, and
 * the user's image is never written without persist=on.
 */
class ScenarioMachineTest {
    @TempDir
    Path dir;

    private int run(Path scenario, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return Main.execute(new SimSessionFactory(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "run", scenario.toString());
    }

    @Test
    void drivePathsAreRelativeToTheScenarioAndTheImageStaysUntouched() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        byte[] content = new byte[4 << 20];
        content[510] = 0x55;
        Files.write(images.resolve("disk.img"), content);
        Path scenario = dir.resolve("machine.scn");
        Files.writeString(scenario, """
                drive file=images/disk.img,if=ahci
                nic mac=52:54:00:aa:bb:cc
                boot
                lsblk
                expect output matches "ahci0:disk0\\s+4194304 disk"
                put machine.scn /dev/ahci0:disk0
                hexdump /dev/ahci0:disk0 0 5
                expect output contains "64 72 69 76 65"
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(scenario, out, err);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(content, Files.readAllBytes(images.resolve("disk.img"))),
                "the image changed without persist=on");
    }

    @Test
    void demoKeepsTheDemoDisksAndAddsTheScenariosAfterThem() throws Exception {
        Files.write(dir.resolve("disk.img"), new byte[4 << 20]);
        Path scenario = dir.resolve("demo.scn");
        Files.writeString(scenario, """
                drive file=disk.img,if=ahci
                demo
                boot
                lsblk
                expect output matches "ahci0:disk0\\s+134217728 disk"
                expect output matches "ahci0:disk1\\s+33554432 disk"
                expect output matches "ahci0:disk2\\s+4194304 disk"
                ls /vol/ahci0:disk0p1
                expect output contains "README.TXT"
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(scenario, out, err), err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingImageInAScenarioIsBadInputWithItsLine() throws Exception {
        Path scenario = dir.resolve("bad.scn");
        Files.writeString(scenario, "# a machine\ndrive file=nowhere.img,if=ahci\nboot\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(scenario, out, err));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("bad.scn:2") && message.contains("nowhere.img"), message);
    }

    /** The same image twice, one of them persist=on, is refused naming both drives, on the command line too. */
    @Test
    void anImageWrittenByOneDriveIsNotAttachedTwice() throws Exception {
        Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        Path scenario = dir.resolve("twice.scn");
        Files.writeString(scenario, "drive file=disk.img,if=ahci,persist=on\ndrive file=./disk.img,if=ahci\nboot\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(scenario, out, err));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("twice.scn:2") && message.contains("attached by drive"
                + " file=disk.img,if=ahci,persist=on, cannot be attached by drive file=./disk.img,if=ahci as well"),
                message);

        String image = dir.resolve("disk.img").toString();
        ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
        assertEquals(2, Main.execute(new SimSessionFactory(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(cliErr, true, StandardCharsets.UTF_8),
                "--drive", "file=" + image + ",if=ahci", "--drive", "file=" + image + ",if=ahci,persist=on", "boot"));
        assertTrue(cliErr.toString(StandardCharsets.UTF_8).contains("attached by --drive file=" + image
                + ",if=ahci, cannot be attached by --drive file=" + image + ",if=ahci,persist=on as well"),
                cliErr.toString(StandardCharsets.UTF_8));

        Files.writeString(scenario, "drive file=disk.img,if=ahci,persist=on\nboot\n");
        assertEquals(0, run(scenario, new ByteArrayOutputStream(), new ByteArrayOutputStream()),
                "the refused runs gave the file back");
    }
}
