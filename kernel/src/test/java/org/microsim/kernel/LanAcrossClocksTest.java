package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;

/**
 * Frames between machines on their own free schedulers, sent as a NIC sends them: from the sender's timer thread,
 * holding its kernel lock, while the other machine does the same. Delivery to the other clock goes through its
 * lock-free queue ({@link Timeline#post}); had it taken the destination's lock, the two timer threads would wait
 * for each other's lock and the frames would stop.
 */
class LanAcrossClocksTest {
    private static final int BURSTS = 3_000;
    private static final int BURST = 4;

    /** A station that remembers what it heard from whom, and any frame that came before its time. */
    static final class Recorder implements EthernetLink.Station {
        final Timeline clock;
        final CountDownLatch done;
        final List<List<Integer>> bySender = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        final List<String> early = new ArrayList<>();

        Recorder(Timeline clock, int expected) {
            this.clock = clock;
            this.done = new CountDownLatch(expected);
        }

        @Override
        public void receive(byte[] frame) {
            ByteBuffer b = ByteBuffer.wrap(frame, 14, 16);
            int sender = b.getInt();
            int seq = b.getInt();
            long sentAt = b.getLong();
            long now = clock.now();
            synchronized (this) {
                bySender.get(sender).add(seq);
                if (now < sentAt + Lan.MIN_DELAY_NANOS) {
                    early.add("frame " + seq + " of " + sender + " sent at " + sentAt + ", received at " + now);
                }
            }
            done.countDown();
        }

        @Override
        public void linkChanged(boolean up) {
        }

        synchronized List<Integer> from(int sender) {
            return List.copyOf(bySender.get(sender));
        }
    }

    static byte[] frame(int sender, int seq, long sentAt) {
        ByteBuffer f = ByteBuffer.allocate(60);
        f.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, (byte) sender}).putShort((short) 0x88b5);
        return f.putInt(sender).putInt(seq).putLong(sentAt).array();
    }

    /** Sends burst after burst from {@code clock}'s timer thread, each callback scheduling the next. */
    static void sendFromTimerThread(Scheduler clock, Lan.Port port, int sender, int burst) {
        if (burst == BURSTS) {
            return;
        }
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            frames.add(frame(sender, burst * BURST + i, clock.now()));
        }
        assertTrue(clock.lock.isHeldByCurrentThread(), "a timer callback holds its kernel's lock, as a NIC does");
        port.transmit(frames);
        clock.schedule(clock.now(), () -> sendFromTimerThread(clock, port, sender, burst + 1));
    }

    @Test
    void twoMachinesSendingToEachOtherAtOnceFromTheirTimerThreadsGetEveryFrameInOrder() throws Exception {
        Lan lan = new Lan("lan0", Lan.Kind.HUB, null, 1);
        try (World world = new World(Lan.MIN_DELAY_NANOS)) {
            Kernel a = TestKernels.kernel(1, SchedulerMode.FREE, new ProgramCatalog());
            Kernel b = TestKernels.kernel(2, SchedulerMode.FREE, new ProgramCatalog());
            world.join(a);
            world.join(b);
            Recorder atA = new Recorder(a.scheduler, BURSTS * BURST);
            Recorder atB = new Recorder(b.scheduler, BURSTS * BURST);
            Lan.Port fromA = lan.plug(atA, a.scheduler, "a");
            Lan.Port fromB = lan.plug(atB, b.scheduler, "b");
            a.scheduler.schedule(0, () -> sendFromTimerThread(a.scheduler, fromA, 1, 0));
            b.scheduler.schedule(0, () -> sendFromTimerThread(b.scheduler, fromB, 2, 0));

            boolean all = atA.done.await(30, TimeUnit.SECONDS) && atB.done.await(10, TimeUnit.SECONDS);

            assertTrue(all, "every frame arrives (a deadlock stops them): a got " + atA.from(2).size() + ", b got "
                    + atB.from(1).size() + " of " + BURSTS * BURST);
            List<Integer> inOrder = IntStream.range(0, BURSTS * BURST).boxed().toList();
            assertEquals(inOrder, atB.from(1), "b hears a's frames once each, in the order sent");
            assertEquals(inOrder, atA.from(2), "a hears b's frames once each, in the order sent");
            assertEquals(List.of(), atA.early, "no frame lands before its time");
            assertEquals(List.of(), atB.early, "no frame lands before its time");
        }
    }

    /** Posts from several threads at once, all due at once: each runs, and one thread's run in its order. */
    @Test
    void postsFromManyThreadsAllRunAndKeepEachThreadsOrder() throws Exception {
        int threads = 4;
        int posts = 20_000;
        try (Kernel k = TestKernels.kernel(1, SchedulerMode.FREE, new ProgramCatalog())) {
            Scheduler clock = k.scheduler;
            List<List<Integer>> ran = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(threads * posts);
            List<Thread> posters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Integer> mine = new ArrayList<>();
                ran.add(mine);
                posters.add(Thread.ofPlatform().start(() -> {
                    long at = clock.now();
                    for (int i = 0; i < posts; i++) {
                        int n = i;
                        clock.post(at, () -> {
                            assertTrue(clock.lock.isHeldByCurrentThread(), "a post runs as a timer, under the lock");
                            mine.add(n);
                            done.countDown();
                        });
                    }
                }));
            }
            for (Thread t : posters) {
                t.join();
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "every post ran");
            List<Integer> inOrder = IntStream.range(0, posts).boxed().toList();
            for (List<Integer> mine : ran) {
                assertEquals(inOrder, mine);
            }
        }
    }
}
