package org.microsim.kernel;

import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.echo;
import static org.microsim.kernel.TestKernels.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The kernel's IPC promises over random workloads and seeds. jqwik prints the seed of a failing try; the
 * kernel seed is itself a generated parameter, so a failure names both.
 *
 * <p>Every property runs twice: {@link WithTheFastPath} (plain messages and calls pass without the kernel lock)
 * and {@link LockedPathOnly} (the fast path switched off): both paths are held to the same promises.
 */
class IpcProperties {
    @Group
    class WithTheFastPath extends Cases {
        WithTheFastPath() {
            super(true);
        }
    }

    @Group
    class LockedPathOnly extends Cases {
        LockedPathOnly() {
            super(false);
        }
    }

    /**
     * The properties, on the path {@link #fastPath} says. The kernels run without a trace (the fast path runs
     * only then) except where a property is about the trace.
     */
    abstract static class Cases {
        private final boolean fastPath;

        Cases(boolean fastPath) {
            this.fastPath = fastPath;
        }

        /**
         * Senders each send numbered messages; the receiver sees each sender's in order, each exactly once. With
         * the trace off (and the fast path on), plain messages take the lock-free path; with it on, the locked one.
         */
        @Property(tries = 60)
        void perSenderFifoWithoutLossOrDuplication(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int senders,
                                                   @ForAll @IntRange(min = 1, max = 40) int perSender,
                                                   @ForAll @IntRange(min = 1, max = 8) int capacity,
                                                   @ForAll boolean free, @ForAll boolean traced) {
            Assume.that(!free || senders * perSender <= 60);
            List<long[]> received = new CopyOnWriteArrayList<>();
            int total = senders * perSender;
            ProgramCatalog programs = new ProgramCatalog()
                    .add("sink", "", () -> sys -> {
                        Handle port = sys.registerPort(service("sink"), new PortOptions(capacity, true)).orThrow();
                        for (int i = 0; i < total; i++) {
                            Received r = sys.receive(Sys.FOREVER, port).orThrow();
                            WireReader in = r.message().reader();
                            received.add(new long[] {in.i32("sender"), in.i32("n")});
                        }
                    });
            for (int s = 0; s < senders; s++) {
                int id = s;
                programs.add("src" + s, "", () -> sys -> {
                    Handle sink = sys.lookup("sink", SHORT).orThrow();
                    for (int n = 0; n < perSender; n++) {
                        Message m = Message.of(1, new WireWriter().i32(id).i32(n).toByteArray());
                        Result<Void> r;
                        while ((r = sys.send(sink, m)).code() == ErrorCode.QUEUE_FULL) {
                            sys.sleep(Duration.ofMillis(1)).orThrow();
                        }
                        r.orThrow();
                    }
                });
            }
            try (Kernel k = Kernel.builder().seed(seed).mode(free ? SchedulerMode.FREE : SchedulerMode.DETERMINISTIC)
                    .programs(programs).trace(traced, 1000).fastPath(fastPath).build()) {
                k.spawn("sink", "sink", new byte[0], false).orThrow();
                for (int s = 0; s < senders; s++) {
                    k.spawn("src" + s, "src" + s, new byte[0], false).orThrow();
                }
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(30));
                if (received.size() != total) {
                    throw new AssertionError("received " + received.size() + " of " + total);
                }
                int[] next = new int[senders];
                for (long[] m : received) {
                    int s = (int) m[0];
                    if (m[1] != next[s]) {
                        throw new AssertionError("sender " + s + ": got " + m[1] + ", expected " + next[s]);
                    }
                    next[s]++;
                }
            }
        }

        /** The same seed and workload give the same trace fingerprint, twice. */
        @Property(tries = 40)
        void sameSeedSameFingerprint(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int clients,
                                     @ForAll @IntRange(min = 1, max = 15) int calls) {
            long first = runEchoWorkload(seed, clients, calls);
            long second = runEchoWorkload(seed, clients, calls);
            if (first != second) {
                throw new AssertionError("seed " + seed + " gave fingerprints " + first + " and " + second);
            }
        }

        private long runEchoWorkload(long seed, int clients, int calls) {
            ProgramCatalog programs = new ProgramCatalog().add("echo", "", () -> echo("echo"));
            for (int c = 0; c < clients; c++) {
                programs.add("c" + c, "", () -> sys -> {
                    Handle h = sys.lookup("echo", SHORT).orThrow();
                    for (int i = 0; i < calls; i++) {
                        sys.call(h, Message.of(i, new byte[] {(byte) sys.random()}), SHORT).orThrow();
                        if (sys.random() % 3 == 0) {
                            sys.sleep(Duration.ofMillis(1 + Math.floorMod(sys.random(), 5))).orThrow();
                        }
                    }
                });
            }
            try (Kernel k = Kernel.builder().seed(seed).programs(programs).fastPath(fastPath).build()) {
                k.spawn("echo", "echo", new byte[0], false).orThrow();
                for (int c = 0; c < clients; c++) {
                    k.spawn("c" + c, "c" + c, new byte[0], false).orThrow();
                }
                k.settle();
                return k.trace().fingerprint();
            }
        }

