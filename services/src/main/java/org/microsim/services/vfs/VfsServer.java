package org.microsim.services.vfs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Notice;
import org.microsim.abi.PortClass;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.devd.DriverGone;
import org.microsim.abi.fs.DeviceEntry;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.MountEntry;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.fs.VfsRequest;
import org.microsim.abi.svc.Page;

/**
 * The VFS's state and its answers: the mount table, the block devices, the open files, and one method that
 * turns any request into its reply.
 *
 * <h2>Binding</h2>
 * A driver-available notice (msg 100) for a BLOCK port adds {@code /dev/<port name>}; one for a FILESYSTEM
 * port mounts it at {@code /vol/<source>}, the source being the port's parent (the block port the volume lives
 * on, e.g. {@code /vol/disk0p1}), or the port's own name when it has no parent ('/' in a name becomes '_').
 * A notice for a name already bound replaces the binding: that is how a restarted driver (a new generation)
 * is bound again; a notice for the very port already bound changes nothing. A binding goes away when its port is found dead: a call answered PEER_DIED (or no such
 * port), or a listing that inspects the handle.
 *
 * <h2>Serving</h2>
 * Requests under a mount are passed to its driver with the path translated and the caller's lease forwarded
 * ({@link Lease.Forward}); the root, /dev, /vol and the devices are answered here. A device opens for reading and
 * writing by offset; CREATE and TRUNCATE mean nothing to it and are ignored (so a whole-file write such as the
 * shell's PUT writes a device from offset 0), EXCLUSIVE fails with EXISTS and APPEND is refused. File handles are
 * the VFS's own, mapped to the driver's, so that handles of two filesystems never collide and a handle of a
 * filesystem that was replaced fails cleanly (BAD_HANDLE) instead of reaching the new driver. It is a handler on
 * the one server runtime: every failure, of the request or of a driver, is an {@link FsException} the runtime
 * answers with its {@link FsError}, and a driver-available notice arrives as a {@link Notice.Sent}.
 */
final class VfsServer implements Handler<VfsRequest<?>> {
    /** How long a call to a driver may take. */
    static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_OPEN = 4096;

    private sealed interface OpenFile {
    }

    private record RemoteFile(Mount mount, int fh) implements OpenFile {
    }

    private record DeviceFile(Device device, int flags) implements OpenFile {
    }

    private final Sys sys;
    private final Map<String, Mount> mounts = new TreeMap<>();
    private final Map<String, Device> devices = new TreeMap<>();
    private final Map<Integer, OpenFile> files = new HashMap<>();
    private int nextFh = 1;

    VfsServer(Sys sys) {
        this.sys = sys;
    }

    @Override
    public Protocol<VfsRequest<?>, ?> protocol() {
        return VfsRequest.PROTOCOL;
    }

    /**
     * A driver-available notice (msg 100) binds its driver; a driver-gone one (msg 101, a device unplugged)
     * unmounts or removes what was bound to it at once; anything else sent is not taken.
     */
    @Override
    public boolean notice(Notice notice) {
        if (notice instanceof Notice.Sent(Received r) && r.msgId() == MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE) {
            bind(r.message());
            return true;
        }
        if (notice instanceof Notice.Sent(Received r) && r.msgId() == MsgIds.SERVICE_NOTIFY_DRIVER_GONE) {
            try {
                unbind(DriverGone.decode(r.message()).portId());
            } catch (MalformedException e) {
                sys.log("vfs: ignored a bad driver-gone notice: " + e.getMessage());
                r.message().handles().forEach(sys::close);
            }
            return true;
        }
        return false;
    }

    /** Lets go of what is bound to a port that is gone for good. */
    private void unbind(long portId) {
        for (Mount m : List.copyOf(mounts.values())) {
            if (m.portId() == portId) {
                unmount(m);
            }
        }
        for (Device d : List.copyOf(devices.values())) {
            if (d.portId() == portId && devices.remove(d.name(), d)) {
                sys.close(d.handle());
                sys.log("vfs: removed /dev/" + d.name() + ": its device was unplugged");
            }
        }
    }

