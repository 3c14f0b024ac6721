package org.microsim.kernel.machine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A raw disk image file, in one of three modes.
 *
 * <ul>
 * <li>default: the file is opened read-only and never changes; writes land in a copy-on-write overlay in
 * memory (a {@link ChunkStore} backed by the file) and are forgotten at close. A scenario cannot damage
 * the user's image.</li>
 * <li>{@code persist=on}: writes go through to the file; FLUSH CACHE and close force them to the device.</li>
 * <li>{@code readonly=on}: the disk reports itself read-only and writes fail.</li>
 * </ul>
 *
 * <p>The file's bytes are reached through memory mappings ({@link MappedFile}): one copy per access.
 *
 * <p>Problems are found at open, with the path and the reason: a missing file, a directory, no permission, an
 * empty file, a size that is not a whole number of 512-byte sectors, or a file another drive holds: a
 * {@code persist=on} drive needs its file to itself, in this process and in any other ({@link ImageLocks}).
 */
public final class FileImage implements DiskImage {
    private final Path path;
    private final ImageLocks.Claim claim;
    private final long sectors;
    private final boolean readOnly;
    private final MappedFile file;
    private final ChunkStore overlay;
    private boolean closed;

    private FileImage(Path path, ImageLocks.Claim claim, long sectors, boolean readOnly, boolean persist) {
        this.path = path;
        this.claim = claim;
        this.sectors = sectors;
        this.readOnly = readOnly;
        this.file = new MappedFile(claim.channel(), sectors * SECTOR_SIZE, persist);
        this.overlay = readOnly || persist ? null : new ChunkStore(sectors * SECTOR_SIZE, file::read);
    }

    /** Opens an image, attached by a drive described as its path. */
    public static FileImage open(Path path, boolean readOnly, boolean persist) throws MachineException {
        return open(path, readOnly, persist, "a drive of " + path);
    }

    /**
     * Opens an image for a drive and locks the file: exclusively for {@code persist}, shared otherwise
     * ({@link ImageLocks}).
     *
     * @param attachedBy how the drive was described, for a refusal that names both drives
     * @throws MachineException naming the path and what is wrong with it, or who holds it
     */
    public static FileImage open(Path path, boolean readOnly, boolean persist, String attachedBy)
            throws MachineException {
        if (readOnly && persist) {
            throw new MachineException("disk image " + path + ": readonly=on and persist=on contradict each other");
        }
        if (Files.isDirectory(path)) {
            throw new MachineException("disk image " + path + " is a directory, not an image file");
        }
        ImageLocks.Claim claim;
        try {
            claim = ImageLocks.claim(path, persist, attachedBy);
        } catch (NoSuchFileException e) {
            throw new MachineException("disk image " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new MachineException("disk image " + path + ": permission denied (needs "
                    + (persist ? "read and write" : "read") + " access)");
        } catch (IOException | SecurityException e) {
            throw new MachineException("disk image " + path + " cannot be opened: " + e.getMessage(), e);
        }
        try {
            long size = claim.channel().size();
            if (size == 0 || size % SECTOR_SIZE != 0) {
                throw new MachineException("disk image " + path + " is " + size
                        + " bytes, which is not a whole, non-zero number of " + SECTOR_SIZE + "-byte sectors");
            }
            return new FileImage(path, claim, size / SECTOR_SIZE, readOnly, persist);
        } catch (IOException e) {
            releaseQuietly(claim);
            throw new MachineException("disk image " + path + " cannot be read: " + e.getMessage(), e);
        } catch (MachineException e) {
            releaseQuietly(claim);
            throw e;
        }
    }

    private static void releaseQuietly(ImageLocks.Claim claim) {
        try {
            ImageLocks.release(claim);
        } catch (IOException ignored) {
            // The open already failed; that error is the one the user needs.
        }
    }

    /** The image file. */
    public Path path() {
        return path;
    }

    /** True when writes reach the file. */
    public boolean persistent() {
        return !readOnly && overlay == null;
    }

    @Override
    public long sectorCount() {
        return sectors;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        checkRange(offset, length);
        if (overlay != null) {
            overlay.read(offset, dst, dstOffset, length);
        } else {
            file.read(offset, dst, dstOffset, length);
        }
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        if (readOnly) {
            throw new IOException("disk image " + path + " is read-only");
        }
        checkRange(offset, length);
        if (overlay != null) {
            overlay.write(offset, src, srcOffset, length);
            return;
        }
        file.write(offset, src, srcOffset, length);
    }

    @Override
    public void flush() throws IOException {
        if (persistent()) {
            file.force();
        }
    }

    /** Writes back and gives the file up; closing again does nothing, so a shared file's count stays right. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            ImageLocks.release(claim);
        }
    }
}
