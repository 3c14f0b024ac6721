package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.SysError;

/**
 * One call in flight: the caller waiting, the lease it lent, and once the call is answered the reply.
 * Its id is the value of the one-shot {@link org.microsim.abi.ReplyRight}.
 *
 * <pre>
 *  QUEUED ──receive──▶ RECEIVED ──reply──▶ ANSWERED
 *    │                    │
 *    └── caller timed out / died, server died, port closed ──▶ FAILED
 * </pre>
 */
final class CallRecord {
    enum State { QUEUED, RECEIVED, ANSWERED, FAILED }

    final long id;
    final Task caller;
    final Port port;
    final LeaseGrant lease;
    State state = State.QUEUED;
    /** The task that received the call and holds the reply right. */
    Task holder;
    /** The reply as the server sent it; its handles are the server's numbers, {@code replyHandles} the ports. */
    Message reply;
    List<HandleTable.Entry> replyHandles;
    SysError failure;

    CallRecord(long id, Task caller, Port port, byte[] leaseBuffer, int leaseBase, int leaseLength, boolean readable,
               boolean writable, LeaseGrant parent) {
        this.id = id;
        this.caller = caller;
        this.port = port;
        this.lease = leaseBuffer == null ? null
                : new LeaseGrant(this, parent, leaseBuffer, leaseBase, leaseLength, readable, writable);
    }

    /** The lease is usable, and the reply right answerable, while the call is still waiting. */
    boolean pending() {
        return state == State.QUEUED || state == State.RECEIVED;
    }
}
