package org.microsim.kernel.machine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The disk image files this process has open, each with one channel and one OS file lock, so that two drives
 * never write one image behind each other's back.
 *
 * <p>The rule is QEMU's (its image locking, iotest 153): a drive that writes the file ({@code persist=on}) needs
 * it to itself, an exclusive lock; a drive that only reads it (an overlay drive, or {@code readonly=on}) takes
 * a shared lock, because it reads the file as it goes (the overlay copies nothing at open) and a writer elsewhere
 * would change its disk under it. Readers share a file with each other. Across processes the OS lock says so;
 * inside one process it cannot (a lock belongs to the whole process, and closing any channel to the file drops
 * it), so this registry keeps one entry per file, found by the file's identity (device and inode, so two paths to
 * one file are one), shared by its readers and released when the last one closes.
 *
 * <p>A file system that cannot lock at all gets no lock: the drive works, unguarded, as QEMU does when locking
 * is not supported.
 */
final class ImageLocks {
    private ImageLocks() {
    }

    /** One open file: its channel (whose closing drops its lock), whether a drive writes it, who holds it. */
    private static final class Held {
        final FileChannel channel;
        final boolean writer;
        final String attachedBy;
        int users = 1;

        Held(FileChannel channel, boolean writer, String attachedBy) {
            this.channel = channel;
            this.writer = writer;
            this.attachedBy = attachedBy;
        }
    }

    /** A drive's hold on a file: the channel to read (and write) it through. */
    record Claim(Object key, FileChannel channel) {
    }

    private static final Map<Object, Held> HELD = new HashMap<>();

    /**
     * Opens {@code path} for a drive that writes it ({@code write}) or only reads it, and locks it accordingly.
     *
     * @param attachedBy how the drive was described, for example {@code --drive file=x.img,if=ahci}
     * @throws MachineException naming both drives when this process holds the file in a way that conflicts, or
     *                          saying so when another process does
     */
    static synchronized Claim claim(Path path, boolean write, String attachedBy) throws IOException,
            MachineException {
        Object key = identity(path);
        Held held = HELD.get(key);
        if (held != null) {
            if (write || held.writer) {
                throw new MachineException("disk image " + path.toAbsolutePath() + ", attached by " + held.attachedBy
                        + ", cannot be attached by " + attachedBy + " as well: a drive with persist=on needs its"
                        + " file to itself");
            }
            held.users++;
            return new Claim(key, held.channel);
        }
        FileChannel channel = write ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, !write);
        } catch (IOException e) {
            if (!unsupportedLocking(e)) {
                channel.close();
                throw e;
            }
            HELD.put(key, new Held(channel, write, attachedBy));
            return new Claim(key, channel);
        }
        if (lock == null) {
            channel.close();
            throw new MachineException("disk image " + path.toAbsolutePath() + " is in use by another process"
                    + (write ? " (with persist=on a drive needs its file to itself)" : " that writes to it (persist=on)"));
        }
        HELD.put(key, new Held(channel, write, attachedBy));
        return new Claim(key, channel);
    }

    /** Gives a claim back; the last one of a file closes its channel, which drops the lock. */
    static synchronized void release(Claim claim) throws IOException {
        Held held = HELD.get(claim.key());
        if (held == null || --held.users > 0) {
            return;
        }
        HELD.remove(claim.key());
        held.channel.close();
    }

    /** The file's identity: device and inode where the file system has them, else its real path. */
    private static Object identity(Path path) throws IOException {
        Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return key != null ? key : path.toRealPath();
    }

    /** The error of a file system without locks (NFS without lockd, some FUSE file systems). */
    private static boolean unsupportedLocking(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("not supported") || message.contains("no locks available");
    }
}