    /** Binds the driver a msg 100 notice announces; problems are logged, never thrown. */
    void bind(Message notice) {
        DriverAvailable n;
        try {
            n = DriverAvailable.decode(notice);
        } catch (MalformedException e) {
            sys.log("vfs: ignored a bad driver notice: " + e.getMessage());
            notice.handles().forEach(sys::close);
            return;
        }
        HandleInfo info = sys.inspect(n.driver()).orNull();
        if (info == null || !info.alive()) {
            sys.log("vfs: ignored a driver notice whose port is gone");
            sys.close(n.driver());
            return;
        }
        if (bound(info.portId())) {
            // The same port again, from a devd that restarted and told its subscribers everything anew: the
            // binding stands, and files open through it stay open.
            sys.close(n.driver());
        } else if (info.info().portClass() == PortClass.BLOCK) {
            bindDevice(n.driver(), info);
        } else if (info.info().portClass() == PortClass.FILESYSTEM) {
            bindMount(n.driver(), info);
        } else {
            sys.log("vfs: ignored a notice for " + info.portName() + " of class " + info.info().portClass());
            sys.close(n.driver());
        }
    }

    private boolean bound(long portId) {
        return devices.values().stream().anyMatch(d -> d.portId() == portId)
                || mounts.values().stream().anyMatch(m -> m.portId() == portId);
    }

    private void bindDevice(Handle handle, HandleInfo info) {
        BlockClient client;
        try {
            client = BlockClient.open(sys, handle, DRIVER_TIMEOUT);
        } catch (BlockException e) {
            sys.log("vfs: cannot open block device " + info.portName() + ": " + e.getMessage());
            sys.close(handle);
            return;
        }
        String name = VfsPath.component(info.portName());
        Device old = devices.put(name, new Device(name, handle, info.portId(), info.info().parent(), info.info().subclass(), client));
        if (old != null) {
            sys.close(old.handle());
        }
        sys.log("vfs: /dev/" + name + " (" + client.blockCount() + " blocks of " + client.blockSize() + " bytes)");
    }

    private void bindMount(Handle handle, HandleInfo info) {
        String source = info.info().parent().isEmpty() ? info.portName() : info.info().parent();
        Mount mount = new Mount(VfsPath.component(source), Client.of(sys, handle, DRIVER_TIMEOUT), info.portName(),
                info.portId(), type(info.info().subclass()), source);
        Mount old = mounts.put(mount.name(), mount);
        if (old != null) {
            sys.close(old.client().handle());
        }
        sys.log("vfs: mounted " + info.portName() + " at " + mount.mountPoint() + " (" + mount.type() + ")");
    }

    private static String type(int subclass) {
        try {
            return FsType.fromCode(subclass).name().toLowerCase(java.util.Locale.ROOT);
        } catch (MalformedException e) {
            return "fs" + subclass;
        }
    }

    @Override
    public Message handle(VfsRequest<?> request, Received call) throws FsException {
        return switch (request) {
            case FsRequest<?> fs -> serve(fs, call.replyRight(), call.lease());
            case VfsRequest.Mounts m -> {
                prune();
                List<MountEntry> all = mounts.values().stream()
                        .map(x -> new MountEntry(x.mountPoint(), x.type(), x.source())).toList();
                yield Page.toMessage(all, m.start(), (w, e) -> e.write(w));
            }
            case VfsRequest.Devices d -> {
                prune();
                List<DeviceEntry> all = devices.values().stream()
                        .map(x -> new DeviceEntry(x.name(), x.parent(), x.subclass(), x.client().blockSize(),
                                x.client().blockCount(), x.client().readOnly())).toList();
                yield Page.toMessage(all, d.start(), (w, e) -> e.write(w));
            }
            case VfsRequest.StatFsAt s -> {
                if (VfsPath.parse(s.path()) instanceof VfsPath.InMount in) {
                    yield remote(mount(in), new FsRequest.StatFs(), null).toMessage();
                }
                throw new FsException(FsError.INVALID_REQUEST, s.path() + " is not on a mounted filesystem"
                        + " (filesystems are under /vol)");
            }
        };
    }

