package org.microsim.testkit;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.microsim.abi.Lease;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.DeviceEntry;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.MountEntry;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.services.vfs.VfsClient;

/**
 * The machine's files as a task sees them: the VFS's typed client ({@link VfsClient}) over the console's system
 * calls, so a read here is the calls a program would make, and lets the machine run while it waits. Paths are the
 * VFS's: {@code /vol/VOLUME/...} for files, {@code /dev/DEVICE} for a whole block device.
 */
public final class SimFiles {
    static final Duration LOOKUP = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int CHUNK = 64 << 10;

    private final VfsClient vfs;

    SimFiles(Sys console) {
        vfs = new VfsClient(console);
    }

    /** The entries of a directory. */
    public List<FileStat> list(String dir) throws FsException {
        return vfs.list(dir);
    }

    /** What {@code path} is, or empty when there is nothing there. */
    public Optional<FileStat> stat(String path) throws FsException {
        try {
            return Optional.of(vfs.call(new FsRequest.Stat(path)));
        } catch (FsException e) {
            if (e.error() == FsError.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The whole file (or block device), or empty when it does not exist. */
    public Optional<byte[]> read(String path) throws FsException {
        if (stat(path).isEmpty()) {
            return Optional.empty();
        }
        int fh = vfs.call(new FsRequest.Open(path, OpenFlags.READ)).fh();
        try {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[CHUNK];
            while (true) {
                int n = vfs.call(new FsRequest.Read(fh, all.size(), CHUNK), Lease.writeOnly(buf)).bytes();
                if (n <= 0) {
                    return Optional.of(all.toByteArray());
                }
                all.write(buf, 0, n);
            }
        } finally {
            vfs.call(new FsRequest.Close(fh));
        }
    }

    /** Makes {@code path} hold exactly {@code content}; acknowledged (on the disk) once this returns. */
    public void write(String path, byte[] content) throws FsException {
        int fh = vfs.call(new FsRequest.Open(path, OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNCATE)).fh();
        try {
            for (int at = 0; at < content.length; at += CHUNK) {
                int n = Math.min(CHUNK, content.length - at);
                byte[] piece = java.util.Arrays.copyOfRange(content, at, at + n);
                vfs.call(new FsRequest.Write(fh, at, n), Lease.readOnly(piece));
            }
        } finally {
            vfs.call(new FsRequest.Close(fh));
        }
    }

    /** Writes back everything every file system holds ({@code sync}). */
    public void sync() throws FsException {
        vfs.call(new FsRequest.Sync());
    }

    /** What is mounted where. */
    public List<MountEntry> mounts() throws FsException {
        return vfs.mounts();
    }

    /** The block devices the VFS serves under {@code /dev}. */
    public List<DeviceEntry> devices() throws FsException {
        return vfs.devices();
    }
}
