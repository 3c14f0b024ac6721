package org.microsim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.SysError;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;

/**
 * Message passing: send, receive, call, reply, leases and name lookup. Every method but {@link #send},
 * {@link #receive}, {@link #call}, {@link #reply} and {@link #replyAndReceive} (which take it where they need
 * it) runs with the kernel lock held, and each returns an error value for every bad argument; blocking goes
 * through the scheduler and is always followed by a re-check (a wakeup says "look again", not "it happened").
 *
 * <pre>
 *  send ──▶ [port queue, bounded; plain messages lock-free] ──▶ receive (oldest head among the ports asked)
 *  call ──▶ [port queue] ──▶ receive: CallRecord RECEIVED, ReplyRight to the server
 *   ▲                                          │
 *   └──────────── reply: ANSWERED, wake ◀──────┘   (or FAILED: timeout, death, port closed)
 * </pre>
 */
final class Ipc {
    /** The answer of a call that succeeded with no value: one shared immutable object, not one per call. */
    private static final Result<Void> DONE = Result.ok(null);
    /** The same for the common message that moves no handles, going out and coming in. */
    private static final Result<List<HandleTable.Entry>> NO_ENTRIES = Result.ok(List.of());
    private static final Result<List<Handle>> NO_HANDLES = Result.ok(List.of());

    private final Kernel k;
    /** Tasks blocked in lookup, by the name they wait for. */
    private final java.util.Map<String, List<Task>> nameWaiters = new java.util.HashMap<>();