    private Message serve(FsRequest<?> request, ReplyRight right, LeaseInfo lease) throws FsException {
        return switch (request) {
            case FsRequest.Open o -> open(o);
            case FsRequest.Read r -> {
                needLease(lease, r.length(), true);
                yield switch (file(r.fh())) {
                    case RemoteFile f -> remote(f.mount(), new FsRequest.Read(f.fh(), r.offset(), r.length()),
                            new Lease.Forward(right, 0, r.length(), false, true)).toMessage();
                    case DeviceFile f -> new FsReplies.Transferred(DeviceIo.read(sys, device(f, OpenFlags.READ), right,
                            r.offset(), r.length())).toMessage();
                };
            }
            case FsRequest.Write w -> {
                needLease(lease, w.length(), false);
                yield switch (file(w.fh())) {
                    case RemoteFile f -> remote(f.mount(), new FsRequest.Write(f.fh(), w.offset(), w.length()),
                            new Lease.Forward(right, 0, w.length(), true, false)).toMessage();
                    case DeviceFile f -> new FsReplies.Transferred(DeviceIo.write(sys, device(f, OpenFlags.WRITE), right,
                            w.offset(), w.length())).toMessage();
                };
            }
            case FsRequest.Truncate t -> switch (file(t.fh())) {
                case RemoteFile f -> {
                    remote(f.mount(), new FsRequest.Truncate(f.fh(), t.size()), null);
                    yield Replies.ok();
                }
                case DeviceFile f -> throw new FsException(FsError.INVALID_REQUEST, "a device has a fixed size");
            };
            case FsRequest.Close c -> {
                OpenFile f = files.remove(c.fh());
                if (f == null) {
                    throw new FsException(FsError.BAD_HANDLE, "no open file " + Integer.toUnsignedString(c.fh()));
                }
                if (f instanceof RemoteFile rf && mounts.get(rf.mount().name()) == rf.mount()) {
                    remote(rf.mount(), new FsRequest.Close(rf.fh()), null);
                }
                yield Replies.ok();
            }
            case FsRequest.Stat s -> stat(VfsPath.parse(s.path())).toMessage();
            case FsRequest.ReadDir d -> readDir(d, right, lease);
            case FsRequest.Mkdir m -> changed(inMount(m.path()), new FsRequest.Mkdir(rest(m.path())));
            case FsRequest.Unlink u -> changed(inMount(u.path()), new FsRequest.Unlink(rest(u.path())));
            case FsRequest.Rmdir r -> changed(inMount(r.path()), new FsRequest.Rmdir(rest(r.path())));
            case FsRequest.Rename r -> {
                Mount from = inMount(r.from());
                if (inMount(r.to()) != from) {
                    throw new FsException(FsError.INVALID_REQUEST, "cannot move " + r.from() + " to " + r.to()
                            + ": they are on different filesystems");
                }
                yield changed(from, new FsRequest.Rename(rest(r.from()), rest(r.to())));
            }
            case FsRequest.Sync s -> sync();
            case FsRequest.StatFs s -> throw new FsException(FsError.INVALID_REQUEST,
                    "the VFS holds several filesystems: ask STATFS_AT (" + VfsRequest.STATFS_AT + ") with a path");
        };
    }

    private Message open(FsRequest.Open o) throws FsException {
        if (files.size() >= MAX_OPEN) {
            throw new FsException(FsError.NO_SPACE, "too many open files (" + MAX_OPEN + ")");
        }
        OpenFile file = switch (VfsPath.parse(o.path())) {
            case VfsPath.InMount in -> {
                Mount m = mount(in);
                yield new RemoteFile(m, remote(m, new FsRequest.Open(in.rest(), o.flags()), null).fh());
            }
            case VfsPath.Dev d -> {
                Device dev = device(d.name());
                if ((o.flags() & OpenFlags.EXCLUSIVE) != 0) {
                    throw new FsException(FsError.EXISTS, "/dev/" + d.name() + " exists");
                }
                if ((o.flags() & OpenFlags.APPEND) != 0) {
                    throw new FsException(FsError.INVALID_REQUEST, "a device has no end to append to");
                }
                yield new DeviceFile(dev, o.flags());
            }
            default -> throw new FsException(FsError.IS_A_DIRECTORY, o.path() + " is a directory");
        };
        while (files.containsKey(nextFh) || nextFh == 0) {
            nextFh++;
        }
        int fh = nextFh++;
        files.put(fh, file);
        return new FsReplies.Opened(fh).toMessage();
    }

