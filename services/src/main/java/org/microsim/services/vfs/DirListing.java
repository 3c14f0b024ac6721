package org.microsim.services.vfs;

import java.util.List;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;

/** A READDIR page of a directory the VFS makes up itself (/, /dev, /vol), written into the caller's lease. */
final class DirListing {
    private DirListing() {
    }

    /** Writes as many whole entries from {@code start} as fit {@code leaseSize} bytes and describes the page. */
    static FsReplies.DirPage page(Sys sys, ReplyRight right, long leaseSize, List<FileStat> all, int start)
            throws FsException {
        FsReplies.Listing listing = FsReplies.Listing.of(all, start, leaseSize);
        int used = listing.entries().length;
        if (used > 0) {
            Result<Integer> copied = sys.leaseWrite(right, 0, listing.entries(), 0, used);
            if (!copied.isOk() || copied.orNull() != used) {
                throw new FsException(FsError.INVALID_REQUEST, "the lease copy failed: " + copied);
            }
        }
        return listing.page();
    }
}
