package org.microsim.drivers.ahci;

import java.io.IOException;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.MemoryImage;

/** A memory disk with a range of bad sectors: every access touching them fails, as a failing medium would. */
final class FlakyImage implements DiskImage {
    private final MemoryImage image;
    private final long badFrom;
    private final long badTo;

    /** Sectors {@code [badFrom, badTo)} of {@code image} are bad. */
    FlakyImage(MemoryImage image, long badFrom, long badTo) {
        this.image = image;
        this.badFrom = badFrom * SECTOR_SIZE;
        this.badTo = badTo * SECTOR_SIZE;
    }

    private void check(long offset, int length) throws IOException {
        if (offset < badTo && offset + length > badFrom) {
            throw new IOException("bad sector");
        }
    }

    @Override
    public long sectorCount() {
        return image.sectorCount();
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        check(offset, length);
        image.read(offset, dst, dstOffset, length);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        check(offset, length);
        image.write(offset, src, srcOffset, length);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
