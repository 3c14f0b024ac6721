package org.microsim.kernel.machine;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process holding a disk image as a drive of a second {@code sim} would, for {@link ImageLockTest}: a
 * shared lock to read ({@code read}), an exclusive one to write ({@code write}). It says {@code held} or
 * {@code refused} on one line and, when it holds the file, keeps it until its standard input closes, so that the
 * test decides when it lets go (no waiting on a clock).
 */
final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        boolean write = args[1].equals("write");
        try (FileChannel channel = write
                ? FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(Path.of(args[0]), StandardOpenOption.READ);
             FileLock lock = channel.tryLock(0, Long.MAX_VALUE, !write)) {
            System.out.println(lock == null ? "refused" : "held");
            System.out.flush();
            if (lock != null) {
                System.in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    }
}
