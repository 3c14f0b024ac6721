package org.microsim.harness.bench;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.SchedulerMode;
import org.microsim.services.demo.Echo;

/**
 * call/reply round trip with a 64-byte payload on the free scheduler, against a SynchronousQueue ping-pong
 * between two platform threads and between two virtual threads. Goal: at most 1.5x the better baseline.
 * The server answers with replyAndReceive, one system call per request (seL4's ReplyRecv).
 * Arguments: [round trips per round, default 200000].
 */
public final class IpcRoundTripBench {
    private IpcRoundTripBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Measure.intArg(args, 0, 200_000);
        long[][] times = Measure.interleaved(5, () -> kernelRound(n), () -> queueRound(n, false),
                () -> queueRound(n, true));
        long kernel = Measure.median(times[0]);
        long platform = Measure.median(times[1]);
        long virtual = Measure.median(times[2]);
        long best = Math.min(platform, virtual);
        System.out.printf("round trips: %,d per round, median of 5 rounds taken in turn (fastest..slowest)%n", n);
        String[] names = {"kernel call/reply (free)         ", "SynchronousQueue platform threads",
                "SynchronousQueue virtual threads "};
        for (int i = 0; i < names.length; i++) {
            System.out.printf("%s %8.0f ns  (%.0f..%.0f)%n", names[i], (double) Measure.median(times[i]) / n,
                    (double) times[i][0] / n, (double) times[i][times[i].length - 1] / n);
        }
        System.out.printf("ratio kernel / better baseline: %.2fx (goal <= 1.5x)%n", (double) kernel / best);
    }

    private static long kernelRound(int n) {
        AtomicLong elapsed = new AtomicLong();
        ProgramCatalog programs = new ProgramCatalog()
                .add("echo", "", Echo::new)
                .add("client", "", () -> sys -> {
                    Handle echo = sys.lookup(Echo.PORT, Duration.ofSeconds(5)).orThrow();
                    Message ping = Message.of(Echo.ECHO, new byte[64]);
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        sys.call(echo, ping, org.microsim.abi.Sys.FOREVER).orThrow();
                    }
                    elapsed.set(System.nanoTime() - start);
                });
        try (Kernel k = Kernel.builder().mode(SchedulerMode.FREE).programs(programs).trace(false, 0).build()) {
            k.spawn("echo", "echo", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            while (elapsed.get() == 0) {
                k.settle(Duration.ofMillis(50), Duration.ofSeconds(1));
            }
        }
        return elapsed.get();
    }

    private static long queueRound(int n, boolean virtualThreads) {
        SynchronousQueue<byte[]> requests = new SynchronousQueue<>();
        SynchronousQueue<byte[]> replies = new SynchronousQueue<>();
        Thread.Builder builder = virtualThreads ? Thread.ofVirtual() : Thread.ofPlatform();
        Thread server = builder.start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    replies.put(requests.take().clone());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicLong elapsed = new AtomicLong();
        Thread client = builder.start(() -> {
            byte[] ping = new byte[64];
            long start = System.nanoTime();
            try {
                for (int i = 0; i < n; i++) {
                    requests.put(ping.clone());
                    replies.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            elapsed.set(System.nanoTime() - start);
        });
        try {
            client.join();
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return elapsed.get();
    }
}
