package org.microsim.drivers.fatfsd;

import org.microsim.abi.ReplyRight;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.LendableBlockDevice;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/**
 * The volume's sectors on a {@link BlockDevice}: translates FAT sectors to device blocks (a FAT sector may
 * span several device blocks) and turns block failures into {@link FsError#IO_ERROR}.
 */
final class Disk {
    private final BlockDevice device;
    private final int blocksPerSector;
    private final int sectorSize;

    Disk(BlockDevice device, int sectorSize) throws FsException {
        int bs = device.blockSize();
        if (bs <= 0 || sectorSize % bs != 0) {
            throw new FsException(FsError.CORRUPT, "not mountable: sector size " + sectorSize
                    + " is not a multiple of the device block size " + bs);
        }
        this.device = device;
        this.sectorSize = sectorSize;
        this.blocksPerSector = sectorSize / bs;
    }

    void read(long sector, int count, byte[] dst, int offset) throws FsException {
        try {
            device.read(sector * blocksPerSector, count * blocksPerSector, dst, offset);
        } catch (BlockException e) {
            throw ioError("reading", sector, count, e);
        }
    }

    void write(long sector, int count, byte[] src, int offset) throws FsException {
        try {
            device.write(sector * blocksPerSector, count * blocksPerSector, src, offset);
        } catch (BlockException e) {
            throw ioError("writing", sector, count, e);
        }
    }

    /**
     * Moves {@code count} sectors between the device and the window of {@code lease} at {@code leaseOffset} by
     * lending the window on to the device's server; false, with nothing done, when the device cannot take a
     * lent window (it is not reached over IPC) or the lease may not be lent.
     *
     * @param read true to read from the device into the lease
     */
    boolean lend(long sector, int count, LeaseAccess lease, long leaseOffset, boolean read) throws FsException {
        ReplyRight right = lease.lendable(read);
        if (right == null || !(device instanceof LendableBlockDevice lendable)) {
            return false;
        }
        try {
            lendable.lend(sector * blocksPerSector, count * blocksPerSector, right, leaseOffset, read);
        } catch (BlockException e) {
            throw ioError(read ? "reading" : "writing", sector, count, e);
        }
        return true;
    }

    void flush() throws FsException {
        try {
            device.flush();
        } catch (BlockException e) {
            throw new FsException(FsError.IO_ERROR, "flushing the device failed: " + e.getMessage());
        }
    }

    int sectorSize() {
        return sectorSize;
    }

    private static FsException ioError(String what, long sector, int count, BlockException e) {
        return new FsException(FsError.IO_ERROR, what + " " + count + " sectors at " + sector + " failed: "
                + e.error() + " " + e.getMessage());
    }
}
