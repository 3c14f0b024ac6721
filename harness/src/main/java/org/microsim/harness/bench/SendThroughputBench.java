package org.microsim.harness.bench;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Sys;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.SchedulerMode;

/**
 * One-way send throughput, one producer task to one consumer task (free scheduler, queue of 4096), against
 * an ArrayBlockingQueue of the same size between two threads. Goal: >= 1x the baseline.
 * Arguments: [messages per round, default 1000000].
 */
public final class SendThroughputBench {
    private static final int CAPACITY = 4096;

    private SendThroughputBench() {
    }

    public static void main(String[] args) {
        int n = Measure.intArg(args, 0, 1_000_000);
        long[][] times = Measure.interleaved(5, () -> kernelRound(n), () -> queueRound(n));
        long kernel = Measure.median(times[0]);
        long queue = Measure.median(times[1]);
        System.out.printf("messages: %,d per round (16 bytes), median of 5 rounds taken in turn (slowest..fastest)%n",
                n);
        System.out.printf("kernel send/receive (free)      %s  (%s..%s)%n", Measure.perSecond(n, kernel),
                Measure.perSecond(n, times[0][4]), Measure.perSecond(n, times[0][0]));
        System.out.printf("ArrayBlockingQueue put/take     %s  (%s..%s)%n", Measure.perSecond(n, queue),
                Measure.perSecond(n, times[1][4]), Measure.perSecond(n, times[1][0]));
        System.out.printf("ratio kernel / baseline: %.2fx (goal >= 1x)%n", (double) queue / kernel);
    }

    private static long kernelRound(int n) {
        AtomicLong start = new AtomicLong();
        AtomicLong end = new AtomicLong();
        ProgramCatalog programs = new ProgramCatalog()
                .add("consumer", "", () -> sys -> {
                    Handle port = sys.registerPort(PortInfo.of("sink", PortClass.SERVICE, 0),
                            new PortOptions(CAPACITY, true)).orThrow();
                    for (int i = 0; i < n; i++) {
                        sys.receive(Sys.FOREVER, port).orThrow();
                    }
                    end.set(System.nanoTime());
                })
                .add("producer", "", () -> sys -> {
                    Handle sink = sys.lookup("sink", Duration.ofSeconds(5)).orThrow();
                    Message m = Message.of(1, new byte[16]);
                    start.set(System.nanoTime());
                    for (int i = 0; i < n; i++) {
                        while (sys.send(sink, m).code() == ErrorCode.QUEUE_FULL) {
                            Thread.yield();
                        }
                    }
                });
        try (Kernel k = Kernel.builder().mode(SchedulerMode.FREE).programs(programs).trace(false, 0).build()) {
            k.spawn("consumer", "consumer", new byte[0], false).orThrow();
            k.spawn("producer", "producer", new byte[0], false).orThrow();
            while (end.get() == 0) {
                k.settle(Duration.ofMillis(50), Duration.ofSeconds(1));
            }
        }
        return end.get() - start.get();
    }

    private static long queueRound(int n) {
        ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(CAPACITY);
        AtomicLong start = new AtomicLong();
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    queue.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        start.set(System.nanoTime());
        try {
            for (int i = 0; i < n; i++) {
                queue.put(new byte[16]);
            }
            consumer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return System.nanoTime() - start.get();
    }
}
