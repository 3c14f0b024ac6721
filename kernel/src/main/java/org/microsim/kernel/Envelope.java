package org.microsim.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.TaskId;

/**
 * A message in a port's queue: what was sent, with the sender stamped by the kernel and the transferred
 * handles captured as (port, rights) so they survive the sender closing its own copies. The Message itself is
 * immutable (its bytes are copied in and out), so the queue keeps the sender's object and a receiver can be
 * given that very object when there are no handles to renumber: no copy of the bytes on the way.
 * Envelopes are the nodes of their {@link PortQueue}, hence the mutable field {@code next}; a call's envelope
 * also says who counted its room ({@link #claimForReceiver}).
 *
 * @param seq     global order of sending: receive from several ports takes the oldest first
 * @param message as sent; its handles are the sender's numbers, {@code handles} are what they stand for
 * @param call    the call waiting for the answer, or null for a plain send
 * @param counted whether it counts against the port's capacity (kernel notifications do not)
 * @param irq     the binding an interrupt message came from, or null
 */
final class Envelope {
    private static final VarHandle CLAIM;

    static {
        try {
            CLAIM = MethodHandles.lookup().findVarHandle(Envelope.class, "claim", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long seq;
    private final TaskId sender;
    private final Message message;
    private final List<HandleTable.Entry> handles;
    private final CallRecord call;
    private final boolean counted;
    private final IrqBinding irq;
    /** The next envelope of the queue; set once, by the sender that queued it. */
    volatile Envelope next;
    /** For a call: 0 while queued, 1 once its receiver took it, 2 once its caller gave it up while queued. */
    @SuppressWarnings("unused")
    private volatile int claim;

    Envelope(long seq, TaskId sender, Message message, List<HandleTable.Entry> handles, CallRecord call,
             boolean counted, IrqBinding irq) {
        this.seq = seq;
        this.sender = sender;
        this.message = message;
        this.handles = handles;
        this.call = call;
        this.counted = counted;
        this.irq = irq;
        if (call != null) {
            call.envelope = this;
        }
    }

    /** The queue's initial head: never delivered. */
    static Envelope stub() {
        return new Envelope(-1, TaskId.KERNEL, null, List.of(), null, false, null);
    }

    long seq() {
        return seq;
    }

    TaskId sender() {
        return sender;
    }

    Message message() {
        return message;
    }

    List<HandleTable.Entry> handles() {
        return handles;
    }

    CallRecord call() {
        return call;
    }

    boolean counted() {
        return counted;
    }

    IrqBinding irq() {
        return irq;
    }

    /**
     * The receiver takes a call's envelope: false when its caller gave it up first. Together with
     * {@link #claimForAbandon} this decides, without the receiver taking the lock, which of the two frees the
     * call's room in the queue: exactly one does.
     */
    boolean claimForReceiver() {
        return CLAIM.compareAndSet(this, 0, 1);
    }

    /** The caller gave up a call still in the plain lane: false when the receiver took it first. */
    boolean claimForAbandon() {
        return CLAIM.compareAndSet(this, 0, 2);
    }

    /**
     * Whether it travels in the plain lane, without the kernel lock: no handles to install, no interrupt to
     * re-arm, no lease to keep from outliving its call. A call may (its record settles races by itself).
     */
    boolean plain() {
        return handles.isEmpty() && irq == null && (call == null || call.lease == null);
    }
}
