package org.microsim.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.SysError;

/**
 * One call in flight: the caller waiting, the lease it lent, and once the call is answered the reply.
 * Its id is the value of the one-shot {@link org.microsim.abi.ReplyRight}.
 *
 * <pre>
 *  QUEUED ──receive (locked)──▶ RECEIVED ──reply──▶ ANSWERED
 *    │  └──────────── reply (taken without the lock) ──────▲
 *    └── caller timed out / died, server died, port closed ──▶ FAILED   (from QUEUED or RECEIVED)
 * </pre>
 *
 * A server that takes a call without the kernel lock writes nothing here: the call stays QUEUED while it
 * holds it (in {@code Task.lockFreeHeld}), so the line its caller spins on stays in the caller's cache until
 * the answer comes. Answering and failing are compare-and-sets from the state they find, because an answer
 * made without the lock may race a failure made under it: exactly one of them wins, and the loser learns so.
 * The fields a move publishes (holder, reply, failure) are written before its compare-and-set and read only
 * after the state is seen.
 */
final class CallRecord {
    enum State { QUEUED, RECEIVED, ANSWERED, FAILED }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CallRecord.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final Task caller;
    final Port port;
    final LeaseGrant lease;
    private volatile State state = State.QUEUED;
    /** The task that received the call under the lock and holds the reply right in its {@code heldCalls}. */
    Task holder;
    /** The reply as the server sent it; its handles are the server's numbers, {@code replyHandles} the ports. */
    Message reply;
    List<HandleTable.Entry> replyHandles;
    SysError failure;
    /**
     * Set by a caller that stops spinning and waits in the scheduler: whoever answers without the lock then
     * takes it to wake the caller. (The caller sets this before its last look at the state, the answerer reads
     * it after its compare-and-set, so one of the two always sees the other.)
     */
    volatile boolean callerWaits;
    /** The envelope the call travels in; set once, when it is made. */
    Envelope envelope;

    CallRecord(long id, Task caller, Port port, byte[] leaseBuffer, int leaseBase, int leaseLength, boolean readable,
               boolean writable, LeaseGrant parent) {
        this.id = id;
        this.caller = caller;
        this.port = port;
        this.lease = leaseBuffer == null ? null
                : new LeaseGrant(this, parent, leaseBuffer, leaseBase, leaseLength, readable, writable);
    }

    State state() {
        return state;
    }

    /** The lease is usable, and the reply right answerable, while the call is still waiting. */
    boolean pending() {
        State s = state;
        return s == State.QUEUED || s == State.RECEIVED;
    }

    /** {@code server} takes the call from its queue under the lock; false when it failed first. Kernel lock held. */
    boolean take(Task server) {
        holder = server;
        return STATE.compareAndSet(this, State.QUEUED, State.RECEIVED);
    }

    /** The server answers; false when the call failed first (its caller stopped waiting, the port closed). */
    boolean answer(Message message, List<HandleTable.Entry> handles) {
        State s = state;
        if (s != State.QUEUED && s != State.RECEIVED) {
            return false;
        }
        reply = message;
        replyHandles = handles;
        // Only its holder moves a call from QUEUED to RECEIVED, and the holder is answering: s can only fail.
        return STATE.compareAndSet(this, s, State.ANSWERED);
    }

    /**
     * Fails a call that is still pending. Returns the state it failed from (QUEUED or RECEIVED), or null when it
     * was answered or failed already. Kernel lock held: only the lock holder fails a call, so a failure once
     * set stays.
     */
    State fail(SysError error) {
        State s = state;
        if (s != State.QUEUED && s != State.RECEIVED) {
            return null;
        }
        failure = error;
        // Only its holder moves it on meanwhile: from QUEUED to RECEIVED under the lock (which this holds), or
        // to ANSWERED.
        return STATE.compareAndSet(this, s, State.FAILED) ? s : null;
    }
}
