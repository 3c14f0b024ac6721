package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.KernelProtocol;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The one dispatch point for privileged work, as in Hubris: spawn, kill, subscribe to kernel events, act as
 * the name resolver. Reaching it at all needs a send handle to the kernel port, which only the harness hands
 * out (to init) and privileged tasks pass on. Requests are answered inline, under the kernel lock, so a
 * privileged call never waits for another task. Malformed requests get an error reply, never an exception.
 */
final class KernelPortServer {
    private final Kernel k;

    KernelPortServer(Kernel kernel) {
        this.k = kernel;
    }

    Message handle(Task caller, int msgId, byte[] data, List<HandleTable.Entry> handles) {
        try {
            return switch (msgId) {
                case KernelProtocol.SPAWN -> spawn(caller, KernelProtocol.Spawn.decode(data), handles);
                case KernelProtocol.KILL -> {
                    KernelProtocol.Kill kill = KernelProtocol.Kill.decode(data);
                    yield reply(k.kill(caller.id, kill.task(), kill.crash(), kill.reason()));
                }
                case KernelProtocol.SUBSCRIBE -> subscribe(caller, data, handles);
                case KernelProtocol.SET_RESOLVER -> resolver(caller, data, handles);
                case KernelProtocol.NAME_UNAVAILABLE -> {
                    KernelProtocol.NameUnavailable n = KernelProtocol.NameUnavailable.decode(data);
                    k.ipc.nameUnavailable(n.name(), n.reason());
                    yield Replies.ok();
                }
                default -> Replies.error(ErrorCode.UNKNOWN_REQUEST, "the kernel port has no request " + msgId);
            };
        } catch (MalformedException e) {
            return Replies.error(ErrorCode.INVALID_ARGUMENT, "malformed kernel request " + msgId + ": " + e.getMessage());
        }
    }

    private Message spawn(Task caller, KernelProtocol.Spawn s, List<HandleTable.Entry> handles) {
        Result<org.microsim.abi.TaskId> r = k.spawn(caller.id, s.program(), s.taskName(), s.restartOf(), s.args(),
                handles);
        return switch (r) {
            case Result.Ok<org.microsim.abi.TaskId>(var id) -> Replies.ok(new WireWriter().i64(id.pack()).toByteArray());
            case Result.Err<org.microsim.abi.TaskId>(var e) -> Replies.error(e.code(), e.detail());
        };
    }

    private Message subscribe(Task caller, byte[] data, List<HandleTable.Entry> handles) throws MalformedException {
        WireReader r = new WireReader(data);
        int kinds = r.i32("kinds");
        r.end("subscribe request");
        int known = KernelProtocol.TASK_EVENTS | KernelProtocol.PORT_EVENTS;
        if (kinds == 0 || (kinds & ~known) != 0) {
            return Replies.error(ErrorCode.INVALID_ARGUMENT, "unknown event kinds " + kinds);
        }
        Port port = ownPort(caller, handles);
        if (port == null) {
            return Replies.error(ErrorCode.DENIED, "subscribe needs exactly one handle to a port the caller owns");
        }
        k.subscribe(port, kinds);
        return Replies.ok();
    }

    private Message resolver(Task caller, byte[] data, List<HandleTable.Entry> handles) throws MalformedException {
        new WireReader(data).end("resolver request");
        Port port = ownPort(caller, handles);
        if (port == null) {
            return Replies.error(ErrorCode.DENIED, "the resolver request needs one handle to a port the caller owns");
        }
        k.resolver = port;
        return Replies.ok();
    }

    private static Port ownPort(Task caller, List<HandleTable.Entry> handles) {
        if (handles.size() != 1) {
            return null;
        }
        Port p = handles.get(0).port();
        return p.owner == caller && !p.closed ? p : null;
    }

    private static Message reply(Result<Void> r) {
        return r.isOk() ? Replies.ok() : Replies.error(r.code(), r.errorOrNull().detail());
    }
}
