package org.microsim.abi.block;

import org.microsim.abi.LeaseInfo;

/**
 * The checks every block server makes before touching a device, in one place so that ahci, usbd and partd
 * agree on them and on their error codes. A server's handler calls {@link #check} with the decoded request,
 * its own geometry and the lease the kernel reported, and lets the {@link BlockException} go: the server
 * runtime answers it with its code.
 */
public final class BlockRequestCheck {
    private BlockRequestCheck() {
    }

    /**
     * Accepts a request a device with {@code info} can serve with {@code lease}, or says why not.
     * GET_INFO and FLUSH always pass; READ and WRITE need a count of at least one block, at most
     * {@link BlockRequest#MAX_TRANSFER} bytes, inside the device, a lease large enough with the right
     * access, and for WRITE a writable device.
     *
     * @param lease the lease that came with the call, null when none did
     */
    public static void check(BlockRequest<?> request, BlockInfo info, LeaseInfo lease)
            throws BlockException {
        switch (request) {
            case BlockRequest.GetInfo g -> { }
            case BlockRequest.Flush f -> { }
            case BlockRequest.Read r -> transfer("read", r.lba(), r.count(), info, lease, true);
            case BlockRequest.Write w -> {
                if (info.readOnly()) {
                    throw new BlockException(BlockError.READ_ONLY, "the device is read-only");
                }
                transfer("write", w.lba(), w.count(), info, lease, false);
            }
        }
    }

    /** Checks a range of blocks against a device of {@code blockCount} blocks. */
    public static void range(long lba, long count, long blockCount) throws BlockException {
        if (count <= 0) {
            throw new BlockException(BlockError.INVALID_REQUEST, "block count must be at least 1, got " + count);
        }
        if (lba < 0 || lba > blockCount || count > blockCount - lba) {
            throw new BlockException(BlockError.OUT_OF_RANGE, "blocks " + Long.toUnsignedString(lba) + "+" + count
                    + " are outside the device's " + blockCount + " blocks");
        }
    }

    /**
     * Checks that {@code count} blocks fit a caller's buffer of {@code length} bytes from {@code offset}: the
     * local half of a {@link BlockDevice} read or write, before anything is sent or translated.
     */
    public static void buffer(int count, int blockSize, int length, int offset) throws BlockException {
        if (count < 0 || offset < 0 || (long) count * blockSize > length - (long) offset) {
            throw new BlockException(BlockError.INVALID_REQUEST, count + " blocks of " + blockSize
                    + " bytes do not fit a buffer of " + length + " bytes at offset " + offset);
        }
    }

    private static void transfer(String what, long lba, int count, BlockInfo info, LeaseInfo lease,
                                 boolean intoLease) throws BlockException {
        range(lba, count, info.blockCount());
        long bytes = (long) count * info.blockSize();
        if (bytes > BlockRequest.MAX_TRANSFER) {
            throw new BlockException(BlockError.INVALID_REQUEST, what + " of " + bytes + " bytes is over the "
                    + BlockRequest.MAX_TRANSFER + "-byte maximum");
        }
        if (lease == null) {
            throw new BlockException(BlockError.LEASE_TOO_SMALL, what + " of " + bytes + " bytes came without a lease");
        }
        if (intoLease ? !lease.writable() : !lease.readable()) {
            throw new BlockException(BlockError.INVALID_REQUEST,
                    what + " needs a " + (intoLease ? "writable" : "readable") + " lease");
        }
        if (lease.length() < bytes) {
            throw new BlockException(BlockError.LEASE_TOO_SMALL,
                    what + " of " + bytes + " bytes with a lease of " + lease.length());
        }
    }
}
