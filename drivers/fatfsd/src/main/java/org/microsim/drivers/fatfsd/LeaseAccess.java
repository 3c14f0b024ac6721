package org.microsim.drivers.fatfsd;

import org.microsim.abi.ReplyRight;
import org.microsim.abi.fs.FsException;

/**
 * The lease of the request being served, as {@link FatServer} needs it: the task implements it with
 * {@code Sys.leaseRead}/{@code Sys.leaseWrite} on the request's reply right, tests with a byte array.
 * A failed copy (no lease, window too small, lease revoked) is an {@link FsException}, normally
 * {@code INVALID_REQUEST}.
 */
interface LeaseAccess {
    /** The size of the lease window in bytes; 0 when the request carries no lease. */
    long size();

    /** Copies {@code len} bytes at {@code leaseOffset} of the lease into {@code dst}. */
    void read(long leaseOffset, byte[] dst, int off, int len) throws FsException;

    /** Copies {@code len} bytes of {@code src} into the lease at {@code leaseOffset}. */
    void write(long leaseOffset, byte[] src, int off, int len) throws FsException;

    /**
     * The reply right of the call this lease came with, when a window of it may be lent on to another server
     * that writes into it ({@code intoLease}) or reads from it; null when it may not, and the bytes are copied
     * through {@link #read} and {@link #write} instead (which then report what is wrong).
     */
    default ReplyRight lendable(boolean intoLease) {
        return null;
    }
}
