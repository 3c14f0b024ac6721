package org.microsim.services.vfs;

import org.microsim.abi.Lease;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/**
 * Reads and writes of a block device by byte offset, for /dev/NAME: the caller's lease goes straight to the
 * block driver ({@link Lease.Forward}) for every whole, aligned run of blocks, so a large aligned transfer costs
 * the VFS no copy; the unaligned head and tail go through a bounce buffer of the blocks they touch (read,
 * patched, written back for a write). Transfers move in pieces of at most {@link #CHUNK} bytes.
 */
final class DeviceIo {
    static final int CHUNK = BlockRequest.MAX_TRANSFER;

    private DeviceIo() {
    }

    /**
     * One piece of a transfer: a whole aligned run of blocks that goes straight through the caller's lease,
     * or part of a block, for which the blocks it touches were read into {@code bounce} first.
     */
    private interface Piece {
        void whole(long lba, int blocks, int leaseOffset) throws BlockException;

        void partial(long lba, byte[] bounce, int skip, int length, int leaseOffset)
                throws BlockException, FsException;
    }

    /** Reads up to {@code length} bytes at {@code offset} into the call's lease; fewer only at the end. */
    static int read(Sys sys, Device d, ReplyRight right, long offset, int length) throws FsException {
        long size = d.size();
        if (offset >= size) {
            return 0;
        }
        int bs = d.client().blockSize();
        return transfer(d, offset, (int) Math.min(length, size - offset), new Piece() {
            @Override
            public void whole(long lba, int blocks, int leaseOffset) throws BlockException {
                d.client().forward(new BlockRequest.Read(lba, blocks),
                        new Lease.Forward(right, leaseOffset, (long) blocks * bs, false, true));
            }

            @Override
            public void partial(long lba, byte[] bounce, int skip, int piece, int leaseOffset) throws FsException {
                check(sys.leaseWrite(right, leaseOffset, bounce, skip, piece), piece);
            }
        });
    }

    /** Writes {@code length} bytes from the call's lease at {@code offset}; all of them or an error. */
    static int write(Sys sys, Device d, ReplyRight right, long offset, int length) throws FsException {
        if (d.client().readOnly()) {
            throw new FsException(FsError.READ_ONLY, "/dev/" + d.name() + " is read-only");
        }
        if (offset > d.size() - length) {
            throw new FsException(FsError.NO_SPACE, "writing " + length + " bytes at " + offset + " passes the end of "
                    + "/dev/" + d.name() + " (" + d.size() + " bytes)");
        }
        int bs = d.client().blockSize();
        return transfer(d, offset, length, new Piece() {
            @Override
            public void whole(long lba, int blocks, int leaseOffset) throws BlockException {
                d.client().forward(new BlockRequest.Write(lba, blocks),
                        new Lease.Forward(right, leaseOffset, (long) blocks * bs, true, false));
            }

            @Override
            public void partial(long lba, byte[] bounce, int skip, int piece, int leaseOffset)
                    throws BlockException, FsException {
                check(sys.leaseRead(right, leaseOffset, bounce, skip, piece), piece);
                d.client().write(lba, bounce.length / bs, bounce, 0);
            }
        });
    }

    /** Walks {@code length} bytes from {@code offset} in pieces of at most {@link #CHUNK} bytes. */
    private static int transfer(Device d, long offset, int length, Piece piece) throws FsException {
        int bs = d.client().blockSize();
        int done = 0;
        try {
            while (done < length) {
                long at = offset + done;
                int want = Math.min(CHUNK, length - done);
                if (at % bs == 0 && want >= bs) {
                    int blocks = want / bs;
                    piece.whole(at / bs, blocks, done);
                    done += blocks * bs;
                } else {
                    int skip = (int) (at % bs);
                    int part = Math.min(want, CHUNK - bs);
                    byte[] bounce = new byte[ceil(skip + part, bs) * bs];
                    d.client().read(at / bs, bounce.length / bs, bounce, 0);
                    piece.partial(at / bs, bounce, skip, part, done);
                    done += part;
                }
            }
        } catch (BlockException e) {
            throw fromBlock(d, e);
        }
        return done;
    }

    private static int ceil(int bytes, int blockSize) {
        return (bytes + blockSize - 1) / blockSize;
    }

    private static void check(Result<Integer> copied, int expected) throws FsException {
        if (!copied.isOk() || copied.orNull() != expected) {
            throw new FsException(FsError.INVALID_REQUEST, "the lease copy failed: "
                    + (copied.isOk() ? copied.orNull() + " of " + expected + " bytes" : copied.errorOrNull()));
        }
    }

    static FsException fromBlock(Device d, BlockException e) {
        FsError error = switch (e.error()) {
            case READ_ONLY -> FsError.READ_ONLY;
            case INVALID_REQUEST, LEASE_TOO_SMALL -> FsError.INVALID_REQUEST;
            default -> FsError.IO_ERROR;
        };
        return new FsException(error, "/dev/" + d.name() + ": " + e.getMessage());
    }
}
