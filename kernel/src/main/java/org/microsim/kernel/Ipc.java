package org.microsim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.Message;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.SysError;

/**
 * Message passing, the locked way: send, receive, call, reply and replyAndReceive, with every check, under the
 * kernel lock. This is the specification of IPC. {@link FastPath} runs the common case (plain messages and
 * calls: no handles, no lease, no trace) without the lock, and must mean the same: each entry point here offers
 * its call to the fast path first, and takes it the locked way when the fast path answers null, as seL4's
 * fastpath falls back to its slow path (a fast receive never does: it polls, and when it finds nothing it may
 * take it waits in {@link #receiveLocked} itself). With the fast path switched off
 * ({@link Kernel.Builder#fastPath}) every call goes the locked way; the IPC properties are run both ways.
 *
 * <pre>
 *  TaskSys, ConsoleSys ──▶ send/receive/call/reply ──▶ FastPath ──answer──────────────────────▶ caller
 *                                                         └─null: not plain─▶ ...Locked (lock held)
 *
 *  send ──▶ [port queue, bounded] ──▶ receive (oldest head among the ports asked)
 *  call ──▶ [port queue] ──▶ receive: CallRecord RECEIVED, ReplyRight to the server
 *   ▲                                          │
 *   └──────────── reply: ANSWERED, wake ◀──────┘   (or FAILED: timeout, death, port closed)
 * </pre>
 *
 * The entry points are called without the lock; everything else runs with it held (but for
 * {@link #receivePorts}, which reads only the receiver's own table). Every bad argument is an
 * error value; blocking goes through the scheduler and is always followed by a re-check (a wakeup says "look
 * again", not "it happened"). The kernel port is served at one place, a locked call ({@link KernelPortServer});
 * a message sent to it is refused, since its answer would have nowhere to go.
 */
final class Ipc {
    /** The answer of a call that succeeded with no value: one shared immutable object, not one per call. */
    static final Result<Void> DONE = Result.ok(null);
    /** The same for the common message that moves no handles, going out and coming in. */
    private static final Result<List<HandleTable.Entry>> NO_ENTRIES = Result.ok(List.of());

    private final Kernel k;
    /** Whether system calls are offered to {@link #fastPath} first: fixed when the kernel is built. */
    private final boolean fastPathOn;
    private final FastPath fastPath;

    Ipc(Kernel kernel, boolean fastPathOn) {
        this.k = kernel;
        this.fastPathOn = fastPathOn;
        this.fastPath = new FastPath(kernel, this);
    }

    // ------------------------------------------------------------------ the entry points

    /** Sends: queues a message without waiting for it to be received. */
    Result<Void> send(Task t, Handle to, Message m) {
        Result<Void> fast = fastPathOn ? fastPath.send(t, to, m) : null;
        return fast != null ? fast : k.scheduler.locked(t, () -> sendLocked(t, to, m));
    }

    /** Receives the oldest message among the ports, waiting for one until {@code deadline}. */
    Result<Received> receive(Task t, long deadline, Handle[] handles) {
        if (fastPathOn) {
            return fastPath.receive(t, deadline, handles);
        }
        return k.scheduler.locked(t, () -> {
            Result<Port[]> checked = receivePorts(t, handles);
            if (!(checked instanceof Result.Ok<Port[]>(Port[] ports))) {
                return Result.err(checked.errorOrNull());
            }
            Result<Received> r;
            do {
                r = receiveLocked(t, handles, ports, deadline);
            } while (r == null);
            return r;
        });
    }

    /** Calls: sends and waits until {@code deadline} for the one answer. */
    Result<Message> call(Task t, Handle to, Message m, long deadline) {
        Result<Message> fast = fastPathOn ? fastPath.call(t, to, m, deadline) : null;
        return fast != null ? fast : k.scheduler.locked(t, () -> callLocked(t, to, m, deadline));
    }

    /** Replies: answers a call this task received; a reply right works once. */
    Result<Void> reply(Task t, ReplyRight right, Message m) {
        Result<Void> fast = fastPathOn ? fastPath.reply(t, right, m) : null;
        return fast != null ? fast : k.scheduler.locked(t, () -> replyLocked(t, right, m));
    }

