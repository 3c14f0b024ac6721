package org.microsim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.TaskId;
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
        if (!KernelRequest.isKernelRequest(msgId)) {
            return Replies.error(ErrorCode.UNKNOWN_REQUEST, "the kernel port has no request " + msgId);
        }
        // The request decodes against placeholder handles: handle i is the i-th entry transferred.
        List<Handle> placeholders = new ArrayList<>(handles.size());
        for (int i = 0; i < handles.size(); i++) {
            placeholders.add(new Handle(i));
        }
        KernelRequest<?> request;
        try {
            request = KernelRequest.decode(new Message(msgId, data, placeholders, null));
        } catch (MalformedException e) {
            return Replies.error(ErrorCode.INVALID_ARGUMENT, "malformed kernel request " + msgId + ": " + e.getMessage());
        }
        return switch (request) {
            case KernelRequest.Spawn s -> spawn(caller, s, handles);
            case KernelRequest.Kill kill -> reply(k.kill(caller.id, kill.task(), kill.crash(), kill.reason()));
            case KernelRequest.Subscribe s -> subscribe(caller, s.kinds(), handles.get(s.port().slot()));
            case KernelRequest.SetResolver r -> resolver(caller, handles.get(r.port().slot()));
            case KernelRequest.NameUnavailable n -> {
                k.ipc.nameUnavailable(n.name(), n.reason());
                yield Replies.ok();
            }
        };
    }

    private Message spawn(Task caller, KernelRequest.Spawn s, List<HandleTable.Entry> handles) {
        Result<TaskId> r = k.spawn(caller.id, s.program(), s.taskName(), s.restartOf(), s.args(), handles);
        return switch (r) {
            case Result.Ok<TaskId>(var id) -> Replies.ok(new WireWriter().i64(id.pack()).toByteArray());
            case Result.Err<TaskId>(var e) -> Replies.error(e.code(), e.detail());
        };
    }

    private Message subscribe(Task caller, int kinds, HandleTable.Entry port) {
        int known = KernelRequest.TASK_EVENTS | KernelRequest.PORT_EVENTS;
        if (kinds == 0 || (kinds & ~known) != 0) {
            return Replies.error(ErrorCode.INVALID_ARGUMENT, "unknown event kinds " + kinds);
        }
        if (!owned(caller, port)) {
            return Replies.error(ErrorCode.DENIED, "subscribe needs a handle to a port the caller owns");
        }
        k.subscribe(port.port(), kinds);
        return Replies.ok();
    }

    private Message resolver(Task caller, HandleTable.Entry port) {
        if (!owned(caller, port)) {
            return Replies.error(ErrorCode.DENIED, "the resolver request needs a handle to a port the caller owns");
        }
        k.resolver = port.port();
        return Replies.ok();
    }

    private static boolean owned(Task caller, HandleTable.Entry e) {
        return e.port().owner == caller && !e.port().closed;
    }

    private static Message reply(Result<Void> r) {
        return r.isOk() ? Replies.ok() : Replies.error(r.code(), r.errorOrNull().detail());
    }
}
