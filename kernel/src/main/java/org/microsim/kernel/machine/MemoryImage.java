package org.microsim.kernel.machine;

import java.io.IOException;
import java.util.Arrays;

/**
 * A disk that lives only in memory, zero until written, allocated a megabyte at a time as it is written:
 * the built-in demo machine's disks, tests' disks, benchmarks'. Closing it keeps its contents, so whoever
 * built it can still look at what the simulated system wrote.
 */
public final class MemoryImage implements DiskImage {
    /** The largest memory disk: 2 TiB, whose chunk index alone is 16 MiB of references. */
    public static final long MAX_SECTORS = 1L << 32;

    private final long sectors;
    private final boolean readOnly;
    private final ChunkStore store;

    /** A writable, zeroed disk of {@code sectors} sectors. */
    public MemoryImage(long sectors) {
        this(sectors, false);
    }

    /** A zeroed disk of {@code sectors} sectors that reports itself read-only when asked. */
    public MemoryImage(long sectors, boolean readOnly) {
        if (sectors <= 0 || sectors > MAX_SECTORS) {
            throw new IllegalArgumentException("a memory disk has 1 to 2^32 sectors (2 TiB), not " + sectors);
        }
        this.sectors = sectors;
        this.readOnly = readOnly;
        this.store = new ChunkStore(sectors * SECTOR_SIZE, (offset, dst, at, n) -> Arrays.fill(dst, at, at + n, (byte) 0));
    }

    /** A disk holding a copy of {@code content}, whose length must be a whole number of sectors. */
    public static MemoryImage of(byte[] content, boolean readOnly) {
        if (content.length == 0 || content.length % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("disk content of " + content.length + " bytes is not whole sectors");
        }
        MemoryImage image = new MemoryImage(content.length / SECTOR_SIZE, readOnly);
        image.fill(0, content, 0, content.length);
        return image;
    }

    /** Writes bytes as the disk's owner, even into a read-only disk: how a harness prepares its contents. */
    public void fill(long offset, byte[] src, int srcOffset, int length) {
        try {
            checkRange(offset, length);
            store.write(offset, src, srcOffset, length);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
        store.read(offset, dst, dstOffset, length);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        if (readOnly) {
            throw new IOException("the disk is read-only");
        }
        checkRange(offset, length);
        store.write(offset, src, srcOffset, length);
    }

    @Override
    public void flush() {
        // Memory is as durable as this disk gets.
    }

    @Override
    public void close() {
        // Nothing to release: the contents stay readable for whoever built the disk.
    }
}
