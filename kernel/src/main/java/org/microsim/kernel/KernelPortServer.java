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
 *
 * <p>It is reached from one place, a call to the kernel port on the locked path ({@code Ipc.callLocked}), and
 * every request gets its answer there: a message <em>sent</em> to the kernel port is refused before it gets
 * here (INVALID_ARGUMENT, "use call"), since a reply to a send would have nowhere to go.
 *
 * <p>A request is decoded with the abi's own {@link KernelRequest#decode}, the same code a task's server
 * runtime would use. The handles it transferred are already the kernel's (port, rights) entries, so the
 * message it decodes carries placeholders: handle {@code i} stands for the i-th entry, and is mapped back.
 */
final class KernelPortServer {
    private final Kernel k;

    KernelPortServer(Kernel kernel) {
        this.k = kernel;
    }

    /** Answers {@code request}, whose handles were checked and captured as {@code handles}, in order. */
    Message handle(Task caller, Message request, List<HandleTable.Entry> handles) {
        if (!KernelRequest.isKernelRequest(request.msgId())) {
            return Replies.error(ErrorCode.UNKNOWN_REQUEST, "the kernel port has no request " + request.msgId());
        }
        try {
            return switch (KernelRequest.decode(withPlaceholders(request, handles.size()))) {
                case KernelRequest.Spawn s -> spawn(caller, s, handles);
                case KernelRequest.Kill kill ->
                        reply(k.tasks.kill(caller.id, kill.task(), kill.crash(), kill.reason()));
                case KernelRequest.Subscribe s -> subscribe(caller, s, handles);
                case KernelRequest.SetResolver r -> resolver(caller, r, handles);
                case KernelRequest.NameUnavailable n -> {
                    k.names.nameUnavailable(n.name(), n.reason());
                    yield Replies.ok();
                }
                case KernelRequest.FindTask f -> KernelRequest.FoundTask.toMessage(k.tasks.find(f.name()));
            };
        } catch (MalformedException e) {
            return Replies.error(ErrorCode.INVALID_ARGUMENT, "malformed kernel request " + request.msgId() + ": "
                    + e.getMessage());
        }
    }

    /** The request with handle {@code i} in place of the i-th transferred entry. */
    private static Message withPlaceholders(Message request, int count) {
        List<Handle> placeholders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            placeholders.add(new Handle(i));
        }
        return new Message(request.msgId(), request.data(), placeholders, null);
    }

    private Message spawn(Task caller, KernelRequest.Spawn s, List<HandleTable.Entry> handles) {
        List<HandleTable.Entry> start = s.handles().stream().map(h -> handles.get(h.slot())).toList();
        Result<TaskId> r = k.tasks.spawn(caller.id, s.program(), s.taskName(), s.restartOf(), s.args(), start);
        return switch (r) {
            case Result.Ok<TaskId>(var id) -> Replies.ok(new WireWriter().i64(id.pack()).toByteArray());
            case Result.Err<TaskId>(var e) -> Replies.error(e.code(), e.detail());
        };
    }

    private Message subscribe(Task caller, KernelRequest.Subscribe s, List<HandleTable.Entry> handles) {
        int known = KernelRequest.TASK_EVENTS | KernelRequest.PORT_EVENTS;
        if (s.kinds() == 0 || (s.kinds() & ~known) != 0) {
            return Replies.error(ErrorCode.INVALID_ARGUMENT, "unknown event kinds " + s.kinds());
        }
        Port port = ownPort(caller, handles.get(s.port().slot()));
        if (port == null) {
            return Replies.error(ErrorCode.DENIED, "subscribe needs a handle to a port the caller owns");
        }
        k.notifications.subscribe(port, s.kinds());
        return Replies.ok();
    }

    private Message resolver(Task caller, KernelRequest.SetResolver r, List<HandleTable.Entry> handles) {
        Port port = ownPort(caller, handles.get(r.port().slot()));
        if (port == null) {
            return Replies.error(ErrorCode.DENIED, "the resolver request needs a handle to a port the caller owns");
        }
        k.names.setResolver(port);
        return Replies.ok();
    }

    /** The port {@code entry} reaches, when it is the caller's own and open; null otherwise. */
    private static Port ownPort(Task caller, HandleTable.Entry entry) {
        Port p = entry.port();
        return p.owner == caller && !p.closed ? p : null;
    }

    private static Message reply(Result<Void> r) {
        return r.isOk() ? Replies.ok() : Replies.error(r.code(), r.errorOrNull().detail());
    }
}