        /**
         * A server that dies with calls pending: every caller that reached it gets PEER_DIED, one that looked it
         * up too late gets UNAVAILABLE, and no task hangs.
         */
        @Property(tries = 60)
        void aDyingServerFailsEveryPendingCall(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int callers,
                                               @ForAll @IntRange(min = 0, max = 6) int answeredBeforeDeath) {
            Map<Integer, Object> outcome = new ConcurrentHashMap<>();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("server", "", () -> sys -> {
                        Handle port = sys.registerPort(service("srv")).orThrow();
                        for (int i = 0; i < answeredBeforeDeath; i++) {
                            Received r = sys.receive(Sys.FOREVER, port).orThrow();
                            sys.reply(r.replyRight(), Message.of(0)).orThrow();
                        }
                        sys.receive(Duration.ofMillis(5), port);
                        throw new IllegalStateException("server dies");
                    });
            for (int c = 0; c < callers; c++) {
                int id = c;
                programs.add("c" + c, "", () -> sys -> {
                    Result<Handle> found = sys.lookup("srv", SHORT);
                    if (!found.isOk()) {
                        outcome.put(id, found.code());
                        return;
                    }
                    Handle h = found.orThrow();
                    Result<Message> r;
                    do {
                        r = sys.call(h, Message.of(1), Sys.FOREVER);
                    } while (r.isOk());
                    outcome.put(id, r.code());
                });
            }
            try (Kernel k = TestKernels.kernel(seed, SchedulerMode.DETERMINISTIC, programs, fastPath)) {
                k.spawn("server", "server", new byte[0], false).orThrow();
                for (int c = 0; c < callers; c++) {
                    k.spawn("c" + c, "c" + c, new byte[0], false).orThrow();
                }
                k.advance(Duration.ofSeconds(10));
                for (TaskInfo t : k.tasks()) {
                    if (t.state().alive()) {
                        throw new AssertionError("task " + t.name() + " still " + t.state() + " " + t.detail());
                    }
                }
                for (int c = 0; c < callers; c++) {
                    if (outcome.get(c) != ErrorCode.PEER_DIED && outcome.get(c) != ErrorCode.UNAVAILABLE) {
                        throw new AssertionError("caller " + c + " got " + outcome.get(c));
                    }
                }
            }
        }

        /** Whatever handle numbers a task makes up, it never reaches a port it was not given. */
        @Property(tries = 60)
        void forgedHandlesReachNothing(@ForAll long seed,
                                       @ForAll @Size(max = 30) List<@IntRange(min = -5, max = 40) Integer> slots) {
            List<Integer> secretsSeen = new CopyOnWriteArrayList<>();
            List<ErrorCode> codes = new CopyOnWriteArrayList<>();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("secret", "", () -> sys -> {
                        Handle port = sys.registerPort(service("secret"), PortOptions.PRIVATE).orThrow();
                        // Fill some of its own table so that slot numbers exist in other tables too.
                        for (int i = 0; i < 10; i++) {
                            sys.duplicate(port, org.microsim.abi.Rights.SEND).orThrow();
                        }
                        while (true) {
                            sys.receive(Sys.FOREVER, port).orThrow();
                            secretsSeen.add(1);
                        }
                    })
                    .add("forger", "", () -> sys -> {
                        Handle own = sys.registerPort(service("forger")).orThrow();
                        for (int slot : slots) {
                            Handle h = new Handle(slot);
                            if (!h.equals(own)) {
                                codes.add(sys.send(h, Message.of(1, new byte[] {(byte) slot})).code());
                            }
                        }
                    });
            try (Kernel k = TestKernels.kernel(seed, SchedulerMode.DETERMINISTIC, programs, fastPath)) {
                k.spawn("secret", "secret", new byte[0], false).orThrow();
                k.spawn("forger", "forger", new byte[0], false).orThrow();
                k.settle();
                if (!secretsSeen.isEmpty()) {
                    throw new AssertionError("a forged handle reached the secret port");
                }
                for (ErrorCode c : codes) {
                    if (c != ErrorCode.BAD_HANDLE) {
                        throw new AssertionError("forged handle gave " + c);
                    }
                }
            }
        }

        /** Receive, call, lookup and sleep deadlines end at exactly their virtual time. */
        @Property(tries = 60)
        void timeoutsAreExact(
                @ForAll long seed,
                @ForAll @Size(min = 1, max = 6) List<@LongRange(min = 0, max = 60_000_000_000L) Long> waits) {
            List<Long> elapsed = new ArrayList<>();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("mute", "", () -> sys -> {
                        Handle port = sys.registerPort(service("mute")).orThrow();
                        while (true) {
                            sys.receive(Sys.FOREVER, port).orThrow();
                        }
                    })
                    .add("waiter", "", () -> sys -> {
                        Handle own = sys.registerPort(service("w")).orThrow();
                        Handle mute = sys.lookup("mute", SHORT).orThrow();
                        for (int i = 0; i < waits.size(); i++) {
                            Duration d = Duration.ofNanos(waits.get(i));
                            long start = sys.now();
                            switch (i % 4) {
                                case 0 -> sys.receive(d, own);
                                case 1 -> sys.call(mute, Message.of(1), d);
                                case 2 -> sys.lookup("nobody", d);
                                default -> sys.sleep(d);
                            }
                            elapsed.add(sys.now() - start);
                        }
                    });
            try (Kernel k = TestKernels.kernel(seed, SchedulerMode.DETERMINISTIC, programs, fastPath)) {
                k.spawn("mute", "mute", new byte[0], false).orThrow();
                k.spawn("waiter", "waiter", new byte[0], false).orThrow();
                k.advance(Duration.ofSeconds(400));
                if (!elapsed.equals(waits)) {
                    throw new AssertionError("waited " + elapsed + ", asked " + waits);
                }
            }
        }
    }
}
