package org.microsim.kernel.machine;

import java.io.Closeable;
import java.io.IOException;

/**
 * The bytes behind a simulated disk: a raw image file or memory. Sectors are {@value #SECTOR_SIZE} bytes.
 * Offsets and lengths are in bytes and need not be sector-aligned (a scatter/gather entry may end anywhere);
 * an access past the end, or a write to a read-only image, throws {@link IOException}, which the device
 * model reports as the spec's error. Implementations are safe to use from several threads.
 */
public interface DiskImage extends Closeable {
    int SECTOR_SIZE = 512;

    long sectorCount();

    /** True when writes are refused: the disk reports itself read-only. */
    boolean readOnly();

    void read(long offset, byte[] dst, int dstOffset, int length) throws IOException;

    void write(long offset, byte[] src, int srcOffset, int length) throws IOException;

    /** Makes every write so far durable where the image has somewhere durable to go. */
    void flush() throws IOException;

    /** Flushes and releases the image; the machine calls it once at shutdown. */
    @Override
    void close() throws IOException;

    /** The image's size in bytes. */
    default long byteSize() {
        return sectorCount() * SECTOR_SIZE;
    }

    /** Throws unless {@code [offset, offset + length)} lies inside the image. */
    default void checkRange(long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset > byteSize() - length) {
            throw new IOException("access of " + length + " bytes at " + offset + " is outside the "
                    + byteSize() + "-byte image");
        }
    }
}
