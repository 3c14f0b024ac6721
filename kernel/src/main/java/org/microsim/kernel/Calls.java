package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.Result;
import org.microsim.abi.SysError;

/**
 * Calls in flight, from the caller's wait to their end: answered, failed by the server's side (its task died,
 * its port closed: the caller gets the error), or given up by the caller (it timed out or died: the server's
 * late reply finds NO_CALLER). As seL4's cancelIPC, the ends without an answer undo what a call left behind.
 *
 * <pre>
 *   caller: awaitAnswer ──▶ ANSWERED: the reply, its handles installed ──────────────────────┐
 *                      ├──▶ FAILED: the error ◀── fail (server died, port closed)            ├─▶ caller
 *                      └──▶ deadline: abandon ──▶ out of its queue, its room free: TIMED_OUT ┘
 * </pre>
 *
 * A call the fast path moves without the lock may be answered while this fails it: the compare-and-set on the
 * call's state settles it ({@link CallRecord}), and the loser learns so. Everything here runs with the kernel
 * lock held.
 */
final class Calls {
    private final Kernel k;

    Calls(Kernel kernel) {
        this.k = kernel;
    }

    /** Waits until the call is answered or failed, or gives it up at the deadline. */
    Result<Message> awaitAnswer(Task t, CallRecord call, long deadline) {
        while (true) {
            switch (call.state()) {
                case ANSWERED -> {
                    Result<List<Handle>> local = t.handles.install(call.replyHandles, t.name);
                    if (!(local instanceof Result.Ok<List<Handle>>(var replyHandles))) {
                        return Result.err(local.errorOrNull());
                    }
                    return Result.ok(Ipc.delivered(call.reply, replyHandles));
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
                    k.scheduler.await(t, deadline, call.port.callLabel());
                }
            }
        }
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

    /** A port is closing: the calls queued on it, and not taken by its server yet, fail with PEER_DIED. */
    void portClosed(Port p) {
        SysError closed = SysError.of(ErrorCode.PEER_DIED, "port " + p.name() + " closed");
        for (Envelope e : p.queue.drainKernelLane()) {
            if (e.call() != null) {
                fail(e.call(), closed);
            }
        }
        // Calls in the plain lane stay linked; those no server took yet fail (a caller that queued one after
        // this walk sees the port closed and fails its own, see FastPath#call).
        for (CallRecord call : p.queue.plainLaneCalls()) {
            if (p.owner == null || call != p.owner.lockFreeHeld) {
                failIfQueued(call, closed);
            }
        }
    }
}
