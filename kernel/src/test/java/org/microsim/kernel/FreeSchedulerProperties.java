package org.microsim.kernel;

import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.echo;
import static org.microsim.kernel.TestKernels.service;
import static org.microsim.kernel.TestKernels.spinUntil;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The free scheduler's wake-up path under real parallel races: a waiter that spins, yields or parks, a waker
 * that hands the wake-up over after releasing the kernel lock, and contended lock entries. A lost wake-up
 * shows as a task still blocked when the system goes quiet; a wrong hand-off as a reply to the wrong call.
 *
 * <p>Every property runs twice: {@link WithTheFastPath} (plain messages and calls pass without the kernel lock)
 * and {@link LockedPathOnly} (the fast path switched off): both paths are held to the same promises.
 */
class FreeSchedulerProperties {

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

    /** The properties, on the path {@link #fastPath} says. */
    abstract static class Cases {
        private final boolean fastPath;

        Cases(boolean fastPath) {
            this.fastPath = fastPath;
        }

        /** Many tight call/reply loops against one or two servers: every call gets its own answer, none hangs. */
        @Property(tries = 12)
        void everyCallIsAnsweredAndNoWakeUpIsLost(@ForAll @IntRange(min = 1, max = 4) int clients,
                                                  @ForAll @IntRange(min = 1, max = 2) int servers,
                                                  @ForAll @IntRange(min = 1, max = 400) int calls) {
            AtomicInteger done = new AtomicInteger();
            List<String> wrong = new CopyOnWriteArrayList<>();
            ProgramCatalog programs = new ProgramCatalog();
            for (int s = 0; s < servers; s++) {
                String name = "echo" + s;
                programs.add(name, "", () -> echo(name));
            }
            for (int c = 0; c < clients; c++) {
                int id = c;
                programs.add("c" + c, "", () -> sys -> {
                    Handle h = sys.lookup("echo" + (id % servers), SHORT).orThrow();
                    for (int i = 0; i < calls; i++) {
                        Message reply = sys.call(h, Message.of(1, new WireWriter().i32(id).i32(i).toByteArray()), SHORT)
                                .orThrow();
                        WireReader in = reply.reader();
                        int who = in.i32("client");
                        int n = in.i32("n");
                        if (who != id || n != i) {
                            wrong.add("client " + id + " call " + i + " got the answer to " + who + "/" + n);
                        }
                    }
                    done.incrementAndGet();
                });
            }
            try (Kernel k = free(programs)) {
                for (int s = 0; s < servers; s++) {
                    k.spawn("echo" + s, "echo" + s, new byte[0], false).orThrow();
                }
                for (int c = 0; c < clients; c++) {
                    k.spawn("c" + c, "c" + c, new byte[0], false).orThrow();
                }
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst());
                }
                if (done.get() != clients) {
                    throw new AssertionError(done.get() + " of " + clients + " clients finished: " + k.tasks());
                }
            }
        }

        /**
         * Producers flood a small queue while the consumer drains it: each producer's messages arrive in order,
         * exactly once, and the consumer, which blocks whenever the queue runs dry, is always woken again.
         */
        @Property(tries = 12)
        void aFloodedQueueKeepsPerSenderOrder(@ForAll @IntRange(min = 1, max = 3) int producers,
                                              @ForAll @IntRange(min = 1, max = 2000) int perProducer,
                                              @ForAll @IntRange(min = 1, max = 16) int capacity) {
            int total = producers * perProducer;
            int[] next = new int[producers];
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger received = new AtomicInteger();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("sink", "", () -> sys -> {
                        Handle port = sys.registerPort(service("sink"), new PortOptions(capacity, true)).orThrow();
                        for (int i = 0; i < total; i++) {
                            checkOrder(sys.receive(Sys.FOREVER, port).orThrow().message(), next, wrong);
                            received.incrementAndGet();
                        }
                    });
            for (int p = 0; p < producers; p++) {
                int id = p;
                programs.add("p" + p, "", () -> sys -> {
                    Handle sink = sys.lookup("sink", SHORT).orThrow();
                    produce(sys, sink, id, perProducer);
                });
            }
            try (Kernel k = free(programs)) {
                k.spawn("sink", "sink", new byte[0], false).orThrow();
                for (int p = 0; p < producers; p++) {
                    k.spawn("p" + p, "p" + p, new byte[0], false).orThrow();
                }
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst());
                }
                if (received.get() != total) {
                    throw new AssertionError("received " + received.get() + " of " + total + ": " + k.tasks());
                }
            }
        }

        /**
         * Calls with timeouts short enough to race the reply: each ends either with its own answer or TIMED_OUT,
         * the server's late replies get NO_CALLER, and a last call without a deadline still goes through.
         */
        @Property(tries = 10)
        void timeoutsRacingRepliesEndEachCallOnce(@ForAll @IntRange(min = 1, max = 3) int clients,
                                                  @ForAll @IntRange(min = 1, max = 60) int calls,
                                                  @ForAll @IntRange(min = 0, max = 200_000) int timeoutNanos) {
            Map<String, Integer> outcomes = new ConcurrentHashMap<>();
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger done = new AtomicInteger();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("srv", "", () -> answersLateCallers(wrong, outcomes));
            for (int c = 0; c < clients; c++) {
                int id = c;
                programs.add("c" + c, "", () -> sys -> {
                    Handle h = sys.lookup("srv", SHORT).orThrow();
                    for (int i = 0; i <= calls; i++) {
                        Duration timeout = i == calls ? Sys.FOREVER : Duration.ofNanos(timeoutNanos);
                        Result<Message> r = sys.call(h, Message.of(1, new WireWriter().i32(id).i32(i).toByteArray()),
                                timeout);
                        outcomes.merge("call " + r.code(), 1, Integer::sum);
                        if (r.isOk()) {
                            WireReader in = r.orThrow().reader();
                            int who = in.i32("client");
                            int n = in.i32("n");
                            if (who != id || n != i) {
                                wrong.add("client " + id + " call " + i + " got the answer to " + who + "/" + n);
                            }
                        } else if (r.code() != ErrorCode.TIMED_OUT || i == calls) {
                            wrong.add("client " + id + " call " + i + " ended with " + r.code());
                        }
                    }
                    done.incrementAndGet();
                });
            }
            try (Kernel k = free(programs)) {
                k.spawn("srv", "srv", new byte[0], false).orThrow();
                for (int c = 0; c < clients; c++) {
                    k.spawn("c" + c, "c" + c, new byte[0], false).orThrow();
                }
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst() + " " + outcomes + ": " + k.tasks());
                }
                if (done.get() != clients) {
                    throw new AssertionError(done.get() + " of " + clients + " clients finished: " + k.tasks());
                }
            }
        }

        /**
         * Plain sends (the lock-free lane) and calls that may time out (the locked lane) share one small queue,
         * received together with a second port: each producer's messages arrive once and in order, every call
         * ends once, and when all is over the queue takes exactly its capacity again: no room is lost to calls
         * abandoned in it, none is counted twice.
         */
        @Property(tries = 10)
        void sendsAndCallsShareAQueueWithoutLosingRoom(@ForAll @IntRange(min = 1, max = 2) int producers,
                                                       @ForAll @IntRange(min = 1, max = 500) int perProducer,
                                                       @ForAll @IntRange(min = 1, max = 8) int capacity,
                                                       @ForAll @IntRange(min = 0, max = 100_000) int timeoutNanos) {
            int callers = 2;
            int stop = 99;
            AtomicInteger finished = new AtomicInteger();
            AtomicInteger roomAtEnd = new AtomicInteger(-1);
            List<String> wrong = new CopyOnWriteArrayList<>();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("srv", "", () -> sys -> {
                        Handle mix = sys.registerPort(service("mix"), new PortOptions(capacity, true)).orThrow();
                        Handle side = sys.registerPort(service("side")).orThrow();
                        int[] next = new int[producers];
                        while (true) {
                            Received r = sys.receive(Sys.FOREVER, mix, side).orThrow();
                            if (r.message().msgId() == stop) {
                                break;
                            }
                            if (r.isCall()) {
                                sys.reply(r.replyRight(), Message.of(1, r.message().data()));
                                continue;
                            }
                            checkOrder(r.message(), next, wrong);
                        }
                        int room = 0;
                        while (sys.send(mix, Message.of(2, new byte[0])).isOk()) {
                            room++;
                        }
                        roomAtEnd.set(room);
                    });
            int workers = producers + callers;
            for (int p = 0; p < producers; p++) {
                int id = p;
                programs.add("p" + p, "", () -> sys -> {
                    Handle mix = sys.lookup("mix", SHORT).orThrow();
                    produce(sys, mix, id, perProducer);
                    finishedOne(sys, finished, workers, stop);
                });
            }
            for (int c = 0; c < callers; c++) {
                programs.add("c" + c, "", () -> sys -> {
                    Handle mix = sys.lookup("mix", SHORT).orThrow();
                    for (int i = 0; i < perProducer / 4 + 1; i++) {
                        ErrorCode code = sys.call(mix, Message.of(3, new byte[8]), Duration.ofNanos(timeoutNanos))
                                .code();
                        if (code != null && code != ErrorCode.TIMED_OUT && code != ErrorCode.QUEUE_FULL) {
                            wrong.add("a call ended with " + code);
                        }
                    }
                    finishedOne(sys, finished, workers, stop);
                });
            }
            try (Kernel k = free(programs)) {
                k.spawn("srv", "srv", new byte[0], false).orThrow();
                for (int p = 0; p < producers; p++) {
                    k.spawn("p" + p, "p" + p, new byte[0], false).orThrow();
                }
                for (int c = 0; c < callers; c++) {
                    k.spawn("c" + c, "c" + c, new byte[0], false).orThrow();
                }
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst());
                }
                if (roomAtEnd.get() != capacity) {
                    throw new AssertionError("the queue of " + capacity + " took " + roomAtEnd.get() + " at the end: "
                            + k.tasks());
                }
            }
        }

        /**
         * One sender mixes plain messages with messages carrying a handle (the queue's two lanes) and spreads them
         * over two ports; the receiver, waiting on both, gets them in the order they were sent.
         */
        @Property(tries = 12)
        void oneSendersMessagesKeepTheirOrderAcrossLanesAndPorts(
                @ForAll @IntRange(min = 1, max = 500) int count, @ForAll @IntRange(min = 1, max = 7) int handleEvery,
                @ForAll @IntRange(min = 1, max = 7) int otherPortEvery) {
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger received = new AtomicInteger();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("sink", "", () -> sys -> {
                        Handle a = sys.registerPort(service("a"), new PortOptions(512, true)).orThrow();
                        Handle b = sys.registerPort(service("b"), new PortOptions(512, true)).orThrow();
                        for (int i = 0; i < count; i++) {
                            Received r = sys.receive(Sys.FOREVER, a, b).orThrow();
                            int n = r.message().reader().i32("n");
                            if (n != i) {
                                wrong.add("got message " + n + " as number " + i);
                            }
                            for (Handle h : r.message().handles()) {
                                sys.close(h).orThrow();
                            }
                            received.incrementAndGet();
                        }
                    })
                    .add("src", "", () -> sys -> {
                        Handle a = sys.lookup("a", SHORT).orThrow();
                        Handle b = sys.lookup("b", SHORT).orThrow();
                        Handle own = sys.registerPort(service("src")).orThrow();
                        Handle gift = sys.duplicate(own, Rights.SEND_GRANT).orThrow();
                        for (int n = 0; n < count; n++) {
                            byte[] data = new WireWriter().i32(n).toByteArray();
                            Message m = n % handleEvery == 0 ? Message.of(1, data, gift) : Message.of(1, data);
                            sys.send(n % otherPortEvery == 0 ? b : a, m).orThrow();
                        }
                    });
            try (Kernel k = free(programs)) {
                k.spawn("sink", "sink", new byte[0], false).orThrow();
                k.spawn("src", "src", new byte[0], false).orThrow();
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst());
                }
                if (received.get() != count) {
                    throw new AssertionError("received " + received.get() + " of " + count + ": " + k.tasks());
                }
            }
        }

        /**
         * Servers that crash, unregister their port, or are killed from outside while clients call them without a
         * deadline (the lock-free path, where a server holds a call without the kernel lock; the kill lands while
         * it holds one): every call ends once, with its own answer or PEER_DIED, and no client hangs.
         */
        @Property(tries = 24)
        void deathsAndClosesEndEveryCallOnce(@ForAll @IntRange(min = 1, max = 3) int clients,
                                             @ForAll @IntRange(min = 0, max = 300) int answers,
                                             @ForAll @IntRange(min = 0, max = 2) int how) {
            int crash = 0;
            int unregister = 1;
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean registered = new java.util.concurrent.atomic.AtomicBoolean();
            List<String> wrong = new CopyOnWriteArrayList<>();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("srv", "", () -> sys -> {
                        Handle port = sys.registerPort(service("srv")).orThrow();
                        registered.set(true);
                        while (true) {
                            if (answered.get() >= answers && how == crash) {
                                throw new IllegalStateException("server dies");
                            }
                            if (answered.get() >= answers && how == unregister) {
                                sys.unregisterPort(port).orThrow();
                                Handle idle = sys.registerPort(service("idle")).orThrow();
                                sys.receive(Sys.FOREVER, idle);
                            }
                            Received r = sys.receive(Sys.FOREVER, port).orThrow();
                            answered.incrementAndGet();
                            for (int spin = 0; spin < 1000; spin++) {
                                Thread.onSpinWait(); // holds the call a while: the kill from outside lands on it
                            }
                            sys.reply(r.replyRight(), Message.of(1, r.message().data()));
                        }
                    });
            for (int c = 0; c < clients; c++) {
                int id = c;
                programs.add("c" + c, "", () -> sys -> {
                    Result<Handle> found = sys.lookup("srv", Duration.ZERO);
                    if (!found.isOk()) {
                        done.incrementAndGet(); // the server was gone before this client looked for it
                        return;
                    }
                    Handle h = found.orThrow();
                    for (int i = 0; ; i++) {
                        Result<Message> r = sys.call(h, Message.of(1, new WireWriter().i32(id).i32(i).toByteArray()),
                                Sys.FOREVER);
                        if (!r.isOk()) {
                            if (r.code() != ErrorCode.PEER_DIED) {
                                wrong.add("client " + id + " call " + i + " ended with " + r.code());
                            }
                            break;
                        }
                        WireReader in = r.orThrow().reader();
                        if (in.i32("client") != id || in.i32("n") != i) {
                            wrong.add("client " + id + " call " + i + " got another call's answer");
                        }
                    }
                    done.incrementAndGet();
                });
            }
            try (Kernel k = free(programs)) {
                var server = k.spawn("srv", "srv", new byte[0], false).orThrow();
                spinUntil(registered::get, "the server's port");
                for (int c = 0; c < clients; c++) {
                    k.spawn("c" + c, "c" + c, new byte[0], false).orThrow();
                }
                if (how != crash && how != unregister) {
                    spinUntil(() -> answered.get() >= answers, answers + " answers");
                    k.kill(server, true, "killed from outside").orThrow();
                }
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst() + ": " + k.tasks());
                }
                if (done.get() != clients) {
                    throw new AssertionError(done.get() + " of " + clients + " clients finished: " + k.tasks());
                }
            }
        }

        /**
         * Clients killed from outside while they wait in calls: the server answers the others and learns of the
         * dead ones' calls at most as NO_CALLER, and a last client's calls still go through.
         */
        @Property(tries = 15)
        void killedCallersLeaveTheirServerServing(@ForAll @IntRange(min = 1, max = 3) int victims,
                                                  @ForAll @IntRange(min = 0, max = 2000) int spinsBeforeKill) {
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger lastCalls = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            ProgramCatalog programs = new ProgramCatalog()
                    .add("srv", "", () -> answersLateCallers(wrong, new ConcurrentHashMap<>()))
                    .add("victim", "", () -> sys -> {
                        Handle h = sys.lookup("srv", SHORT).orThrow();
                        started.incrementAndGet();
                        while (true) {
                            sys.call(h, Message.of(1, new byte[4]), Sys.FOREVER).orThrow();
                        }
                    })
                    .add("last", "", () -> sys -> {
                        Handle h = sys.lookup("srv", SHORT).orThrow();
                        for (int i = 0; i < 100; i++) {
                            sys.call(h, Message.of(1, new byte[4]), SHORT).orThrow();
                            lastCalls.incrementAndGet();
                        }
                    });
            try (Kernel k = free(programs)) {
                k.spawn("srv", "srv", new byte[0], false).orThrow();
                List<org.microsim.abi.TaskId> ids = new java.util.ArrayList<>();
                for (int v = 0; v < victims; v++) {
                    ids.add(k.spawn("victim", "v" + v, new byte[0], false).orThrow());
                }
                spinUntil(() -> started.get() >= victims, victims + " victims calling");
                for (int i = 0; i < spinsBeforeKill; i++) {
                    Thread.onSpinWait();
                }
                for (var id : ids) {
                    k.kill(id, false, "killed from outside").orThrow();
                }
                k.spawn("last", "last", new byte[0], false).orThrow();
                k.settle(Kernel.DEFAULT_QUIET, Duration.ofSeconds(10));
                if (!wrong.isEmpty()) {
                    throw new AssertionError(wrong.getFirst());
                }
                if (lastCalls.get() != 100) {
                    throw new AssertionError("the last client got " + lastCalls.get() + " of 100 answers: "
                            + k.tasks());
                }
            }
        }

        /** A free-running kernel, without a trace (the fast path runs only then), on this group's path. */
        private Kernel free(ProgramCatalog programs) {
            return TestKernels.kernel(1, SchedulerMode.FREE, programs, fastPath);
        }
    }

    /**
     * A server {@code srv} that echoes every call, counting its replies' outcomes; a reply may find its caller
     * gone (NO_CALLER), any other error is noted in {@code wrong}.
     */
    private static org.microsim.abi.Program answersLateCallers(List<String> wrong, Map<String, Integer> outcomes) {
        return sys -> {
            Handle port = sys.registerPort(service("srv")).orThrow();
            while (true) {
                Received r = sys.receive(Sys.FOREVER, port).orThrow();
                ErrorCode code = sys.reply(r.replyRight(), Message.of(1, r.message().data())).code();
                outcomes.merge("reply " + code, 1, Integer::sum);
                if (code != null && code != ErrorCode.NO_CALLER) {
                    wrong.add("reply gave " + code);
                }
            }
        };
    }

    /** Sends {@code count} numbered messages as producer {@code id}, waiting for room when the queue is full. */
    private static void produce(Sys sys, Handle to, int id, int count) {
        for (int n = 0; n < count; n++) {
            Message m = Message.of(1, new WireWriter().i32(id).i32(n).toByteArray());
            Result<Void> r;
            while ((r = sys.send(to, m)).code() == ErrorCode.QUEUE_FULL) {
                Thread.yield();
            }
            r.orThrow();
        }
    }

    /** Notes in {@code wrong} a producer's message that is not the next of its numbers. */
    private static void checkOrder(Message m, int[] next, List<String> wrong) throws MalformedException {
        WireReader in = m.reader();
        int p = in.i32("producer");
        int n = in.i32("n");
        if (n != next[p]) {
            wrong.add("producer " + p + ": got " + n + ", expected " + next[p]);
        }
        next[p] = n + 1;
    }

    /** The last worker to finish tells the server to stop, on its second port. */
    private static void finishedOne(Sys sys, AtomicInteger finished, int workers, int stop) {
        if (finished.incrementAndGet() == workers) {
            sys.send(sys.lookup("side", SHORT).orThrow(), Message.of(stop, new byte[0])).orThrow();
        }
    }
}