    /**
     * Replies and receives in one entry into the kernel, as seL4's ReplyRecv: the server answers, wakes its
     * caller and starts waiting for the next request under the same hold of the lock. A caller that gave up
     * meanwhile is no error here; any other error of the reply is answered without receiving.
     */
    Result<Received> replyAndReceive(Task t, ReplyRight right, Message m, long deadline, Handle[] handles) {
        if (fastPathOn && fastPath.reply(t, right, m) != null) {
            return receive(t, deadline, handles); // answered, or its caller gave up: no error here either way
        }
        Result<Received> first = k.scheduler.locked(t, () -> {
            Result<Void> replied = replyLocked(t, right, m);
            if (replied.code() != null && replied.code() != ErrorCode.NO_CALLER) {
                return Result.err(replied.errorOrNull());
            }
            Result<Port[]> checked = receivePorts(t, handles);
            if (!(checked instanceof Result.Ok<Port[]>(Port[] ports))) {
                return Result.err(checked.errorOrNull());
            }
            return receiveLocked(t, handles, ports, deadline);
        });
        return first != null ? first : receive(t, deadline, handles);
    }

    // ------------------------------------------------------------------ checks shared by the calls

    /** The port a handle lets this task send to. */
    private Result<Port> target(Task t, Handle h) {
        if (h == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "handle is null");
        }
        HandleTable.Entry e = t.handles.get(h.slot());
        if (e == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "no handle " + h + " in task " + t.name);
        }
        if (!e.rights().canSend()) {
            return Result.err(ErrorCode.NO_RIGHT, "handle " + h + " has no send right");
        }
        Port p = e.port();
        if (p.closed) {
            return Result.err(k.ports.gone(p));
        }
        if (p.kind == Port.Kind.DEVICE) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "device port " + p.name() + " accepts no messages");
        }
        return Result.ok(p);
    }

    /** The handles a message transfers, checked: each must exist and carry the grant right. */
    private Result<List<HandleTable.Entry>> outgoing(Task t, Message m) {
        if (m == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "message is null");
        }
        if (m.size() > Message.MAX_INLINE) {
            return Result.err(ErrorCode.TOO_LARGE, "message of " + m.size() + " bytes is over the "
                    + Message.MAX_INLINE + "-byte limit: pass bulk data in a lease");
        }
        if (m.handles().size() > Message.MAX_HANDLES) {
            return Result.err(ErrorCode.TOO_LARGE, m.handles().size() + " handles is over the limit of "
                    + Message.MAX_HANDLES);
        }
        if (m.handles().isEmpty()) {
            return NO_ENTRIES;
        }
        List<HandleTable.Entry> entries = new ArrayList<>(m.handles().size());
        for (Handle h : m.handles()) {
            HandleTable.Entry e = h == null ? null : t.handles.get(h.slot());
            if (e == null) {
                return Result.err(ErrorCode.BAD_HANDLE, "cannot transfer " + h + ": no such handle");
            }
            if (!e.rights().canGrant()) {
                return Result.err(ErrorCode.NO_RIGHT, "cannot transfer " + h + ": no grant right");
            }
            // Only a port's owner receives from it: a transferred handle never carries the receive right.
            entries.add(new HandleTable.Entry(e.port(), e.rights().intersect(Rights.SEND_GRANT)));
        }
        return Result.ok(entries);
    }

    /** The ports a receive names, checked: each handle must exist, carry the receive right and be open. */
    static Result<Port[]> receivePorts(Task t, Handle[] handles) {
        if (handles == null || handles.length == 0 || handles.length > 64) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "receive needs 1 to 64 port handles");
        }
        Port[] ports = new Port[handles.length];
        for (int i = 0; i < handles.length; i++) {
            HandleTable.Entry e = handles[i] == null ? null : t.handles.get(handles[i].slot());
            if (e == null) {
                return Result.err(ErrorCode.BAD_HANDLE, "no handle " + handles[i] + " in task " + t.name);
            }
            if (!e.rights().canReceive()) {
                return Result.err(ErrorCode.NO_RIGHT, "handle " + handles[i] + " has no receive right");
            }
            if (e.port().closed) {
                return Result.err(ErrorCode.NO_SUCH_PORT, "port " + e.port().name() + " was unregistered");
            }
            ports[i] = e.port();
        }
        return Result.ok(ports);
    }

    // ------------------------------------------------------------------ queueing and waking

    /** Queues an envelope (its room already reserved if it is counted) and wakes the owner if it waits for it. */
    void enqueue(Port p, Envelope e) {
        p.queue.offer(e);
        Task owner = p.owner;
        if (owner != null && owner.waitsIn(p)) {
            wakeReceiver(owner);
        }
    }

    /**
     * Wakes a task waiting in receive. It no longer counts as waiting from here on: it will look at its queues
     * again before it waits anew, so the senders that follow need not take the lock to wake it once more (a
     * sender seeing {@code receivingOn} set takes the lock, see {@link FastPath#send}).
     */
    void wakeReceiver(Task owner) {
        owner.receivingOn = null;
        k.scheduler.wake(owner);
    }

    // ------------------------------------------------------------------ the locked path

    private Result<Void> sendLocked(Task t, Handle to, Message m) {
        Result<Port> target = target(t, to);
        if (!(target instanceof Result.Ok<Port>(Port p))) {
            return Result.err(target.errorOrNull());
        }
        Result<List<HandleTable.Entry>> handles = outgoing(t, m);
        if (!(handles instanceof Result.Ok<List<HandleTable.Entry>>(var entries))) {
            return Result.err(handles.errorOrNull());
        }
        if (m.lease() != null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "a lease lives for the length of a call: use call");
        }
        if (p.kind == Port.Kind.KERNEL) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "the kernel port answers calls only: use call");
        }
        if (!p.queue.reserve()) {
            return Result.err(p.fullError());
        }
        long seq = k.nextSeq();
        enqueue(p, new Envelope(seq, t.id, m, entries, null, true, null));
        if (k.trace.enabled()) {
            k.record(t, TraceEvent.Kind.SEND, "to " + p.name() + " id " + m.msgId() + " " + m.size() + "B", seq);
        }
        return DONE;
    }

    /**
     * Delivers the oldest message, waiting for one first if none is queued; null when the wait ended with
     * nothing to deliver, or with a call given up (look again). {@code receivingOn} is set before the last look
     * at the queues (see {@link FastPath#send}).
     */
    Result<Received> receiveLocked(Task t, Handle[] handles, Port[] ports, long deadline) {
        int best = Port.oldest(ports);
        if (best < 0) {
            t.receivingOn = ports;
            try {
                best = Port.oldest(ports);
                if (best < 0) {
                    if (ports[0].closed) {
                        return Result.err(ErrorCode.NO_SUCH_PORT, "port " + ports[0].name() + " was unregistered");
                    }
                    if (k.scheduler.now() >= deadline) {
                        return Result.err(ErrorCode.TIMED_OUT, "no message within the timeout");
                    }
                    k.scheduler.await(t, deadline, ports.length == 1 ? ports[0].receiveLabel()
                            : ports[0].receiveLabel() + " +" + (ports.length - 1));
                    best = Port.oldest(ports);
                }
            } finally {
                t.receivingOn = null;
            }
        }
        return best < 0 ? null : deliver(t, ports[best], handles[best]);
    }

    /** Takes the oldest envelope of {@code p}, which is there; null if it was a call given up. */
    private Result<Received> deliver(Task t, Port p, Handle via) {
        Envelope e = p.queue.poll();
        CallRecord call = e.call();
        if (!p.queue.take(e) || (call != null && !call.take(t))) {
            return null; // a call given up, or failed, while queued in the plain lane; look again
        }
        if (e.irq() != null) {
            e.irq().pending = false;
        }
        Result<List<Handle>> local = t.handles.install(e.handles(), t.name);
        if (!(local instanceof Result.Ok<List<Handle>>(var handles))) {
            if (call != null) {
                k.calls.fail(call, local.errorOrNull());
            }
            return Result.err(local.errorOrNull());
        }
        ReplyRight right = null;
        LeaseInfo lease = null;
        if (call != null) {
            if (fastPathOn && e.plain() && FastPath.holdsNoCall(t)) {
                t.lockFreeHeld = call; // so that its answer can go the fast path
            } else {
                t.heldCalls().put(call.id, call);
            }
            right = new ReplyRight(call.id);
            if (call.lease != null) {
                lease = new LeaseInfo(call.lease.length(), call.lease.readable(), call.lease.writable());
            }
        }
        if (k.trace.enabled()) {
            k.record(t, TraceEvent.Kind.RECEIVE, "on " + p.name() + " id " + e.message().msgId() + " from " + e.sender(),
                    e.seq());
        }
        return Result.ok(new Received(e.sender(), via, delivered(e.message(), handles), right, lease));
    }

    /**
     * A message as its receiver gets it: with the handles renumbered into the receiver's table and no lease
     * (the receiver sees a LeaseInfo instead). A message that carried neither is handed over as it is (a kernel
     * notice's handles come in the envelope only, so {@code local} is checked as well).
     */
    static Message delivered(Message sent, List<Handle> local) {
        if (local.isEmpty() && sent.handles().isEmpty() && sent.lease() == null) {
            return sent;
        }
        return new Message(sent.msgId(), sent.data(), local, null);
    }

    /** A call, checked, queued and waited for; a call to the kernel port is answered at once. */
    private Result<Message> callLocked(Task t, Handle to, Message m, long deadline) {
        Result<Port> target = target(t, to);
        if (!(target instanceof Result.Ok<Port>(Port p))) {
            return Result.err(target.errorOrNull());
        }
        Result<List<HandleTable.Entry>> handles = outgoing(t, m);
        if (!(handles instanceof Result.Ok<List<HandleTable.Entry>>(var entries))) {
            return Result.err(handles.errorOrNull());
        }
        if (p.kind == Port.Kind.KERNEL) {
            if (m.lease() != null) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "the kernel port takes no leases");
            }
            return Result.ok(k.portServer.handle(t, m, entries));
        }
        if (p.owner == t) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "a task cannot call its own port " + p.name()
                    + ": it would wait for itself");
        }
        long seq = k.nextSeq();
        Result<CallRecord> made = Leases.newCall(t, p, seq, m.lease());
        if (!(made instanceof Result.Ok<CallRecord>(CallRecord call))) {
            return Result.err(made.errorOrNull());
        }
        if (!p.queue.reserve()) {
            return Result.err(p.fullError());
        }
        enqueue(p, new Envelope(seq, t.id, m, entries, call, true, null));
        if (k.trace.enabled()) {
            k.record(t, TraceEvent.Kind.CALL, "to " + p.name() + " id " + m.msgId() + " " + m.size() + "B"
                    + (m.lease() == null ? "" : " lease " + m.lease().size() + "B"), seq);
        }
        t.pendingCall = call;
        try {
            return k.calls.awaitAnswer(t, call, deadline);
        } finally {
            t.pendingCall = null;
        }
    }

    static Result<Void> noCaller(long id) {
        return Result.err(ErrorCode.NO_CALLER, "reply right " + id
                + " is unknown, already used, or its caller stopped waiting");
    }

    private Result<Void> replyLocked(Task t, ReplyRight right, Message m) {
        if (right == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "reply right is null");
        }
        CallRecord call = t.heldCall(right.id());
        if (call == null || !call.pending()) {
            if (call != null) {
                t.releaseHeld(call);
            }
            return noCaller(right.id());
        }
        Result<List<HandleTable.Entry>> handles = outgoing(t, m);
        if (!(handles instanceof Result.Ok<List<HandleTable.Entry>>(var entries))) {
            return Result.err(handles.errorOrNull());
        }
        if (m.lease() != null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "a reply cannot carry a lease");
        }
        t.releaseHeld(call);
        t.peer = call.caller;
        call.answer(m, entries); // nothing fails a call while the lock is held, so this is the answer
        k.scheduler.wake(call.caller);
        if (k.trace.enabled()) {
            k.record(t, TraceEvent.Kind.REPLY, "to " + call.caller.name + " id " + m.msgId() + " " + m.size() + "B",
                    call.id);
        }
        return DONE;
    }
}