    Ipc(Kernel kernel) {
        this.k = kernel;
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
            return Result.err(gone(p));
        }
        if (p.kind == Port.Kind.DEVICE) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "device port " + p.name() + " accepts no messages");
        }
        return Result.ok(p);
    }

    /** The error for using a handle whose port is gone: names the generation that replaced it, if any. */
    SysError gone(Port p) {
        long now = k.currentGeneration(p.name());
        return new SysError(ErrorCode.PEER_DIED, "port " + p.name() + " generation " + p.generation + " is gone"
                + (now > 0 ? "; look it up again" : ""), now);
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

    private Result<List<Handle>> install(Task t, List<HandleTable.Entry> entries) {
        if (entries.isEmpty()) {
            return NO_HANDLES;
        }
        List<Handle> local = new ArrayList<>(entries.size());
        for (HandleTable.Entry e : entries) {
            int slot = t.handles.add(e);
            if (slot < 0) {
                local.forEach(h -> t.handles.remove(h.slot()));
                return Result.err(ErrorCode.UNAVAILABLE, "task " + t.name + " has no free handle slot");
            }
            local.add(new Handle(slot));
        }
        return Result.ok(local);
    }

    /** Queues an envelope (its room already reserved if it is counted) and wakes the owner if it waits for it. */
    void enqueue(Port p, Envelope e) {
        p.queue.offer(e);
        Task owner = p.owner;
        if (owner != null && waitsOn(owner, p)) {
            wakeReceiver(owner);
        }
    }

    /**
     * Wakes a task waiting in receive, with the lock held. It no longer counts as waiting from here on: it will
     * look at its queues again before it waits anew, so the senders that follow need not take the lock to
     * wake it once more (a sender seeing {@code receivingOn} set takes the lock, see {@link #send}).
     */
    private void wakeReceiver(Task owner) {
        owner.receivingOn = null;
        k.scheduler.wake(owner);
    }

    /** Whether {@code owner} is waiting in receive on {@code p}. */
    private static boolean waitsOn(Task owner, Port p) {
        Port[] on = owner.receivingOn;
        if (on != null) {
            for (Port q : on) {
                if (q == p) {
                    return true;
                }
            }
        }
        return false;
    }

    private void checkKilled(Task t) {
        if (t.killed) {
            throw new TaskKilled();
        }
    }

    /** Blocks the task, showing {@code what} in ps. Returns true when the deadline passed. */
    private boolean await(Task t, long deadline, String what) {
        t.state = TaskState.BLOCKED;
        t.waitingFor = what;
        boolean expired = k.scheduler.block(t, deadline);
        if (t.alive()) {
            t.state = TaskState.READY;
            t.waitingFor = "";
        }
        checkKilled(t);
        return expired;
    }

    Result<Void> sleep(Task t, long deadline) {
        while (k.scheduler.now() < deadline) {
            await(t, deadline, "sleep");
        }
        return DONE;
    }

    // ------------------------------------------------------------------ send / receive

    /**
     * Sends. Called without the kernel lock: a plain message (no handles, no trace to write) to a task's port
     * goes into the lock-free queue directly, and the lock is taken only to wake an owner that waits in
     * receive. Everything else, errors included, goes the locked way.
     *
     * <p>Waking needs no lock to be safe: the sender links its envelope and then reads the owner's
     * {@code receivingOn}; the owner sets {@code receivingOn} and then looks at its queues again before it
     * blocks. All four accesses are volatile, so at least one side sees the other's write.
     *
     * <p>On the free scheduler a plain send that races a kill of its sender from another task may still land,
     * after the kill's notification: as on a multiprocessor, the message was on its way when the kill came.
     * (The deterministic scheduler never stops a task inside a system call, so there it cannot happen.)
     */
    Result<Void> send(Task t, Handle to, Message m) {
        Port p = plainTarget(t, to, m);
        if (p == null || !p.queue.reserve()) {
            // A full queue answers under the lock as before: a sender retrying in a loop then waits its turn
            // for the lock now and then, instead of spinning past the tasks queued for the lock or a carrier.
            return k.scheduler.locked(t, () -> sendLocked(t, to, m));
        }
        p.queue.offer(new Envelope(k.nextSeq(), t.id, m, List.of(), null, true, null));
        if (waitsOn(p.owner, p)) {
            k.scheduler.lockedRun(t, () -> wakeReceiver(p.owner));
        }
        return DONE;
    }

    private static <T> Result<T> queueFull(Port p) {
        return Result.err(p.fullError());
    }

    /** The open task port a plain, valid send goes to without the lock; null when the send needs the lock. */
    private Port plainTarget(Task t, Handle to, Message m) {
        HandleTable.Entry e = to == null ? null : t.handles.get(to.slot());
        if (e == null || !e.rights().canSend() || m == null || m.size() > Message.MAX_INLINE
                || !m.handles().isEmpty() || m.lease() != null || k.trace.enabled()) {
            return null;
        }
        Port p = e.port();
        return p.kind == Port.Kind.TASK && !p.closed ? p : null;
    }

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
            k.portServer.handle(t, m, entries);
            return DONE;
        }
        if (!p.queue.reserve()) {
            return queueFull(p);
        }
        long seq = k.nextSeq();
        enqueue(p, new Envelope(seq, t.id, m, entries, null, true, null));
        if (k.trace.enabled()) {
            k.record(t, TraceEvent.Kind.SEND, "to " + p.name() + " id " + m.msgId() + " " + m.size() + "B", seq);
        }
        return DONE;
    }

    /** A message from the kernel itself (notification, interrupt): never refused for a full queue. */
    void postFromKernel(Port p, Message m, List<HandleTable.Entry> handles) {
        postFromKernel(p, m, handles, null);
    }

    private void postFromKernel(Port p, Message m, List<HandleTable.Entry> handles, IrqBinding irq) {
        if (p.closed) {
            return;
        }
        enqueue(p, new Envelope(k.nextSeq(), TaskId.KERNEL, m, handles, null, false, irq));
    }

    /**
     * Receives the oldest message among the ports. Called without the kernel lock: only the owner takes from
     * a port's queue, so a plain message is taken and handed over lock-free; a call, handles to install, an
     * interrupt to re-arm or the trace take the lock, and so does waiting.
     */
    Result<Received> receive(Task t, long deadline, Handle[] handles) {
        Result<Port[]> checked = receivePorts(t, handles);
        if (!(checked instanceof Result.Ok<Port[]>(Port[] ports))) {
            return Result.err(checked.errorOrNull());
        }
        while (true) {
            int best = oldest(ports);
            int polls = k.scheduler.pollsBeforeWaiting(t);
            while (polls > 0 && best < 0) {
                polls -= k.scheduler.pause(t, t.peer);
                best = oldest(ports);
            }
            Envelope head = best < 0 ? null : ports[best].queue.peek();
            if (head != null && head.plain() && !k.trace.enabled() && (head.call() == null || holdsNoCall(t))) {
                Envelope e = ports[best].queue.pollPlain();
                CallRecord call = e.call();
                if (!ports[best].queue.take(e) || (call != null && !holdLockFree(t, call))) {
                    continue; // a call given up, or failed by a port closing or a server dying
                }
                return Result.ok(new Received(e.sender(), handles[best], e.message(),
                        call == null ? null : new ReplyRight(call.id), null));
            }
            Result<Received> r = k.scheduler.locked(t, () -> receiveLocked(t, handles, ports, deadline));
            if (r != null) {
                return r;
            }
        }
    }

    /** Whether the task's one lock-free held call is free (answered, or no longer wanted by its caller). */
    private static boolean holdsNoCall(Task t) {
        CallRecord held = t.lockFreeHeld;
        return held == null || !held.pending();
    }

    /**
     * Without the lock, {@code t} takes a call from the plain lane and holds it in {@code lockFreeHeld}; false
     * when it failed first. The call stays QUEUED (see {@link CallRecord}); if it fails after this look, its
     * answer finds NO_CALLER. A kill racing this from another thread reads {@code lockFreeHeld} after
     * setting {@code killed}, and this reads {@code killed} after setting {@code lockFreeHeld}: one of the two
     * fails the call, so its caller never waits for a reply from a dead server.
     */
    private boolean holdLockFree(Task t, CallRecord call) {
        if (call.state() != CallRecord.State.QUEUED) {
            return false;
        }
        t.lockFreeHeld = call;
        if (t.killed) {
            k.scheduler.lockedRun(t, () -> fail(call, SysError.of(ErrorCode.PEER_DIED, "task " + t
                    + " died before replying")));
        }
        return true;
    }

    /** The ports a receive names, checked: each handle must exist, carry the receive right and be open. */
    private static Result<Port[]> receivePorts(Task t, Handle[] handles) {
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

    /**
     * Replies and receives in one entry into the kernel, as seL4's ReplyRecv: the server answers, wakes its
     * caller and starts waiting for the next request under the same hold of the lock. A caller that gave up
     * meanwhile is no error here; any other error of the reply is answered without receiving.
     */
    Result<Received> replyAndReceive(Task t, ReplyRight right, Message m, long deadline, Handle[] handles) {
        CallRecord quick = lockFreeReply(t, right, m);
        if (quick != null) {
            answerLockFree(t, quick, m); // a caller that gave up is no error here
            return receive(t, deadline, handles);
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

    /**
     * The index of the port whose oldest message was sent first, or -1 when all are empty. Plain messages
     * arrive without the lock, so one look at the ports in turn is no snapshot: a message sent before the one
     * found, to a port looked at earlier, may have arrived meanwhile. Looking again until the answer holds
     * still settles it, as everything sent before what was found is in view by the second look.
     */
    private static int oldest(Port[] ports) {
        if (ports.length == 1) {
            return ports[0].queue.peek() == null ? -1 : 0;
        }
        Envelope found = null;
        while (true) {
            int best = -1;
            Envelope oldest = null;
            for (int i = 0; i < ports.length; i++) {
                Envelope head = ports[i].queue.peek();
                if (head != null && (oldest == null || head.seq() < oldest.seq())) {
                    best = i;
                    oldest = head;
                }
            }
            if (oldest == found) {
                return best;
            }
            found = oldest;
        }
    }

    /**
     * With the lock held: delivers the oldest message, waiting for one first if none is queued; null when the
     * wait ended with nothing to deliver, or with a call given up (look again). {@code receivingOn} is set
     * before the last look at the queues (see {@link #send}).
     */
    private Result<Received> receiveLocked(Task t, Handle[] handles, Port[] ports, long deadline) {
        int best = oldest(ports);
        if (best < 0) {
            t.receivingOn = ports;
            try {
                best = oldest(ports);
                if (best < 0) {
                    if (ports[0].closed) {
                        return Result.err(ErrorCode.NO_SUCH_PORT, "port " + ports[0].name() + " was unregistered");
                    }
                    if (k.scheduler.now() >= deadline) {
                        return Result.err(ErrorCode.TIMED_OUT, "no message within the timeout");
                    }
                    await(t, deadline, ports.length == 1 ? ports[0].receiveLabel()
                            : ports[0].receiveLabel() + " +" + (ports.length - 1));
                    best = oldest(ports);
                }
            } finally {
                t.receivingOn = null;
            }
        }
        return best < 0 ? null : deliver(t, ports[best], handles[best]);
    }

    /** With the lock held: takes the oldest envelope of {@code p}, which is there; null if it was a call given up. */
    private Result<Received> deliver(Task t, Port p, Handle via) {
        Envelope e = p.queue.poll();
        CallRecord call = e.call();
        if (!p.queue.take(e) || (call != null && !call.take(t))) {
            return null; // a call given up, or failed, while queued in the plain lane; look again
        }
        if (e.irq() != null) {
            e.irq().pending = false;
        }
        Result<List<Handle>> local = install(t, e.handles());
        if (!(local instanceof Result.Ok<List<Handle>>(var handles))) {
            if (call != null) {
                fail(call, local.errorOrNull());
            }
            return Result.err(local.errorOrNull());
        }
        ReplyRight right = null;
        LeaseInfo lease = null;
        if (call != null) {
            if (e.plain() && holdsNoCall(t)) {
                t.lockFreeHeld = call; // so that its answer can go the lock-free way
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
     * notification's handles come in the envelope only, so {@code local} is checked as well).
     */
    static Message delivered(Message sent, List<Handle> local) {
        if (local.isEmpty() && sent.handles().isEmpty() && sent.lease() == null) {
            return sent;
        }
        return new Message(sent.msgId(), sent.data(), local, null);
    }

    // ------------------------------------------------------------------ call / reply

    /**
     * Calls. Called without the kernel lock: a call that lends nothing and moves no handles (trace off) is
     * queued in the port's plain lane without it, and its caller then spins a little on the call's state
     * before it waits in the scheduler, as seL4's fast path and a SynchronousQueue hand-off do. A server on
     * another core that takes the call, answers it and goes back to its own queue meets the caller there
     * without either of them taking the lock or parking. Everything else goes the locked way.
     *
     * <pre>
     *  caller: reserve ─ queue ─ (wake the server if it waits) ─ spin on state ─┬─ ANSWERED / FAILED: done
     *                                                                           └─ still pending: wait, locked
     *  server: receive ─ take (writes nothing) ─ … ─ reply (QUEUED→ANSWERED) ─ (wake the caller if it waits)
     * </pre>
     *
     * A kill of the caller, the server's death and the port's closing all fail the call under the lock; the
     * compare-and-set on its state settles each race with the lock-free side (see {@link CallRecord}).
     */
    Result<Message> call(Task t, Handle to, Message m, long deadline) {
        Port p = plainTarget(t, to, m);
        if (p == null || p.owner == t || !p.queue.reserve()) {
            return k.scheduler.locked(t, () -> callLocked(t, to, m, deadline));
        }
        long seq = k.nextSeq();
        CallRecord call = new CallRecord(seq, t, p, null, 0, 0, false, false, null);
        t.pendingCall = call;
        try {
            p.queue.offer(new Envelope(seq, t.id, m, List.of(), call, true, null));
            // The port may have closed, or this task been killed, since they were checked: each side reads the
            // other's write after its own (closed before the lane's walk, killed before pendingCall's read), so
            // whatever the closer or killer missed is failed here.
            if (p.closed || t.killed || waitsOn(p.owner, p)) {
                k.scheduler.lockedRun(t, () -> {
                    if (p.closed) {
                        failIfQueued(call, gone(p));
                    } else if (t.killed) {
                        abandon(call);
                    } else {
                        wakeReceiver(p.owner);
                    }
                });
            }
            t.peer = p.owner;
            int polls = k.scheduler.pollsBeforeWaiting(t);
            while (polls > 0 && call.pending()) {
                polls -= k.scheduler.pause(t, p.owner);
            }
            call.callerWaits = true;
            switch (call.state()) {
                case ANSWERED -> {
                    if (call.replyHandles.isEmpty()) {
                        // No handles to renumber, so none and no lease in the reply (see delivered): it is
                        // handed over untouched, and the caller reads its line only if it reads the reply.
                        return Result.ok(call.reply);
                    }
                }
                case FAILED -> {
                    return Result.err(call.failure);
                }
                default -> {
                }
            }
            return k.scheduler.locked(t, () -> awaitAnswer(t, call, deadline));
        } finally {
            t.pendingCall = null;
        }
    }

    /** A call the lock-free way cannot take: checked, queued and waited for under the lock. */
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
        Result<CallRecord> made = newCall(t, p, seq, m.lease());
        if (!(made instanceof Result.Ok<CallRecord>(CallRecord call))) {
            return Result.err(made.errorOrNull());
        }
        if (!p.queue.reserve()) {
            return queueFull(p);
        }
        enqueue(p, new Envelope(seq, t.id, m, entries, call, true, null));
        if (k.trace.enabled()) {
            k.record(t, TraceEvent.Kind.CALL, "to " + p.name() + " id " + m.msgId() + " " + m.size() + "B"
                    + (m.lease() == null ? "" : " lease " + m.lease().size() + "B"), seq);
        }
        t.pendingCall = call;
        try {
            return awaitAnswer(t, call, deadline);
        } finally {
            t.pendingCall = null;
        }
    }

    /** With the lock held: waits until the call is answered or failed, or gives it up at the deadline. */
    private Result<Message> awaitAnswer(Task t, CallRecord call, long deadline) {
        while (true) {
            switch (call.state()) {
                case ANSWERED -> {
                    Result<List<Handle>> local = install(t, call.replyHandles);
                    if (!(local instanceof Result.Ok<List<Handle>>(var replyHandles))) {
                        return Result.err(local.errorOrNull());
                    }
                    return Result.ok(delivered(call.reply, replyHandles));
                }
                case FAILED -> {
                    return Result.err(call.failure);
                }
                default -> {
                    if (k.scheduler.now() >= deadline) {
                        abandon(call);
                        if (k.trace.enabled()) {
                            k.record(t, TraceEvent.Kind.TIMEOUT, "call to " + call.port.name(), call.id);
                        }
                        return Result.err(ErrorCode.TIMED_OUT, "no reply from " + call.port.name()
                                + " within the timeout");
                    }
                    await(t, deadline, call.port.callLabel());
                }
            }
        }
    }

    /** The call record, with the lease checked: a buffer of the caller's, or a window of one it holds. */
    Result<CallRecord> newCall(Task t, Port p, long seq, Lease lease) {
        return switch (lease) {
            case null -> Result.ok(new CallRecord(seq, t, p, null, 0, 0, false, false, null));
            case Lease.Buffer b -> Result.ok(new CallRecord(seq, t, p, b.buffer(), b.offset(), b.length(), b.readable(),
                    b.writable(), null));
            case Lease.Forward f -> {
                CallRecord from = f.from() == null ? null : t.heldCall(f.from().id());
                if (from == null || from.lease == null || !from.lease.valid()) {
                    yield Result.err(ErrorCode.NO_CALLER, "no lease to forward: the call is not held or has none");
                }
                LeaseGrant parent = from.lease;
                if (f.offset() < 0 || f.length() < 0 || f.offset() > parent.length() - f.length()) {
                    yield Result.err(ErrorCode.INVALID_ARGUMENT, "forwarded window " + f.offset() + "+" + f.length()
                            + " is outside the " + parent.length() + "-byte lease");
                }
                if ((f.readable() && !parent.readable()) || (f.writable() && !parent.writable())) {
                    yield Result.err(ErrorCode.NO_RIGHT, "a forwarded lease cannot gain rights");
                }
                yield Result.ok(new CallRecord(seq, t, p, parent.buffer(), parent.base() + (int) f.offset(),
                        (int) f.length(), f.readable(), f.writable(), parent));
            }
        };
    }

    /**
     * Replies. Called without the kernel lock: the answer to the call this task took without it (see
     * {@link #receive}), when it moves no handles and the trace is off, is handed over without it; the caller
     * is most likely still spinning on the call and sees it there. Everything else goes the locked way.
     */
    Result<Void> reply(Task t, ReplyRight right, Message m) {
        CallRecord quick = lockFreeReply(t, right, m);
        return quick != null ? answerLockFree(t, quick, m) : k.scheduler.locked(t, () -> replyLocked(t, right, m));
    }

    /** The task's lock-free held call, when {@code m} answers it the lock-free way; null otherwise. */
    private CallRecord lockFreeReply(Task t, ReplyRight right, Message m) {
        CallRecord quick = t.lockFreeHeld;
        boolean plain = quick != null && right != null && quick.id == right.id() && m != null
                && m.size() <= Message.MAX_INLINE && m.handles().isEmpty() && m.lease() == null;
        return plain && !k.trace.enabled() ? quick : null;
    }

    private Result<Void> answerLockFree(Task t, CallRecord call, Message m) {
        t.lockFreeHeld = null;
        t.peer = call.caller;
        if (!call.answer(m, List.of())) {
            return noCaller(call.id);
        }
        if (call.callerWaits) {
            k.scheduler.lockedRun(t, () -> k.scheduler.wake(call.caller));
        }
        return DONE;
    }

    private static Result<Void> noCaller(long id) {
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

    /**
     * The server side failed the call (it died, its port closed): the caller gets {@code error}. Returns the
     * state the call failed from, or null when it was over already.
     */
    CallRecord.State fail(CallRecord call, SysError error) {
        CallRecord.State from = call.fail(error);
        if (from != null) {
            if (call.holder != null && call.holder.heldCalls != null) {
                call.holder.heldCalls.remove(call.id);
            }
            k.scheduler.wake(call.caller);
        }
        return from;
    }

    /** Fails a call no server has taken yet (its port closed); one taken already is left to its server. */
    void failIfQueued(CallRecord call, SysError error) {
        if (call.state() == CallRecord.State.QUEUED) {
            fail(call, error);
        }
    }

    /** The caller gave up (timed out or died): the call leaves its queue, and a later reply finds no caller. */
    void abandon(CallRecord call) {
        if (fail(call, SysError.of(ErrorCode.TIMED_OUT, "the caller stopped waiting")) == CallRecord.State.QUEUED) {
            call.port.queue.abandon(call);
        }
    }

    // ------------------------------------------------------------------ leases

    /** The lease of a call this task holds, checked for the right and the window. */
    Result<LeaseGrant> lease(Task t, ReplyRight right, long offset, int length, boolean write) {
        CallRecord call = right == null ? null : t.heldCall(right.id());
        if (call == null) {
            return Result.err(ErrorCode.NO_CALLER, "no unanswered call with that reply right");
        }
        LeaseGrant g = call.lease;
        if (g == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "the call came with no lease");
        }
        if (!g.valid()) {
            return Result.err(ErrorCode.NO_CALLER, "the lease was revoked: its call ended");
        }
        if (write ? !g.writable() : !g.readable()) {
            return Result.err(ErrorCode.NO_RIGHT, "the lease is not " + (write ? "writable" : "readable"));
        }
        if (offset < 0 || length < 0 || offset > g.length() - (long) length) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "range " + offset + "+" + length + " is outside the "
                    + g.length() + "-byte lease");
        }
        return Result.ok(g);
    }

    // ------------------------------------------------------------------ names

    Result<Handle> lookup(Task t, String name, long deadline, boolean waits) {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 32) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "a port name has 1 to 32 bytes");
        }
        boolean asked = false;
        while (true) {
            Port p = k.ports.get(name);
            if (p != null && p.kind == Port.Kind.TASK) {
                if (!p.publicName) {
                    return Result.err(ErrorCode.DENIED, "port " + name + " is private");
                }
                int slot = t.handles.add(new HandleTable.Entry(p, Rights.SEND));
                return slot < 0 ? Result.err(ErrorCode.UNAVAILABLE, "no free handle slot")
                        : Result.ok(new Handle(slot));
            }
            if (p != null) {
                return Result.err(ErrorCode.DENIED, "port " + name + " belongs to the kernel");
            }
            if (t.lookupFailure != null) {
                String why = t.lookupFailure;
                t.lookupFailure = null;
                return Result.err(ErrorCode.UNAVAILABLE, name + " is unavailable: " + why);
            }
            if (!waits) {
                return Result.err(ErrorCode.NO_SUCH_PORT, "no port named " + name);
            }
            if (k.scheduler.now() >= deadline) {
                return Result.err(ErrorCode.UNAVAILABLE, "no port named " + name + " appeared within the timeout");
            }
            if (!asked && k.resolver != null && !k.resolver.closed) {
                postFromKernel(k.resolver, new KernelNotice.NameWanted(name, t.id).toMessage(), List.of());
            }
            asked = true;
            nameWaiters.computeIfAbsent(name, n -> new ArrayList<>()).add(t);
            try {
                await(t, deadline, "lookup " + name);
            } finally {
                List<Task> waiters = nameWaiters.get(name);
                if (waiters != null) {
                    waiters.remove(t);
                    if (waiters.isEmpty()) {
                        nameWaiters.remove(name);
                    }
                }
            }
        }
    }

    /** A port appeared: whoever waits for its name looks again. */
    void portAppeared(Port p) {
        List<Task> waiters = nameWaiters.get(p.name());
        if (waiters != null) {
            waiters.forEach(k.scheduler::wake);
        }
    }

    /** The name's owner cannot be started: tasks waiting for it get UNAVAILABLE with {@code reason}. */
    void nameUnavailable(String name, String reason) {
        List<Task> waiters = nameWaiters.get(name);
        if (waiters != null) {
            for (Task w : waiters) {
                w.lookupFailure = reason;
                k.scheduler.wake(w);
            }
        }
    }

    // ------------------------------------------------------------------ interrupts

    /** A device raised its line: one IRQ message to the bound port, unless one is already waiting. */
    void interrupt(Port device) {
        IrqBinding binding = null;
        for (IrqBinding b : k.irqBindings) {
            if (b.device == device) {
                binding = b;
            }
        }
        if (binding == null || binding.target.closed) {
            k.record(null, TraceEvent.Kind.DEVICE, "interrupt from " + device.name() + " with no driver bound", 0);
            return;
        }
        if (binding.pending) {
            return;
        }
        binding.pending = true;
        if (k.trace.enabled()) {
            k.record(binding.target.owner, TraceEvent.Kind.IRQ, "from " + device.name(), 0);
        }
        postFromKernel(binding.target, Message.of(MsgIds.IRQ, new WireWriter().i32(device.device.irq().line())
                .toByteArray()), List.of(), binding);
    }
}
