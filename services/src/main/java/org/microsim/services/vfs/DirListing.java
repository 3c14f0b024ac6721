package org.microsim.services.vfs;

import java.util.List;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.WireWriter;
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
        if (start < 0 || start > all.size()) {
            throw new FsException(FsError.INVALID_REQUEST, "readdir start " + Integer.toUnsignedString(start)
                    + " past the " + all.size() + " entries");
        }
        WireWriter w = new WireWriter();
        int count = 0;
        boolean more = false;
        int used = 0;
        for (int i = start; i < all.size(); i++) {
            all.get(i).write(w);
            if (w.size() > leaseSize) {
                if (count == 0) {
                    throw new FsException(FsError.INVALID_REQUEST, "a lease of " + leaseSize
                            + " bytes cannot hold entry " + i);
                }
                more = true;
                break;
            }
            used = w.size();
            count++;
        }
        if (used > 0) {
            Result<Integer> copied = sys.leaseWrite(right, 0, w.toByteArray(), 0, used);
            if (!copied.isOk() || copied.orNull() != used) {
                throw new FsException(FsError.INVALID_REQUEST, "the lease copy failed: " + copied);
            }
        }
        return new FsReplies.DirPage(count, used, more);
    }
}
