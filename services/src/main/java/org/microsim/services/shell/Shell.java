package org.microsim.services.shell;

import org.microsim.services.vfs.VfsClient;

import java.util.LinkedHashMap;
import java.util.Map;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.shell.RunResult;
import org.microsim.abi.shell.ShellRequest;

/**
 * The shell task: the public port {@value #PORT_NAME}, where the console and scenarios (or any task) run
 * commands ({@link ShellCommands}) and move files in and out of the simulated namespace with the
 * {@link ShellRequest} protocol. It has no privilege and no special path: everything goes through the VFS by
 * IPC, as for any program. It is a handler on the one server runtime.
 *
 * <h2>Files</h2>
 * OPEN opens a file in the VFS and hands the caller a handle of the shell's own, which only that caller can
 * use; READ and WRITE pass the caller's lease on to the VFS ({@link Lease.Forward}), which passes it on to the
 * filesystem driver, so file data is copied once, by the driver, whatever its size, and a long transfer is one
 * call per piece over one open file. A caller holds at most {@value #MAX_OPEN_PER_CALLER} files at once, and
 * all callers together {@value #MAX_OPEN}: a client that forgets to close (or dies first) cannot make the
 * shell grow without bound.
 */
public final class Shell implements Program, Handler<ShellRequest<?>> {
    /** The public port's name. */
    public static final String PORT_NAME = "shell";
    static final int MAX_OPEN_PER_CALLER = 16;
    static final int MAX_OPEN = 256;

    /** A file the shell opened for a caller: whose it is and the VFS's handle. */
    private record OpenFile(TaskId owner, int vfsHandle) {
    }

    private final Map<Integer, OpenFile> files = new LinkedHashMap<>();
    private int nextHandle = 1;
    private Sys sys;
    private VfsClient vfs;
    private ShellCommands commands;

    @Override
    public void run(Sys system) {
        sys = system;
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        vfs = new VfsClient(sys);
        commands = new ShellCommands(vfs);
        Server.serve(sys, this, port);
    }

    @Override
    public Protocol<ShellRequest<?>, ?> protocol() {
        return ShellRequest.PROTOCOL;
    }

    @Override
    public Message handle(ShellRequest<?> request, Received call) throws FsException {
        return switch (request) {
            case ShellRequest.Run run -> output(call, commands.run(run.words()));
            case ShellRequest.Open open -> open(call.sender(), open);
            case ShellRequest.Read read -> {
                needLease(call.lease(), read.length(), true);
                yield vfs.call(new FsRequest.Read(file(call.sender(), read.fh()).vfsHandle(), read.offset(),
                        read.length()), new Lease.Forward(call.replyRight(), 0, read.length(), false, true)).toMessage();
            }
            case ShellRequest.Write write -> {
                needLease(call.lease(), write.length(), false);
                int fh = file(call.sender(), write.fh()).vfsHandle();
                yield write.length() == 0 ? new FsReplies.Transferred(0).toMessage()
                        : vfs.call(new FsRequest.Write(fh, write.offset(), write.length()),
                                new Lease.Forward(call.replyRight(), 0, write.length(), true, false)).toMessage();
            }
            case ShellRequest.Close close -> {
                OpenFile file = file(call.sender(), close.fh());
                files.remove(close.fh());
                vfs.call(new FsRequest.Close(file.vfsHandle()));
                yield Replies.ok();
            }
            case ShellRequest.Stat stat -> vfs.call(new FsRequest.Stat(stat.path())).toMessage();
        };
    }

    private Message open(TaskId owner, ShellRequest.Open open) throws FsException {
        long mine = files.values().stream().filter(f -> f.owner().equals(owner)).count();
        if (mine >= MAX_OPEN_PER_CALLER || files.size() >= MAX_OPEN) {
            throw new FsException(FsError.NO_SPACE, "too many files open in the shell (" + mine + " of yours, "
                    + files.size() + " in all): close some first");
        }
        int vfsHandle = vfs.call(new FsRequest.Open(open.path(), open.flags())).fh();
        while (files.containsKey(nextHandle) || nextHandle == 0) {
            nextHandle++;
        }
        int fh = nextHandle++;
        files.put(fh, new OpenFile(owner, vfsHandle));
        return new FsReplies.Opened(fh).toMessage();
    }

    /** The caller's open file {@code fh}: another task's handle is as unknown as one never handed out. */
    private OpenFile file(TaskId caller, int fh) throws FsException {
        OpenFile file = files.get(fh);
        if (file == null || !file.owner().equals(caller)) {
            throw new FsException(FsError.BAD_HANDLE, "no open file " + Integer.toUnsignedString(fh));
        }
        return file;
    }

    private Message output(Received call, ShellCommands.Output out) {
        LeaseInfo lease = call.lease();
        int room = lease == null || !lease.writable() ? 0 : (int) Math.min(lease.length(), out.bytes().length);
        if (room > 0) {
            Result<Integer> copied = sys.leaseWrite(call.replyRight(), 0, out.bytes(), 0, room);
            room = copied.isOk() ? copied.orNull() : 0;
        }
        return new RunResult(out.success(), room, out.bytes().length).toMessage();
    }

    private static void needLease(LeaseInfo lease, int length, boolean shellWrites) throws FsException {
        boolean right = lease != null && (shellWrites ? lease.writable() : lease.readable());
        if (!right || lease.length() < length) {
            throw new FsException(FsError.INVALID_REQUEST, "the request needs a " + (shellWrites ? "writable" : "readable")
                    + " lease of at least " + length + " bytes, got " + (lease == null ? "none" : lease));
        }
    }
}
