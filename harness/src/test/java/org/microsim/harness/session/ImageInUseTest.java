package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.Main;

/**
 * A second {@code sim} process is kept away from an image a session writes (persist=on): it stops with exit code
 * 2 and a sentence, not a stack trace, and boots from the image once the session has closed.
 */
class ImageInUseTest {
    @TempDir
    Path dir;

    /** What a finished {@code sim} process left. */
    private record Ended(int code, String out, String err) {
    }

    @Test
    void anotherSimIsRefusedWhileASessionWritesTheImageAndBootsOnceItCloses() throws Exception {
        Path image = dir.resolve("lockme.img");
        Files.write(image, new byte[1 << 20]);
        Files.writeString(dir.resolve("one-disk.scn"), """
                boot
                expect output contains "booted"
                lsblk
                """);
        try (ConsoleMachine writer = ConsoleMachine.withDisk(image)) {
            Ended refused = sim();
            assertEquals(2, refused.code(), refused.err());
            assertEquals("sim: disk image " + image.toAbsolutePath() + " is in use by another process that writes to"
                    + " it (persist=on)", refused.err().strip());
            assertFalse(refused.out().contains("booted"), refused.out());
        }
        Ended booted = sim();
        assertEquals(0, booted.code(), booted.err() + booted.out());
        assertTrue(booted.out().contains("one-disk.scn: passed"), booted.out());
    }

    /** {@code sim --drive file=lockme.img,if=ahci run one-disk.scn} in its own JVM, this one's java and class path. */
    private Ended sim() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--drive", "file=lockme.img,if=ahci", "run", "one-disk.scn")
                .directory(dir.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        return new Ended(code, out, Files.readString(dir.resolve("err.txt")));
    }
}
