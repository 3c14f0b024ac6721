package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.join;
import static org.microsim.kernel.TestKernels.spinFor;
import static org.microsim.kernel.TestKernels.spinUntil;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Message;
import org.microsim.abi.TaskId;

/**
 * The two lanes of a port's queue and its capacity accounting, one thread and several. Every spin and join is
 * bounded ({@link TestKernels#spinUntil}): a message lost in the queue fails the test instead of hanging it.
 */
class PortQueueTest {
    private long seq;

    @Test
    void capacityCountsWhatIsQueuedAndFreesWhatLeaves() {
        PortQueue q = new PortQueue(2);
        assertTrue(q.reserve());
        q.offer(plain(true));
        assertTrue(q.reserve());
        q.offer(plain(true));
        assertFalse(q.reserve(), "a third message fits no queue of two");
        q.offer(plain(false));
        assertEquals(3, q.size(), "a kernel notification needs no room");

        assertTrue(q.take(q.pollPlain()));
        assertTrue(q.reserve(), "the room of a taken message is free again");
        assertFalse(q.reserve());
    }

    @Test
    void aBusyReceiverTellsSendersOfFreedRoomInBatchesAndAtOnceWhenItEmptiesItsQueue() {
        PortQueue q = new PortQueue(64); // a batch of 8
        for (int i = 0; i < 64; i++) {
            assertTrue(q.reserve());
            q.offer(plain(true));
        }
        for (int i = 0; i < 7; i++) {
            assertTrue(q.take(q.pollPlain()));
        }
        assertFalse(q.reserve(), "seven takes of a busy queue are not told yet");
        assertTrue(q.take(q.pollPlain()));
        for (int i = 0; i < 8; i++) {
            assertTrue(q.reserve(), "the eighth tells all eight");
            q.offer(plain(true));
        }
        assertFalse(q.reserve());
        for (int i = 0; i < 64; i++) {
            assertTrue(q.take(q.pollPlain()));
        }
        assertNull(q.peek());
        for (int i = 0; i < 64; i++) {
            assertTrue(q.reserve(), "an emptied queue has told all its room");
        }
    }

    @Test
    void anAbandonedCallInTheKernelLaneGivesItsRoomBackAndLeavesTheQueue() {
        PortQueue q = new PortQueue(1);
        CallRecord call = leaseCall(1);
        assertTrue(q.reserve());
        q.offer(carrying(call, true));
        assertFalse(q.reserve());

        q.abandon(call);
        assertNull(q.peek());
        assertTrue(q.reserve(), "the abandoned call's room is free");
    }

    @Test
    void anAbandonedCallInThePlainLaneFreesItsRoomAndIsPassedOver() {
        PortQueue q = new PortQueue(1);
        CallRecord call = plainCall(1);
        Envelope e = carrying(call, true);
        assertTrue(e.plain(), "a call lending nothing travels without the lock");
        assertTrue(q.reserve());
        q.offer(e);
        assertFalse(q.reserve());

        assertEquals(CallRecord.State.QUEUED, call.fail(org.microsim.abi.SysError.of(
                org.microsim.abi.ErrorCode.TIMED_OUT, "gave up")));
        q.abandon(call);
        assertTrue(q.reserve(), "the abandoned call's room is free at once");
        assertSame(e, q.peek(), "it stays linked");
        assertFalse(q.take(q.pollPlain()), "the receiver passes over it");
        assertFalse(q.reserve(), "and frees no room twice");
        assertFalse(call.answer(Message.of(2), List.of()), "nobody answers it");
    }

    @Test
    void aCallTakenByItsReceiverIsNotAbandonedInTheQueue() {
        PortQueue q = new PortQueue(1);
        CallRecord call = plainCall(1);
        assertTrue(q.reserve());
        q.offer(carrying(call, true));
        assertTrue(q.take(q.pollPlain()), "taken, its room is free");
        q.abandon(call);
        assertTrue(q.reserve());
        assertFalse(q.reserve(), "the caller giving up late frees no room twice");
    }

    @Test
    void plainLaneCallsAreFoundForAClosingPort() {
        PortQueue q = new PortQueue(8);
        CallRecord call = plainCall(2);
        q.offer(plain(false));
        q.offer(carrying(call, false));
        assertEquals(List.of(call), q.plainLaneCalls());
    }

