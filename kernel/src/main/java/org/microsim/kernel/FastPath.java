package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.SysError;

/**
 * The fast path: IPC in the plain lane, without the kernel lock. Kept apart from the locked path in
 * {@link Ipc}, as seL4 keeps fastpath.c apart from the slow path, and held to the same semantics: every IPC
 * property is run with it and without it ({@link Kernel.Builder#fastPath}).
 *
 * <h2>What goes this way</h2>
 * A plain message or call: to an open task port, valid, moving no handles, lending nothing, and with the trace
 * off (a trace event is written under the lock). {@link #send}, {@link #call} and {@link #reply} answer null
 * for anything else, having changed nothing, and {@link Ipc} takes the call the locked way. Once the fast path
 * has taken a call it sees it through, and takes the lock itself for what needs it: waking a peer that waits
 * in the scheduler, failing a call a closing port or a kill raced, waiting when polling found nothing.
 *
 * <pre>
 *  send:   reserve ─ queue ─ (wake the owner, locked, if it waits in receive)
 *  call:   reserve ─ queue ─ (wake the server if it waits) ─ poll the state ─┬─ ANSWERED / FAILED: done
 *                                                                            └─ still pending: wait, locked
 *  receive: poll the heads ─┬─ plain head: take it (a call is held in lockFreeHeld, writing nothing to it)
 *                           └─ nothing, or not plain: Ipc.receiveLocked, then poll again
 *  reply:  the call held in lockFreeHeld: QUEUED→ANSWERED ─ (wake the caller, locked, if it waits)
 * </pre>
 *
 * The lock-free state it touches, and why each is safe: the plain lane and the capacity counters of a port's
 * queue ({@link PortQueue}); a call's state, moved by compare-and-set ({@link CallRecord}); a task's
 * {@code lockFreeHeld} and {@code pendingCall} and a receiver's {@code receivingOn} (volatile, see
 * {@link Task}); a port's {@code closed} flag (volatile); the calling task's own handle table, only read
 * ({@link HandleTable}); the global send order (atomic, {@link Kernel#nextSeq}).
 *
 * <p>This is the hot path of the simulator. Nothing here allocates but the envelope and the call record (which
 * the locked path makes too), lambdas appear only where the lock is taken, and every call is a direct one to a
 * final class; Ipc's switch to come here is a final boolean.
 */
final class FastPath {
    private final Kernel k;
    private final Ipc ipc;

    FastPath(Kernel kernel, Ipc ipc) {
        this.k = kernel;
        this.ipc = ipc;
    }

    /**
     * Sends a plain message; null when it is not one, or the queue is full. The lock is taken only to wake an
     * owner that waits in receive.
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
            return null;
        }
        p.queue.offer(new Envelope(k.nextSeq(), t.id, m, List.of(), null, true, null));
        if (p.owner.waitsIn(p)) {
            k.scheduler.lockedRun(t, () -> ipc.wakeReceiver(p.owner));
        }
        return Ipc.DONE;
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

    /**
     * Receives the oldest message among the ports. Only the owner takes from a port's queue, so a plain message
     * is taken and handed over lock-free; a call the task cannot hold lock-free, handles to install, an
     * interrupt to re-arm or the trace take the lock, and so does waiting. Never null.
     */
    Result<Received> receive(Task t, long deadline, Handle[] handles) {
        Result<Port[]> checked = Ipc.receivePorts(t, handles);
        if (!(checked instanceof Result.Ok<Port[]>(Port[] ports))) {
            return Result.err(checked.errorOrNull());
        }
        while (true) {
            int best = Port.oldest(ports);
            int polls = k.scheduler.pollsBeforeWaiting(t);
            while (polls > 0 && best < 0) {
                polls -= k.scheduler.pause(t, t.peer);
                best = Port.oldest(ports);
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
            Result<Received> r = k.scheduler.locked(t, () -> ipc.receiveLocked(t, handles, ports, deadline));
            if (r != null) {
                return r;
            }
        }
    }

    /** Whether the task's one lock-free held call is free (answered, or no longer wanted by its caller). */
    static boolean holdsNoCall(Task t) {
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
            k.scheduler.lockedRun(t, () -> k.calls.fail(call, SysError.of(ErrorCode.PEER_DIED, "task " + t
                    + " died before replying")));
        }
        return true;
    }

    /**
     * Calls with a plain message; null when it is not one, the port is the caller's own, or its queue is full.
     * The call is queued in the port's plain lane, and its caller then polls the call's state a little before
     * it waits in the scheduler, as seL4's fast path and a SynchronousQueue hand-off do. A server on another
     * core that takes the call, answers it and goes back to its own queue meets the caller there without
     * either of them taking the lock or parking.
     *
     * <p>A kill of the caller, the server's death and the port's closing all fail the call under the lock; the
     * compare-and-set on its state settles each race with the lock-free side (see {@link CallRecord}).
     */
    Result<Message> call(Task t, Handle to, Message m, long deadline) {
        Port p = plainTarget(t, to, m);
        if (p == null || p.owner == t || !p.queue.reserve()) {
            return null;
        }
        long seq = k.nextSeq();
        CallRecord call = new CallRecord(seq, t, p, null, 0, 0, false, false, null);
        t.pendingCall = call;
        try {
            p.queue.offer(new Envelope(seq, t.id, m, List.of(), call, true, null));
            // The port may have closed, or this task been killed, since they were checked: each side reads the
            // other's write after its own (closed before the lane's walk, killed before pendingCall's read), so
            // whatever the closer or killer missed is failed here.
            if (p.closed || t.killed || p.owner.waitsIn(p)) {
                k.scheduler.lockedRun(t, () -> {
                    if (p.closed) {
                        k.calls.failIfQueued(call, k.ports.gone(p));
                    } else if (t.killed) {
                        k.calls.abandon(call);
                    } else {
                        ipc.wakeReceiver(p.owner);
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
                        // No handles to renumber, so none and no lease in the reply (see Ipc.delivered): it is
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
            return k.scheduler.locked(t, () -> k.calls.awaitAnswer(t, call, deadline));
        } finally {
            t.pendingCall = null;
        }
    }

    /**
     * Answers the call this task holds in {@code lockFreeHeld} with a message moving no handles and lending
     * nothing (trace off); null for any other reply. The caller is most likely still polling its call and
     * sees the answer there; the lock is taken only to wake a caller that waits in the scheduler.
     */
    Result<Void> reply(Task t, ReplyRight right, Message m) {
        CallRecord call = t.lockFreeHeld;
        boolean plain = call != null && right != null && call.id == right.id() && m != null
                && m.size() <= Message.MAX_INLINE && m.handles().isEmpty() && m.lease() == null;
        if (!plain || k.trace.enabled()) {
            return null;
        }
        t.lockFreeHeld = null;
        t.peer = call.caller;
        if (!call.answer(m, List.of())) {
            return Ipc.noCaller(call.id);
        }
        if (call.callerWaits) {
            k.scheduler.lockedRun(t, () -> k.scheduler.wake(call.caller));
        }
        return Ipc.DONE;
    }
}
