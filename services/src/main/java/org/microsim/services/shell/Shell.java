package org.microsim.services.shell;

import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.WireWriter;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.shell.RunResult;
import org.microsim.abi.shell.ShellRequest;

/**
 * The shell task: the public port {@value #PORT_NAME}, where the console and scenarios (or any task) run
 * commands ({@link ShellCommands}) and move files in and out of the simulated namespace with the
 * {@link ShellRequest} protocol. It has no privilege and no special path: everything goes through the VFS by
 * IPC, as for any program. A PUT or GET passes the caller's lease on to the VFS ({@link Lease.Forward}), which
 * passes it on to the filesystem driver, so file data is copied once, by the driver, whatever its size.
 *
 * <p>Calls are served one at a time; every call gets one reply, an error reply for a malformed request.
 */
public final class Shell implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "shell";

    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        VfsClient vfs = new VfsClient(sys);
        ShellCommands commands = new ShellCommands(vfs);
        while (true) {
            Received r = sys.receive(Sys.FOREVER, port).orThrow();
            if (!r.isCall()) {
                sys.log("shell: ignored message " + r.msgId() + " that is not a call");
                continue;
            }
            var sent = sys.reply(r.replyRight(), handle(sys, vfs, commands, r));
            if (!sent.isOk()) {
                sys.log("shell: reply to " + r.sender() + " lost: " + sent.errorOrNull());
            }
        }
    }

    private static Message handle(Sys sys, VfsClient vfs, ShellCommands commands, Received r) {
        try {
            return switch (ShellRequest.decode(r.message())) {
                case ShellRequest.Run run -> output(sys, r, commands.run(run.words()));
                case ShellRequest.Put put -> {
                    needLease(r.lease(), put.length(), false);
                    yield transferred(put(vfs, put, r.replyRight()));
                }
                case ShellRequest.Get get -> {
                    needLease(r.lease(), get.length(), true);
                    int fh = vfs.open(get.path(), OpenFlags.READ);
                    try {
                        yield transferred(vfs.transfer(new FsRequest.Read(fh, get.offset(), get.length()),
                                new Lease.Forward(r.replyRight(), 0, get.length(), false, true)));
                    } finally {
                        vfs.close(fh);
                    }
                }
                case ShellRequest.Stat stat -> Replies.ok(vfs.stat(stat.path()).write(new WireWriter()).toByteArray());
            };
        } catch (MalformedException e) {
            return Replies.error(FsError.INVALID_REQUEST.code(), "malformed shell request: " + e.getMessage());
        } catch (FsException e) {
            return FsReplies.error(e);
        } catch (RuntimeException e) {
            return Replies.error(FsError.IO_ERROR.code(), "internal error: " + e);
        }
    }

    private static int put(VfsClient vfs, ShellRequest.Put put, ReplyRight right) throws FsException {
        int flags = put.offset() == 0 ? OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNCATE : OpenFlags.WRITE;
        int fh = vfs.open(put.path(), flags);
        try {
            return put.length() == 0 ? 0 : vfs.transfer(new FsRequest.Write(fh, put.offset(), put.length()),
                    new Lease.Forward(right, 0, put.length(), true, false));
        } finally {
            vfs.close(fh);
        }
    }

    private static Message output(Sys sys, Received r, ShellCommands.Output out) {
        LeaseInfo lease = r.lease();
        int room = lease == null || !lease.writable() ? 0 : (int) Math.min(lease.length(), out.bytes().length);
        if (room > 0) {
            Result<Integer> copied = sys.leaseWrite(r.replyRight(), 0, out.bytes(), 0, room);
            room = copied.isOk() ? copied.orNull() : 0;
        }
        return Replies.ok(new RunResult(out.success(), room, out.bytes().length).encode());
    }

    private static Message transferred(int bytes) {
        return Replies.ok(new FsReplies.Transferred(bytes).encode());
    }

    private static void needLease(LeaseInfo lease, int length, boolean shellWrites) throws FsException {
        boolean right = lease != null && (shellWrites ? lease.writable() : lease.readable());
        if (!right || lease.length() < length) {
            throw new FsException(FsError.INVALID_REQUEST, "the request needs a " + (shellWrites ? "writable" : "readable")
                    + " lease of at least " + length + " bytes, got " + (lease == null ? "none" : lease));
        }
    }
}
