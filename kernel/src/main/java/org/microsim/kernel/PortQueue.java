package org.microsim.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * A port's message queue: many senders, one receiver (the port's owner). Plain messages and calls, the bulk of
 * the traffic, can pass without the kernel lock ({@link FastPath}), so a producer and its consumer on two cores
 * do not take turns on one lock for every message; what needs the kernel's bookkeeping (handles to install,
 * interrupts, calls lending a buffer) waits in a second lane kept under the lock. The receiver takes the older
 * head of the two lanes, by the global send order.
 *
 * <pre>
 *   send, call ──(no lock)──▶ [plain lane: head stub ─▶ e1 ─▶ e3 ◀─ tail] ─┐
 *                                                                           ├─▶ receive: older head first
 *   handles, irq, lease ──(lock)──▶ [kernel lane: e2, e4]  ───────────────┘
 * </pre>
 *
 * A call whose caller gave up frees its room at once: it leaves the kernel lane, and in the plain lane it
 * stays, failed, until the receiver passes over it (see {@link #abandon}, {@link #take}).
 *
 * <h2>The plain lane</h2>
 * An intrusive linked list after Dmitry Vyukov's non-blocking multi-producer queue: envelopes are the
 * nodes. A sender swaps itself in as the tail and then links the old tail to itself; the receiver follows
 * {@code next} from a stub it owns. Between the swap and the link the new envelope is not visible yet,
 * which only delays it: its sender links it before its system call returns.
 *
 * <h2>Capacity</h2>
 * Three counters of counted envelopes, each with one kind of writer: {@code reserved}, those ever admitted
 * (senders); {@code received}, those the receiver took, told in batches (the receiver alone, see
 * {@link #received()}); {@code abandoned}, calls given up by their callers while queued (under the lock). A
 * sender compares against what it last saw of the other two and reads them again only when the queue looks
 * full, so in steady flow neither side reads a line the other writes for every message.
 * Kernel notifications are not counted: the kernel never loses one to a full queue.
 */
final class PortQueue extends PortQueueLayout.Gap {
    private static final VarHandle TAIL;
    private static final VarHandle KERNEL_HEAD;
    private static final VarHandle RESERVED;
    private static final VarHandle RECEIVED;
    private static final VarHandle ABANDONED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            KERNEL_HEAD = l.findVarHandle(PortQueue.class, "kernelHead", Envelope.class);
            TAIL = l.findVarHandle(PortQueueLayout.Senders.class, "tail", Envelope.class);
            RESERVED = l.findVarHandle(PortQueueLayout.Senders.class, "reserved", long.class);
            RECEIVED = l.findVarHandle(PortQueueLayout.Counts.class, "received", long.class);
            ABANDONED = l.findVarHandle(PortQueueLayout.Counts.class, "abandoned", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The last plain envelope taken (or the initial stub); its {@code next} is the oldest queued. Receiver only. */
    private Envelope head;
    /** The kernel lane. Guarded by the kernel lock. */
    private final ArrayDeque<Envelope> kernelLane = new ArrayDeque<>(2);
    /**
     * The kernel lane's head, published for the receiver's look without the lock. Release and acquire are
     * enough (a sender into this lane holds the lock, and wakes the receiver under it), and spare the lane the
     * full fence of a volatile store twice per call.
     */
    @SuppressWarnings("unused")
    private Envelope kernelHead;
    /** Counted envelopes the receiver took, published or not ({@link #received}). Receiver only. */
    private long taken;
    /** How many takes the receiver may leave unpublished while its queue is not empty. */
    private final int batch;

    PortQueue(int capacity) {
        super(capacity);
        this.head = Envelope.stub();
        this.tail = head;
        this.batch = capacity <= 8 ? 1 : Math.min(64, capacity / 8);
    }

    /** Claims room for one counted envelope; false when {@code capacity} are queued. Any thread. */
    boolean reserve() {
        while (true) {
            long r = reserved;
            if (r - leftSeen >= capacity) {
                // Read received before abandoned: both only grow, so the sum can only be too small (safe).
                leftSeen = received + abandoned;
                if (r - leftSeen >= capacity) {
                    return false;
                }
            }
            if (RESERVED.compareAndSet(this, r, r + 1)) {
                return true;
            }
        }
    }

    /**
     * The receiver took {@code e} from either lane: its room is free. False when {@code e} is a call its
     * caller gave up while it was queued in the plain lane: that call's room was freed then, and the receiver
     * passes over it. Receiver only.
     */
    boolean take(Envelope e) {
        if (e.call() != null && !e.claimForReceiver()) {
            return false;
        }
        if (e.counted()) {
            received();
        }
        return true;
    }

    /**
     * The receiver took a counted envelope: its room is free. The receiver tells senders in batches, every
     * {@code batch} takes and whenever its queue is empty, so that a sender finding the queue full does not
     * pull the count's cache line over for every message (a sender may thus see a busy queue full while up to
     * {@code batch - 1} of its messages have just been taken; a queue of 8 or fewer is always exact). Receiver
     * only.
     */
    private void received() {
        long n = ++taken;
        if (n - received >= batch || (head.next == null && kernelHead == null)) {
            RECEIVED.setRelease(this, n);
        }
    }

    /** A counted call was given up while queued: its room is free. Kernel lock held. */
    private void abandoned() {
        ABANDONED.setRelease(this, abandoned + 1);
    }

    /**
     * Appends; a counted envelope must have {@link #reserve reserved} its room. A plain envelope may come from
     * any thread; any other only with the kernel lock held.
     */
    void offer(Envelope e) {
        if (e.plain()) {
            Envelope previous = (Envelope) TAIL.getAndSet(this, e);
            previous.next = e;
        } else {
            kernelLane.addLast(e);
            publishKernelHead();
        }
    }

    /**
     * The oldest envelope of both lanes, or null. Receiver only (or anyone with the lock, for a look).
     *
     * <p>The two heads are read kernel lane, plain lane, kernel lane again, until the kernel lane's head held
     * still: then whatever was queued before the head that wins is in view too, whichever lane it took. (A
     * sender's message with handles followed by a plain one must not be overtaken by the plain one.)
     */
    Envelope peek() {
        while (true) {
            Envelope kernel = (Envelope) KERNEL_HEAD.getAcquire(this);
            Envelope plain = head.next;
            if (KERNEL_HEAD.getAcquire(this) == kernel) {
                return plain == null || (kernel != null && kernel.seq() < plain.seq()) ? kernel : plain;
            }
        }
    }

    /**
     * Takes the oldest plain envelope, which {@link #peek} showed is there. Receiver only; no lock needed. (A
     * call queued meanwhile with an older number is not passed over unfairly: the two were sent concurrently.)
     */
    Envelope pollPlain() {
        Envelope e = head.next;
        head = e;
        return e;
    }

    /** Takes the oldest envelope of both lanes, or returns null. Receiver only, with the kernel lock held. */
    Envelope poll() {
        Envelope oldest = peek();
        if (oldest == null) {
            return null;
        }
        if (oldest.plain()) {
            head = oldest;
        } else {
            kernelLane.pollFirst();
            publishKernelHead();
        }
        return oldest;
    }

    private void publishKernelHead() {
        KERNEL_HEAD.setRelease(this, kernelLane.peekFirst());
    }

    /**
     * A queued call was given up (its caller timed out or died; the call is failed already): its room is free
     * at once. From the kernel lane it is taken out; in the plain lane it stays until the receiver passes over
     * it, unless the receiver took it this very moment (then the receiver freed its room). Kernel lock held.
     */
    void abandon(CallRecord call) {
        for (Iterator<Envelope> it = kernelLane.iterator(); it.hasNext(); ) {
            Envelope e = it.next();
            if (e.call() == call) {
                it.remove();
                publishKernelHead();
                if (e.counted()) {
                    abandoned();
                }
                return;
            }
        }
        Envelope e = call.envelope;
        if (e != null && e.counted() && e.claimForAbandon()) {
            abandoned();
        }
    }

    /**
     * Empties the kernel lane, returning what it held (oldest first): the port is closing, and its calls are
     * to be failed. The plain lane goes with the port object. Kernel lock held.
     */
    List<Envelope> drainKernelLane() {
        List<Envelope> all = List.copyOf(kernelLane);
        kernelLane.clear();
        publishKernelHead();
        return all;
    }

    /**
     * The calls in the plain lane from the receiver's last look on (some may be taken or answered already): the
     * port is closing, and its queued calls are to be failed. Kernel lock held; the receiver may still be
     * taking from the lane, and a {@code head} older than its latest still leads to every envelope after it.
     */
    List<CallRecord> plainLaneCalls() {
        List<CallRecord> calls = new java.util.ArrayList<>();
        for (Envelope e = head.next; e != null; e = e.next) {
            if (e.call() != null) {
                calls.add(e.call());
            }
        }
        return calls;
    }

    /** How many envelopes are queued: a moment's count, for display. Kernel lock held. */
    int size() {
        int n = kernelLane.size();
        for (Envelope e = head.next; e != null; e = e.next) {
            n++;
        }
        return n;
    }
}
