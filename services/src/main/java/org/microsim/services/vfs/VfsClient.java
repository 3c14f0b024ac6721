package org.microsim.services.vfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.Client;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Request;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.DeviceEntry;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.MountEntry;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.fs.VfsRequest;
import org.microsim.abi.svc.Page;

/**
 * A task's way to the VFS (the shell's, httpd's): the typed {@link Client} of the public port "vfs" (looked up on
 * first use and again after the VFS died, so a restarted VFS is found), and the few things that take more than one
 * call: a whole directory, a piece of a file, every mount and device. Every failure is an {@link FsException}.
 */
public final class VfsClient {
    /** How long one call to the VFS may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LOOKUP = Duration.ofSeconds(5);
    private static final int DIR_LEASE = 16 << 10;

    private final Client vfs;

    public VfsClient(Sys sys) {
        this.vfs = Client.named(sys, "vfs", LOOKUP, TIMEOUT);
    }

    /** One call: the request's reply or its FsException. */
    public <T> T call(Request<T, FsException> request) throws FsException {
        return vfs.call(request);
    }

    /** One call lending {@code lease}. */
    public <T> T call(Request<T, FsException> request, Lease lease) throws FsException {
        return vfs.call(request, lease);
    }

    /** Every entry of the directory at {@code path}. */
    public List<FileStat> list(String path) throws FsException {
        List<FileStat> all = new ArrayList<>();
        byte[] lease = new byte[DIR_LEASE];
        // Each page holds at least one entry, so the loop ends after at most one call per entry.
        while (true) {
            FsReplies.DirPage page = vfs.call(new FsRequest.ReadDir(path, all.size()), Lease.writeOnly(lease));
            try {
                all.addAll(FsReplies.entries(lease, page));
            } catch (MalformedException e) {
                throw new FsException(FsError.IO_ERROR, "bad directory page from the vfs: " + e.getMessage());
            }
            if (!page.more() || page.count() == 0) {
                return all;
            }
        }
    }

    /** Up to {@code length} bytes of the file at {@code path} from {@code offset}. */
    public byte[] read(String path, long offset, int length) throws FsException {
        int fh = vfs.call(new FsRequest.Open(path, OpenFlags.READ)).fh();
        try {
            byte[] buf = new byte[length];
            int n = vfs.call(new FsRequest.Read(fh, offset, length), Lease.writeOnly(buf)).bytes();
            return Arrays.copyOf(buf, Math.min(n, length));
        } finally {
            vfs.call(new FsRequest.Close(fh));
        }
    }

    public List<MountEntry> mounts() throws FsException {
        return Page.all(start -> vfs.call(new VfsRequest.Mounts(start)));
    }

    public List<DeviceEntry> devices() throws FsException {
        return Page.all(start -> vfs.call(new VfsRequest.Devices(start)));
    }
}
