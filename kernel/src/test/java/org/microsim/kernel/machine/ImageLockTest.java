package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code persist=on} drive has its image file to itself, in this process and against any other; drives that
 * only read share it; closing gives it back (QEMU's image locking).
 */
class ImageLockTest {
    @TempDir
    Path dir;

    private Path image() throws Exception {
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[64 * 512]);
        return image;
    }

    @Test
    void aWritingDriveHasItsFileToItselfInThisProcess() throws Exception {
        Path image = image();
        Path other = dir.resolve("sub").resolve("..").resolve("disk.img");
        Files.createDirectories(dir.resolve("sub"));
        try (FileImage writer = FileImage.open(image, false, true, "--drive A")) {
            MachineException twice = assertThrows(MachineException.class,
                    () -> FileImage.open(other, false, false, "--drive B"));
            assertEquals("disk image " + other.toAbsolutePath() + ", attached by --drive A, cannot be attached by"
                    + " --drive B as well: a drive with persist=on needs its file to itself", twice.getMessage());
            assertThrows(MachineException.class, () -> FileImage.open(image, true, false, "--drive C"));
        }
        try (FileImage reader = FileImage.open(image, false, false, "--drive A");
             FileImage alsoReader = FileImage.open(other, true, false, "--drive B")) {
            assertTrue(assertThrows(MachineException.class, () -> FileImage.open(image, false, true, "--drive C"))
                    .getMessage().contains("attached by --drive A, cannot be attached by --drive C"));
            reader.close();
            reader.close();
            assertThrows(MachineException.class, () -> FileImage.open(image, false, true, "--drive C"),
                    "the other reader still holds it, however often the first is closed");
        }
        FileImage.open(image, false, true, "--drive D").close();
    }

    @Test
    void anotherProcessThatHoldsTheFileIsRespectedBothWays() throws Exception {
        Path image = image();
        try (Holder reader = Holder.of(image, "read")) {
            assertTrue(reader.holds());
            assertEquals("disk image " + image.toAbsolutePath() + " is in use by another process (with persist=on a"
                    + " drive needs its file to itself)",
                    assertThrows(MachineException.class, () -> FileImage.open(image, false, true, "x")).getMessage());
            try (FileImage overlay = FileImage.open(image, false, false, "a reader beside a reader")) {
                assertEquals(64, overlay.sectorCount());
            }
        }
        try (Holder writer = Holder.of(image, "write")) {
            assertTrue(writer.holds());
            assertEquals("disk image " + image.toAbsolutePath() + " is in use by another process that writes to it"
                    + " (persist=on)",
                    assertThrows(MachineException.class, () -> FileImage.open(image, true, false, "x")).getMessage());
        }
        FileImage.open(image, false, true, "once the other process is gone").close();
    }

    @Test
    void aDriveHereKeepsOtherProcessesAwayUntilItCloses() throws Exception {
        Path image = image();
        try (FileImage writer = FileImage.open(image, false, true, "--drive A")) {
            try (Holder reader = Holder.of(image, "read"); Holder other = Holder.of(image, "write")) {
                assertFalse(reader.holds(), "a reader elsewhere while this process writes");
                assertFalse(other.holds(), "a writer elsewhere while this process writes");
            }
        }
        try (FileImage reader = FileImage.open(image, true, false, "--drive B")) {
            try (Holder otherReader = Holder.of(image, "read"); Holder writer = Holder.of(image, "write")) {
                assertTrue(otherReader.holds(), "readers in two processes share the file");
                assertFalse(writer.holds(), "a writer elsewhere while this process reads");
            }
        }
        try (Holder writer = Holder.of(image, "write")) {
            assertTrue(writer.holds(), "closing the drives gave the file back");
        }
    }

    /** A second JVM running {@link LockHolder}, with this one's java and class path. */
    private record Holder(Process process, boolean holds) implements AutoCloseable {
        static Holder of(Path image, String mode) throws Exception {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    LockHolder.class.getName(), image.toString(), mode).redirectErrorStream(true).start();
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue("held".equals(line) || "refused".equals(line), "the holder process said: " + line);
            return new Holder(p, "held".equals(line));
        }

        /** Closes its input, which lets go of the file, and waits for it to end. */
        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            assertEquals(0, process.waitFor());
        }
    }
}
