package org.microsim.drivers.fatfsd;

import org.microsim.abi.fs.FsException;

/**
 * The client's side of a file read or write: where a read's bytes go, or a write's come from. Either an
 * array, or a window of the client's lease; offsets are relative to the start of this view.
 *
 * <p>A lease window whose whole clusters move to or from the disk is lent on to the block device rather than
 * copied here: the disk driver then copies between the client's memory and its DMA buffer, and the file
 * server never touches the data (as a MINIX or seL4 file server passes a grant on to the disk driver).
 *
 * <pre>
 *  client buffer ══lease══▶ fatfsd ══forwarded window══▶ partd ══forwarded══▶ ahci ──▶ DMA buffer
 *                            (copies only the parts of clusters it must merge)
 * </pre>
 */
interface FileBytes {
    /** Copies {@code length} bytes at {@code at} of this view into {@code dst}. */
    void copyOut(int at, byte[] dst, int dstOffset, int length) throws FsException;

    /** Copies {@code length} bytes of {@code src} into this view at {@code at}. */
    void copyIn(int at, byte[] src, int srcOffset, int length) throws FsException;

    /** Reads {@code count} sectors from the disk into this view at {@code at}. */
    void readFrom(Disk disk, long sector, int count, int at) throws FsException;

    /** Writes {@code count} sectors from this view at {@code at} to the disk. */
    void writeTo(Disk disk, long sector, int count, int at) throws FsException;

    /** A view of {@code array} from {@code offset}. */
    static FileBytes of(byte[] array, int offset) {
        return new FileBytes() {
            @Override
            public void copyOut(int at, byte[] dst, int dstOffset, int length) {
                System.arraycopy(array, offset + at, dst, dstOffset, length);
            }

            @Override
            public void copyIn(int at, byte[] src, int srcOffset, int length) {
                System.arraycopy(src, srcOffset, array, offset + at, length);
            }

            @Override
            public void readFrom(Disk disk, long sector, int count, int at) throws FsException {
                disk.read(sector, count, array, offset + at);
            }

            @Override
            public void writeTo(Disk disk, long sector, int count, int at) throws FsException {
                disk.write(sector, count, array, offset + at);
            }
        };
    }

    /** A view of {@code lease} from {@code leaseOffset}: lent on to the disk where it can be, copied otherwise. */
    static FileBytes of(LeaseAccess lease, long leaseOffset) {
        return new FileBytes() {
            @Override
            public void copyOut(int at, byte[] dst, int dstOffset, int length) throws FsException {
                lease.read(leaseOffset + at, dst, dstOffset, length);
            }

            @Override
            public void copyIn(int at, byte[] src, int srcOffset, int length) throws FsException {
                lease.write(leaseOffset + at, src, srcOffset, length);
            }

            @Override
            public void readFrom(Disk disk, long sector, int count, int at) throws FsException {
                if (!disk.lend(sector, count, lease, leaseOffset + at, true)) {
                    byte[] staged = new byte[count * disk.sectorSize()];
                    disk.read(sector, count, staged, 0);
                    lease.write(leaseOffset + at, staged, 0, staged.length);
                }
            }

            @Override
            public void writeTo(Disk disk, long sector, int count, int at) throws FsException {
                if (!disk.lend(sector, count, lease, leaseOffset + at, false)) {
                    byte[] staged = new byte[count * disk.sectorSize()];
                    lease.read(leaseOffset + at, staged, 0, staged.length);
                    disk.write(sector, count, staged, 0);
                }
            }
        };
    }
}
