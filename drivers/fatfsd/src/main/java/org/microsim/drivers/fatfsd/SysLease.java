package org.microsim.drivers.fatfsd;

import org.microsim.abi.LeaseInfo;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;

/**
 * The lease of a received call, reached through {@link Sys#leaseRead} and {@link Sys#leaseWrite}: what the
 * task's handler passes to {@link FatServer#handle}. A copy that the kernel refuses or cuts short (no lease,
 * wrong rights, window too small, caller gone) is an {@link FsError#INVALID_REQUEST}.
 */
record SysLease(Sys sys, ReplyRight right, LeaseInfo info) implements LeaseAccess {

    /** The lease of {@code call} (size 0 when it carries none). */
    static SysLease of(Sys sys, Received call) {
        return new SysLease(sys, call.replyRight(), call.lease());
    }

    @Override
    public long size() {
        return info == null || right == null ? 0 : info.length();
    }

    @Override
    public void read(long leaseOffset, byte[] dst, int off, int len) throws FsException {
        if (within(leaseOffset, len, "reading")) {
            check(sys.leaseRead(right, leaseOffset, dst, off, len), "reading", len);
        }
    }

    @Override
    public void write(long leaseOffset, byte[] src, int off, int len) throws FsException {
        if (within(leaseOffset, len, "writing")) {
            check(sys.leaseWrite(right, leaseOffset, src, off, len), "writing", len);
        }
    }

    @Override
    public ReplyRight lendable(boolean intoLease) {
        return info != null && right != null && (intoLease ? info.writable() : info.readable()) ? right : null;
    }

    /** False for an empty copy (nothing to ask the kernel), an error outside the window. */
    private boolean within(long at, int len, String what) throws FsException {
        if (at < 0 || len < 0 || size() - at < len) {
            throw new FsException(FsError.INVALID_REQUEST, what + " " + len + " bytes at " + at
                    + " of a lease of " + size() + " bytes");
        }
        return len > 0;
    }

    private static void check(Result<Integer> result, String what, int len) throws FsException {
        switch (result) {
            case Result.Ok<Integer>(Integer copied) when copied == len -> {
            }
            case Result.Ok<Integer>(Integer copied) -> throw new FsException(FsError.INVALID_REQUEST,
                    what + " the lease copied " + copied + " of " + len + " bytes");
            case Result.Err<Integer>(var error) -> throw new FsException(FsError.INVALID_REQUEST,
                    what + " the lease failed: " + error);
        }
    }
}
