package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import org.microsim.kernel.Timeline;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.microsim.kernel.machine.AhciClient.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;

/**
 * The models under the free scheduler's threading: driver threads write registers while callbacks run on a
 * timer thread. Two drivers hammer two AHCI ports of one controller and two NICs exchange frames over
 * loopback cables; all data must arrive intact and nothing may deadlock (the timeout only guards a hang).
 */
class FreeRunningTest {
    /** Runs every callback on one timer thread, at once, as a free-running clock that is always late. */
    static final class ThreadTimeline implements Timeline, AutoCloseable {
        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final AtomicLong now = new AtomicLong();
        private final Thread thread = new Thread(this::loop, "timeline");

        ThreadTimeline() {
            thread.start();
        }

        private void loop() {
            try {
                while (true) {
                    queue.take().run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public long now() {
            return now.get();
        }

        @Override
        public Scheduled schedule(long atNanos, Runnable action) {
            now.accumulateAndGet(atNanos, Math::max);
            queue.add(action);
            return () -> queue.remove(action);
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    @Test
    void twoDriversOnTwoPortsWhileCompletionsRunOnATimerThread() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (ThreadTimeline timeline = new ThreadTimeline()) {
                PhysicalMemory memory = new PhysicalMemory(1 << 26);
                MemoryImage[] disks = {new MemoryImage(512), new MemoryImage(512)};
                AhciController hba = new AhciController(memory, timeline, new InterruptLine(10), List.of(disks), 1000);
                List<Thread> drivers = new ArrayList<>();
                List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
                for (int p = 0; p < 2; p++) {
                    int port = p;
                    drivers.add(new Thread(() -> {
                        try {
                            drive(hba.mmio(), memory, port);
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }));
                }
                drivers.forEach(Thread::start);
                for (Thread t : drivers) {
                    t.join();
                }
                assertEquals(List.of(), failures);
            }
        });
    }

    /** Writes then reads back 200 random sectors through one port, polling PxCI as a driver without IRQs. */
    private static void drive(Mmio abar, PhysicalMemory memory, int port) {
        long base = 0x100 + 0x80L * port;
        Object owner = "driver" + port;
        DmaBuffer cl = memory.allocate(1024, owner).orElseThrow();
        DmaBuffer table = memory.allocate(256, owner).orElseThrow();
        DmaBuffer data = memory.allocate(512, owner).orElseThrow();
        abar.write64(base + PX_CLB, cl.physAddress());
        abar.write32(base + PX_CMD, CMD_ST);
        Random random = new Random(port);
        for (int i = 0; i < 200; i++) {
            byte[] sector = new byte[512];
            random.nextBytes(sector);
            int lba = random.nextInt(512);
            data.write(0, sector, 0, 512);
            command(abar, base, cl, table, data, WRITE_DMA_EXT, lba);
            data.clear(0, 512);
            command(abar, base, cl, table, data, READ_DMA_EXT, lba);
            byte[] back = new byte[512];
            data.read(0, back, 0, 512);
            assertArrayEquals(sector, back);
        }
    }

    private static void command(Mmio abar, long base, DmaBuffer cl, DmaBuffer table, DmaBuffer data, int opcode,
                                int lba) {
        table.write(0, h2d(opcode, lba, 1), 0, 20);
        table.putLong(0x80, data.physAddress());
        table.putInt(0x8c, 511);
        cl.putInt(0, 5 | (opcode == WRITE_DMA_EXT ? 1 << 6 : 0) | 1 << 16);
        cl.putLong(8, table.physAddress());
        abar.write32(base + PX_CI, 1);
        while (abar.read32(base + PX_CI) != 0) {
            assertEquals(0, abar.read32(base + PX_IS) & (IS_TFES | IS_HBFS | IS_OFS));
            Thread.onSpinWait();
        }
    }

    @Test
    void twoNicsTransmittingAtOnceOverSharedLinksDoNotDeadlock() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (ThreadTimeline timeline = new ThreadTimeline()) {
                PhysicalMemory memory = new PhysicalMemory(1 << 26);
                E1000 a = new E1000(memory, timeline, new InterruptLine(11), MacAddress.DEFAULT, 1);
                E1000 b = new E1000(memory, timeline, new InterruptLine(12), MacAddress.DEFAULT.plus(1), 1);
                CrossLink cable = new CrossLink();
                a.connect(cable);
                b.connect(cable);
                // Both receivers are on before either side sends: a frame that reaches a NIC whose receiver is
                // still off is dropped without being counted, as on the real 82540EM.
                java.util.concurrent.CyclicBarrier ready = new java.util.concurrent.CyclicBarrier(2);
                Thread ta = new Thread(() -> E1000Driver.pump(a, memory, MacAddress.DEFAULT.plus(1), 300, ready));
                Thread tb = new Thread(() -> E1000Driver.pump(b, memory, MacAddress.DEFAULT, 300, ready));
                ta.start();
                tb.start();
                ta.join();
                tb.join();
                for (E1000 nic : List.of(a, b)) {
                    long arrived = 0;
                    while (arrived < 300) {
                        arrived += nic.mmio().read32(E1000Test.GPRC) + nic.mmio().read32(E1000Test.MPC);
                        Thread.onSpinWait();
                    }
                    assertEquals(300, arrived, "every frame was received or counted as missed");
                }
            }
        });
    }

