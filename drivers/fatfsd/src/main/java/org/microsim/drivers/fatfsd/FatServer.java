package org.microsim.drivers.fatfsd;

import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;

/**
 * The filesystem protocol served from a {@link FatVolume}: a decoded request and its lease in, the reply message
 * out, with no IPC of its own, so that it is tested without a kernel. The task ({@link Fatfsd}) puts it behind
 * the server runtime, which decodes each call (answering what does not decode with
 * {@link FsError#INVALID_REQUEST}), passes the call's lease as a {@link SysLease}, and answers an
 * {@link FsException} thrown here with its code, any other exception (a defect, not an input) with
 * {@link FsError#IO_ERROR}.
 *
 * <p>Bulk data stays in the request's lease: whole clusters are lent on to the block device ({@link FileBytes}),
 * and only the parts of clusters the volume must merge are copied. The volume sees a request in pieces of at
 * most {@value #CHUNK} bytes, which bounds its merge buffers while keeping transfers large. Lease problems are
 * {@link FsError#INVALID_REQUEST}.
 */
final class FatServer {
    static final int CHUNK = 4 << 20;

    private final FatVolume volume;

    /** Serves {@code volume}. */
    FatServer(FatVolume volume) {
        this.volume = volume;
    }

    /** Serves one request with {@code lease}; the OK reply, or the failure as an exception. */
    Message handle(FsRequest<?> request, LeaseAccess lease) throws FsException {
        return switch (request) {
            case FsRequest.Open o -> new FsReplies.Opened(volume.open(o.path(), o.flags())).toMessage();
            case FsRequest.Read r -> new FsReplies.Transferred(read(r, lease)).toMessage();
            case FsRequest.Write w -> new FsReplies.Transferred(write(w, lease)).toMessage();
            case FsRequest.Truncate t -> {
                volume.truncate(t.fh(), t.size());
                yield Replies.ok();
            }
            case FsRequest.Close c -> {
                volume.close(c.fh());
                yield Replies.ok();
            }
            case FsRequest.Stat s -> volume.stat(s.path()).toMessage();
            case FsRequest.ReadDir d -> readDir(d, lease).toMessage();
            case FsRequest.Mkdir m -> {
                volume.mkdir(m.path());
                yield Replies.ok();
            }
            case FsRequest.Unlink u -> {
                volume.unlink(u.path());
                yield Replies.ok();
            }
            case FsRequest.Rmdir r -> {
                volume.rmdir(r.path());
                yield Replies.ok();
            }
            case FsRequest.Rename r -> {
                volume.rename(r.from(), r.to());
                yield Replies.ok();
            }
            case FsRequest.Sync s -> {
                volume.sync();
                yield Replies.ok();
            }
            case FsRequest.StatFs s -> volume.statfs().toMessage();
        };
    }

    private static void needLease(LeaseAccess lease, long length) throws FsException {
        if (length < 0 || lease.size() < length) {
            throw new FsException(FsError.INVALID_REQUEST, "lease of " + lease.size() + " bytes for a transfer of "
                    + Integer.toUnsignedString((int) length) + " bytes");
        }
    }

    private int read(FsRequest.Read r, LeaseAccess lease) throws FsException {
        needLease(lease, r.length());
        int done = 0;
        while (done < r.length()) {
            int want = Math.min(CHUNK, r.length() - done);
            int n = volume.read(r.fh(), r.offset() + done, FileBytes.of(lease, done), want);
            done += n;
            if (n < want) {
                break; // the end of the file
            }
        }
        return done;
    }

    private int write(FsRequest.Write w, LeaseAccess lease) throws FsException {
        needLease(lease, w.length());
        int done = 0;
        while (done < w.length()) {
            int n = Math.min(CHUNK, w.length() - done);
            volume.write(w.fh(), w.offset() + done, FileBytes.of(lease, done), n);
            done += n;
        }
        return done;
    }

    private FsReplies.DirPage readDir(FsRequest.ReadDir d, LeaseAccess lease) throws FsException {
        FsReplies.Listing listing = FsReplies.Listing.of(volume.list(d.path()), d.start(), lease.size());
        lease.write(0, listing.entries(), 0, listing.entries().length);
        return listing.page();
    }
}