    @Test
    void theOlderHeadOfTheTwoLanesComesFirst() {
        PortQueue q = new PortQueue(8);
        Envelope first = plain(false);
        Envelope call = carrying(leaseCall(9), false);
        Envelope third = plain(false);
        q.offer(first);
        q.offer(call);
        q.offer(third);

        assertSame(first, q.peek());
        assertSame(first, q.poll());
        assertSame(call, q.peek(), "the call was sent before the third message");
        assertSame(call, q.poll());
        assertSame(third, q.poll());
        assertNull(q.poll());
    }

    @Test
    void closingDrainsTheKernelLaneOnly() {
        PortQueue q = new PortQueue(8);
        Envelope call = carrying(leaseCall(3), false);
        q.offer(call);
        q.offer(plain(false));
        assertEquals(List.of(call), q.drainKernelLane());
        assertEquals(1, q.size());
    }

    /** Senders on their own threads against one receiver: all arrive, once, each sender's in order. */
    @Test
    void manySendersOneReceiverLoseNothingAndKeepEachSendersOrder() throws InterruptedException {
        int senders = 4;
        int each = 50_000;
        PortQueue q = new PortQueue(64);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int id = s;
            threads.add(Thread.ofPlatform().name("sender" + s).start(() -> {
                for (int n = 0; n < each; n++) {
                    spinUntil(q::reserve, "room in the queue (its receiver lost count)");
                    byte[] data = {(byte) id, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
                    q.offer(new Envelope(0, TaskId.KERNEL, Message.of(1, data), List.of(), null, true, null));
                }
            }));
        }
        int[] next = new int[senders];
        for (int got = 0; got < senders * each; got++) {
            spinFor(q::peek, "message " + got + " of " + senders * each + " (lost in the queue)");
            Envelope e = q.pollPlain();
            assertTrue(q.take(e));
            byte[] d = e.message().data();
            int n = (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | (d[3] & 0xff);
            assertEquals(next[d[0]], n, "sender " + d[0]);
            next[d[0]]++;
        }
        for (Thread t : threads) {
            join(t);
        }
        assertNull(q.peek());
    }

    /**
     * One sender alternates the lanes (a kernel-lane envelope under the lock, as the kernel queues it, then
     * plain ones without it); the receiver, peeking and taking as receive does, sees them in sending order.
     * A look at one lane and then the other, without the second look at the kernel lane, fails this.
     */
    @Test
    void aSendersMessagesKeepTheirOrderAcrossTheLanes() throws InterruptedException {
        int count = 300_000;
        PortQueue q = new PortQueue(count);
        java.util.concurrent.locks.ReentrantLock kernelLock = new java.util.concurrent.locks.ReentrantLock();
        CallRecord call = leaseCall(1);
        Thread sender = Thread.ofPlatform().name("sender").start(() -> {
            for (int n = 0; n < count; n++) {
                Message m = Message.of(1, new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                if (n % 3 == 0) {
                    kernelLock.lock();
                    try {
                        q.offer(new Envelope(n, TaskId.KERNEL, m, List.of(), call, false, null));
                    } finally {
                        kernelLock.unlock();
                    }
                } else {
                    q.offer(new Envelope(n, TaskId.KERNEL, m, List.of(), null, false, null));
                }
            }
        });
        for (int expected = 0; expected < count; expected++) {
            Envelope head = spinFor(q::peek, "message " + expected + " of " + count + " (lost in the queue)");
            Envelope taken;
            if (head.plain()) {
                taken = q.pollPlain();
            } else {
                kernelLock.lock();
                try {
                    taken = q.poll();
                } finally {
                    kernelLock.unlock();
                }
            }
            assertEquals(expected, taken.seq(), "overtaken across the lanes");
        }
        join(sender);
    }

    /** A call lending nothing: it travels in the plain lane. */
    private static CallRecord plainCall(long id) {
        return new CallRecord(id, null, null, null, 0, 0, false, false, null);
    }

    /** An envelope with {@code call} (or none), counted against the queue or not. */
    private Envelope carrying(CallRecord call, boolean counted) {
        return new Envelope(seq++, TaskId.KERNEL, Message.of(1, new byte[0]), List.of(), call, counted, null);
    }

    /** A call lending a buffer: it travels in the kernel lane. */
    private static CallRecord leaseCall(long id) {
        return new CallRecord(id, null, null, new byte[1], 0, 1, true, false, null);
    }

    private Envelope plain(boolean counted) {
        return carrying(null, counted);
    }
}