    /** A cable between exactly two stations: what one sends, the other receives. */
    static final class CrossLink implements EthernetLink {
        private final List<Station> ends = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Attachment attach(Station station) {
            ends.add(station);
            return new Attachment() {
                @Override
                public void transmit(byte[] frame) {
                    for (Station end : ends) {
                        if (end != station) {
                            end.receive(frame.clone());
                        }
                    }
                }

                @Override
                public boolean up() {
                    return true;
                }

                @Override
                public void detach() {
                    ends.remove(station);
                }
            };
        }
    }

    /** Just enough of a NIC driver: rings, then send frames while recycling receive descriptors. */
    static final class E1000Driver {
        static void pump(E1000 nic, PhysicalMemory memory, MacAddress peer, int frames,
                         java.util.concurrent.CyclicBarrier ready) {
            Mmio bar = nic.mmio();
            Object owner = nic;
            int ring = 16;
            DmaBuffer rx = memory.allocate(ring * 16, owner).orElseThrow();
            DmaBuffer tx = memory.allocate(ring * 16, owner).orElseThrow();
            DmaBuffer bufs = memory.allocate(2 * ring * 2048, owner).orElseThrow();
            for (int i = 0; i < ring; i++) {
                rx.putLong(16 * i, bufs.physAddress() + 2048L * i);
            }
            bar.write64(E1000Test.RDBAL, rx.physAddress());
            bar.write32(E1000Test.RDLEN, ring * 16);
            bar.write32(E1000Test.RDT, ring - 1);
            bar.write64(E1000Test.TDBAL, tx.physAddress());
            bar.write32(E1000Test.TDLEN, ring * 16);
            bar.write32(E1000Test.RCTL, 2);
            bar.write32(E1000Test.TCTL, 2);
            try {
                ready.await();
            } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
                throw new IllegalStateException(e);
            }
            byte[] frame = E1000Test.frame(peer, 64, (byte) 1);
            int tail = 0;
            for (int sent = 0; sent < frames; sent++) {
                while ((tail + 1) % ring == bar.read32(E1000Test.TDH)) {
                    Thread.onSpinWait();
                }
                long buffer = bufs.physAddress() + 2048L * (ring + tail);
                memory.write(buffer, frame, 0, frame.length);
                tx.putLong(16 * tail, buffer);
                tx.putInt(16 * tail + 8, frame.length | 0x09 << 24);
                tail = (tail + 1) % ring;
                bar.write32(E1000Test.TDT, tail);
                bar.write32(E1000Test.RDT, (bar.read32(E1000Test.RDH) + ring - 1) % ring);
            }
        }
    }
}
