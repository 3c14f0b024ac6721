package org.microsim.services.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.DeviceEntry;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsStats;
import org.microsim.abi.fs.MountEntry;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.fs.VfsRequest;
import org.microsim.abi.svc.Page;

/**
 * The shell's way to the VFS: each method one or a few calls to the "vfs" port, every failure an
 * {@link FsException} (a VFS that is missing, died or answers nonsense is {@link FsError#IO_ERROR}). The port
 * is looked up on first use and again after the VFS died, so a restarted VFS is found.
 */
final class VfsClient {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LOOKUP = Duration.ofSeconds(5);
    private static final int DIR_LEASE = 16 << 10;

    private final Sys sys;
    private Handle vfs;

    VfsClient(Sys sys) {
        this.sys = sys;
    }

    FileStat stat(String path) throws FsException {
        return decode(call(new FsRequest.Stat(path).toMessage()), r -> FileStat.read(r.reader()));
    }

    List<FileStat> list(String path) throws FsException {
        List<FileStat> all = new ArrayList<>();
        byte[] lease = new byte[DIR_LEASE];
        // Each page holds at least one entry, so the loop ends after at most one call per entry.
        while (true) {
            Message reply = call(new FsRequest.ReadDir(path, all.size()).toMessage().withLease(Lease.writeOnly(lease)));
            FsReplies.DirPage page = decode(reply, r -> FsReplies.DirPage.decode(r.data()));
            all.addAll(decode(reply, r -> FsReplies.entries(lease, page)));
            if (!page.more() || page.count() == 0) {
                return all;
            }
        }
    }

    /** Up to {@code length} bytes of the file at {@code path} from {@code offset}. */
    byte[] read(String path, long offset, int length) throws FsException {
        int fh = open(path, OpenFlags.READ);
        try {
            byte[] buf = new byte[length];
            int n = transferred(call(new FsRequest.Read(fh, offset, length).toMessage()
                    .withLease(Lease.writeOnly(buf))));
            return Arrays.copyOf(buf, Math.min(n, length));
        } finally {
            close(fh);
        }
    }

    int open(String path, int flags) throws FsException {
        return decode(call(new FsRequest.Open(path, flags).toMessage()), r -> FsReplies.Opened.decode(r.data()).fh());
    }

    /** Moves bytes between an open file and {@code lease}: a READ or WRITE request built by the caller. */
    int transfer(FsRequest request, Lease lease) throws FsException {
        return transferred(call(request.toMessage().withLease(lease)));
    }

    void close(int fh) throws FsException {
        call(new FsRequest.Close(fh).toMessage());
    }

    void simple(FsRequest request) throws FsException {
        call(request.toMessage());
    }

    FsStats statfs(String path) throws FsException {
        return decode(call(new VfsRequest.StatFsAt(path).toMessage()), r -> FsStats.decode(r.data()));
    }

    List<MountEntry> mounts() throws FsException {
        List<MountEntry> all = new ArrayList<>();
        while (true) {
            Page<MountEntry> page = decode(call(new VfsRequest.Mounts(all.size()).toMessage()),
                    r -> Page.decode(r.data(), MountEntry::read));
            all.addAll(page.items());
            if (page.last() || page.items().isEmpty()) {
                return all;
            }
        }
    }

    List<DeviceEntry> devices() throws FsException {
        List<DeviceEntry> all = new ArrayList<>();
        while (true) {
            Page<DeviceEntry> page = decode(call(new VfsRequest.Devices(all.size()).toMessage()),
                    r -> Page.decode(r.data(), DeviceEntry::read));
            all.addAll(page.items());
            if (page.last() || page.items().isEmpty()) {
                return all;
            }
        }
    }

    private int transferred(Message reply) throws FsException {
        return decode(reply, r -> FsReplies.Transferred.decode(r.data()).bytes());
    }

    /** Reads a reply payload. */
    private interface Decoder<T> {
        T decode(Message reply) throws MalformedException;
    }

    private static <T> T decode(Message reply, Decoder<T> decoder) throws FsException {
        try {
            return decoder.decode(reply);
        } catch (MalformedException e) {
            throw new FsException(FsError.IO_ERROR, "bad reply from the vfs: " + e.getMessage());
        }
    }

    /** Calls the VFS; the OK reply or an FsException. */
    private Message call(Message request) throws FsException {
        if (vfs == null) {
            Result<Handle> found = sys.lookup("vfs", LOOKUP);
            if (!found.isOk()) {
                throw new FsException(FsError.IO_ERROR, "no vfs: " + found.errorOrNull());
            }
            vfs = found.orNull();
        }
        Result<Message> result = sys.call(vfs, request, TIMEOUT);
        if (result.code() == ErrorCode.PEER_DIED || result.code() == ErrorCode.NO_SUCH_PORT
                || result.code() == ErrorCode.BAD_HANDLE) {
            sys.close(vfs);
            vfs = null;
        }
        if (!result.isOk()) {
            throw new FsException(FsError.IO_ERROR, "the vfs did not answer: " + result.errorOrNull());
        }
        FsException failure = decode(result.orNull(), FsReplies::failure);
        if (failure != null) {
            throw failure;
        }
        return result.orNull();
    }
}