    private FileStat stat(VfsPath path) throws FsException {
        return switch (path) {
            case VfsPath.Root r -> directory("");
            case VfsPath.DevDir d -> directory("dev");
            case VfsPath.VolDir v -> directory("vol");
            case VfsPath.Dev d -> {
                Device dev = device(d.name());
                yield new FileStat(dev.name(), dev.size(), false, dev.client().readOnly() ? FileStat.READ_ONLY : 0, 0);
            }
            case VfsPath.InMount in when in.isMountRoot() -> directory(mount(in).name());
            case VfsPath.InMount in -> remote(mount(in), new FsRequest.Stat(in.rest()), null);
        };
    }

    private static FileStat directory(String name) {
        return new FileStat(name, 0, true, FileStat.DIRECTORY, 0);
    }

    private Message readDir(FsRequest.ReadDir d, ReplyRight right, LeaseInfo lease) throws FsException {
        needLease(lease, 1, true);
        VfsPath path = VfsPath.parse(d.path());
        if (path instanceof VfsPath.InMount in) {
            return remote(mount(in), new FsRequest.ReadDir(in.rest(), d.start()),
                    new Lease.Forward(right, 0, lease.length(), false, true)).toMessage();
        }
        prune();
        List<FileStat> all = switch (path) {
            case VfsPath.Root r -> List.of(directory("dev"), directory("vol"));
            case VfsPath.DevDir dev -> {
                List<FileStat> list = new ArrayList<>();
                for (Device x : devices.values()) {
                    list.add(new FileStat(x.name(), x.size(), false, 0, 0));
                }
                yield list;
            }
            case VfsPath.VolDir v -> mounts.keySet().stream().map(VfsServer::directory).toList();
            default -> throw new FsException(FsError.NOT_A_DIRECTORY, d.path() + " is not a directory");
        };
        return DirListing.page(sys, right, lease.length(), all, d.start()).toMessage();
    }

