package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    /** Another process holding the file as a drive would: a shared lock to read, an exclusive one to write. */
    private static final String HOLDER = """
            import java.nio.channels.FileChannel;
            import java.nio.file.Path;
            import java.nio.file.StandardOpenOption;
            public class Holder {
                public static void main(String[] args) throws Exception {
                    boolean write = args[1].equals("write");
                    try (FileChannel c = write
                            ? FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)
                            : FileChannel.open(Path.of(args[0]), StandardOpenOption.READ);
                         var lock = c.lock(0, Long.MAX_VALUE, !write)) {
                        System.out.println("held");
                        System.out.flush();
                        System.in.read();
                    }
                }
            }
            """;

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
        Process holder = hold(image, "read");
        try {
            assertEquals("disk image " + image.toAbsolutePath() + " is in use by another process (with persist=on a"
                    + " drive needs its file to itself)",
                    assertThrows(MachineException.class, () -> FileImage.open(image, false, true, "x")).getMessage());
            FileImage.open(image, false, false, "a reader beside a reader").close();
        } finally {
            release(holder);
        }
        holder = hold(image, "write");
        try {
            assertEquals("disk image " + image.toAbsolutePath() + " is in use by another process that writes to it"
                    + " (persist=on)",
                    assertThrows(MachineException.class, () -> FileImage.open(image, true, false, "x")).getMessage());
        } finally {
            release(holder);
        }
        FileImage.open(image, false, true, "once the other process is gone").close();
    }

    private Process hold(Path image, String mode) throws Exception {
        Path source = dir.resolve("Holder.java");
        Files.writeString(source, HOLDER);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), source.toString(), image.toString(), mode)
                .redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertEquals("held", line, "the holder process could not lock the file");
        return p;
    }

    private static void release(Process holder) throws Exception {
        holder.getOutputStream().close();
        assertEquals(0, holder.waitFor());
    }
}