    /** Syncs every mount, all of them even when one fails; the first failure is the answer. */
    private Message sync() throws FsException {
        FsException first = null;
        for (Mount m : List.copyOf(mounts.values())) {
            try {
                remote(m, new FsRequest.Sync(), null);
            } catch (FsException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        return Replies.ok();
    }

    /**
     * Calls a mounted filesystem; a filesystem found gone is unmounted. A driver knows only paths inside its
     * volume, so its errors name {@code /x}; the caller asked for {@code /vol/NAME/x}, and gets that back.
     */
    private <T> T remote(Mount m, FsRequest<T> request, Lease lease) throws FsException {
        try {
            return m.client().call(request, lease);
        } catch (FsException e) {
            if (e.peerGone()) {
                unmount(m);
                throw new FsException(FsError.IO_ERROR, "the filesystem at " + m.mountPoint() + " is gone ("
                        + m.portName() + ": " + e.unreachable() + ")");
            }
            if (e.unreachable() != null) {
                throw e;
            }
            throw new FsException(e.error(), withMountPoint(e.getMessage(), m, pathsOf(request)));
        }
    }

    /** The paths inside the volume that a request names. */
    private static List<String> pathsOf(FsRequest<?> request) {
        return switch (request) {
            case FsRequest.Open o -> List.of(o.path());
            case FsRequest.Stat s -> List.of(s.path());
            case FsRequest.ReadDir d -> List.of(d.path());
            case FsRequest.Mkdir m -> List.of(m.path());
            case FsRequest.Unlink u -> List.of(u.path());
            case FsRequest.Rmdir r -> List.of(r.path());
            case FsRequest.Rename r -> List.of(r.from(), r.to());
            default -> List.of();
        };
    }

    /**
     * {@code message} with each whole-word occurrence of a path the driver was given (the longest first, so
     * that {@code /a} does not match inside {@code /a/b}) put back under the mount point.
     */
    private static String withMountPoint(String message, Mount m, List<String> paths) {
        String result = message;
        for (String path : paths.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            String full = path.equals("/") ? m.mountPoint() : m.mountPoint() + path;
            result = Pattern.compile("(?<=^|[\\s\"'(])" + Pattern.quote(path) + "(?=$|[\\s\"'):,])").matcher(result)
                    .replaceAll(Matcher.quoteReplacement(full));
        }
        return result;
    }

    /** A request that changes a mounted filesystem and is answered with nothing. */
    private Message changed(Mount m, FsRequest<Void> request) throws FsException {
        remote(m, request, null);
        return Replies.ok();
    }

    private void unmount(Mount m) {
        if (mounts.remove(m.name(), m)) {
            sys.close(m.client().handle());
            sys.log("vfs: unmounted " + m.mountPoint() + ": " + m.portName() + " is gone");
        }
    }

    /** Drops bindings whose port has died. */
    private void prune() {
        for (Mount m : List.copyOf(mounts.values())) {
            if (!alive(m.client().handle())) {
                unmount(m);
            }
        }
        for (Device d : List.copyOf(devices.values())) {
            if (!alive(d.handle()) && devices.remove(d.name(), d)) {
                sys.close(d.handle());
                sys.log("vfs: removed /dev/" + d.name() + ": its port is gone");
            }
        }
    }

    private boolean alive(Handle handle) {
        HandleInfo info = sys.inspect(handle).orNull();
        return info != null && info.alive();
    }

    private Mount mount(VfsPath.InMount in) throws FsException {
        Mount m = mounts.get(in.mount());
        if (m == null) {
            throw new FsException(FsError.NOT_FOUND, "nothing is mounted at /vol/" + in.mount());
        }
        return m;
    }

    private Mount inMount(String path) throws FsException {
        if (VfsPath.parse(path) instanceof VfsPath.InMount in && !in.isMountRoot()) {
            return mount(in);
        }
        throw new FsException(FsError.READ_ONLY, path + " belongs to the VFS itself and cannot be changed");
    }

    private static String rest(String path) throws FsException {
        return ((VfsPath.InMount) VfsPath.parse(path)).rest();
    }

    private Device device(String name) throws FsException {
        Device d = devices.get(name);
        if (d == null) {
            throw new FsException(FsError.NOT_FOUND, "no device /dev/" + name);
        }
        return d;
    }

    private Device device(DeviceFile f, int access) throws FsException {
        if ((f.flags() & access) == 0) {
            throw new FsException(FsError.BAD_HANDLE, "/dev/" + f.device().name() + " was not opened for "
                    + (access == OpenFlags.READ ? "reading" : "writing"));
        }
        if (devices.get(f.device().name()) != f.device()) {
            throw new FsException(FsError.BAD_HANDLE, "/dev/" + f.device().name() + " was removed or replaced");
        }
        return f.device();
    }

    private OpenFile file(int fh) throws FsException {
        OpenFile f = files.get(fh);
        if (f == null) {
            throw new FsException(FsError.BAD_HANDLE, "no open file " + Integer.toUnsignedString(fh));
        }
        if (f instanceof RemoteFile rf && mounts.get(rf.mount().name()) != rf.mount()) {
            throw new FsException(FsError.BAD_HANDLE, "the filesystem of open file " + fh + " ("
                    + rf.mount().mountPoint() + ") was unmounted or replaced");
        }
        return f;
    }

    private static void needLease(LeaseInfo lease, long length, boolean serverWrites) throws FsException {
        boolean right = lease != null && (serverWrites ? lease.writable() : lease.readable());
        if (length < 0) {
            throw new FsException(FsError.INVALID_REQUEST, "transfer length " + Integer.toUnsignedString((int) length)
                    + " is over 2^31-1");
        }
        if (!right || lease.length() < length) {
            throw new FsException(FsError.INVALID_REQUEST, "the request needs a " + (serverWrites ? "writable" : "readable")
                    + " lease of at least " + length + " bytes, got " + (lease == null ? "none" : lease));
        }
    }
}
