package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.echo;
import static org.microsim.kernel.TestKernels.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;

/**
 * The IPC system calls, case by case. Each case runs with the fast path on and off (with the trace off, so that
 * the fast path is taken where it can be), and on both schedulers unless it counts virtual time exactly.
 */
class KernelIpcTest {
    private final Map<String, Object> seen = new ConcurrentHashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void callGetsTheReply(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("echo", "", () -> echo("echo"))
                .add("client", "", () -> sys -> {
                    Handle h = sys.lookup("echo", SHORT).orThrow();
                    Message reply = sys.call(h, Message.of(7, new byte[] {1, 2, 3}), SHORT).orThrow();
                    seen.put("reply", reply);
                });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("echo", "echo", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            Message reply = (Message) seen.get("reply");
            assertEquals(0, reply.msgId());
            assertArrayEquals(new byte[] {1, 2, 3}, reply.data());
        }
    }

    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void everyBadArgumentIsAnErrorValue(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog().add("probe", "", () -> sys -> {
            Handle port = sys.registerPort(service("mine"), new PortOptions(2, true)).orThrow();
            Handle send = sys.duplicate(port, Rights.SEND).orThrow();
            seen.put("oversize", sys.send(send, Message.of(1, new byte[Message.MAX_INLINE + 1])).code());
            seen.put("badHandle", sys.send(new Handle(99), Message.of(1)).code());
            seen.put("noRight", sys.receive(Duration.ZERO, send).code());
            seen.put("negative", sys.receive(Duration.ofMillis(-1), port).code());
            seen.put("duplicate", sys.registerPort(service("mine")).code());
            seen.put("widen", sys.duplicate(send, Rights.ALL).code());
            seen.put("noLookup", sys.lookup("nobody", Duration.ZERO).code());
            seen.put("nullInfo", sys.registerPort(null).code());
            seen.put("longName", sys.lookup("x".repeat(33), Duration.ZERO).code());
            seen.put("zeroCapacity", sys.registerPort(service("other"), new PortOptions(0, true)).code());
            seen.put("callSelf", sys.call(send, Message.of(1), SHORT).code());
            sys.send(send, Message.of(1)).orThrow();
            sys.send(send, Message.of(2)).orThrow();
            seen.put("full", sys.send(send, Message.of(3)).code());
            seen.put("replyUnknown", sys.reply(new org.microsim.abi.ReplyRight(12345), Message.of(0)).code());
            seen.put("nullMessage", sys.send(send, null).code());
            sys.unregisterPort(port).orThrow();
            seen.put("closed", sys.send(send, Message.of(1)).code());
            seen.put("receiveClosed", sys.receive(Duration.ZERO, port).code());
            seen.put("dma", sys.allocDma(4096).code());
            seen.put("mapNotDevice", sys.mapBar(send, 0).code());
        });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("probe", "probe", new byte[0], false).orThrow();
            k.settle();
            assertEquals(ErrorCode.TOO_LARGE, seen.get("oversize"));
            assertEquals(ErrorCode.BAD_HANDLE, seen.get("badHandle"));
            assertEquals(ErrorCode.NO_RIGHT, seen.get("noRight"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("negative"));
            assertEquals(ErrorCode.NAME_TAKEN, seen.get("duplicate"));
            assertEquals(ErrorCode.NO_RIGHT, seen.get("widen"));
            assertEquals(ErrorCode.NO_SUCH_PORT, seen.get("noLookup"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("nullInfo"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("longName"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("zeroCapacity"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("callSelf"));
            assertEquals(ErrorCode.QUEUE_FULL, seen.get("full"));
            assertEquals(ErrorCode.NO_CALLER, seen.get("replyUnknown"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("nullMessage"));
            assertEquals(ErrorCode.PEER_DIED, seen.get("closed"));
            assertEquals(ErrorCode.NO_SUCH_PORT, seen.get("receiveClosed"));
            assertEquals(ErrorCode.UNAVAILABLE, seen.get("dma"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("mapNotDevice"));
            assertEquals(TaskState.EXITED, k.tasks().get(0).state());
        }
    }

    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void aCrashEndsOnlyThatTaskAndFailsItsCallers(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("server", "", () -> sys -> {
                    var port = sys.registerPort(service("srv")).orThrow();
                    sys.receive(Sys.FOREVER, port).orThrow();
                    recurse(0);
                })
                .add("client", "", () -> sys -> {
                    Handle h = sys.lookup("srv", SHORT).orThrow();
                    seen.put("call", sys.call(h, Message.of(1), Sys.FOREVER));
                });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("server", "server", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            Result<?> call = (Result<?>) seen.get("call");
            assertEquals(ErrorCode.PEER_DIED, call.code());
            TaskInfo server = k.tasks().get(0);
            assertEquals(TaskState.CRASHED, server.state());
            assertTrue(server.detail().contains("StackOverflowError"), server.detail());
            assertEquals(TaskState.EXITED, k.tasks().get(1).state());
        }
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    @ParameterizedTest(name = "fast path {0}")
    @ValueSource(booleans = {true, false})
    void timeoutsFireAtTheExactVirtualTime(boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog().add("waiter", "", () -> sys -> {
            var port = sys.registerPort(service("w")).orThrow();
            long start = sys.now();
            Result<Received> r = sys.receive(Duration.ofSeconds(30), port);
            seen.put("code", r.code());
            seen.put("elapsed", sys.now() - start);
        });
        try (Kernel k = TestKernels.kernel(1, SchedulerMode.DETERMINISTIC, programs, fastPath)) {
            k.spawn("waiter", "waiter", new byte[0], false).orThrow();
            k.advance(Duration.ofSeconds(31));
            assertEquals(ErrorCode.TIMED_OUT, seen.get("code"));
            assertEquals(30_000_000_000L, seen.get("elapsed"));
        }
    }

    @ParameterizedTest(name = "fast path {0}")
    @ValueSource(booleans = {true, false})
    void aStaleHandleNeverReachesTheNewIncarnation(boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("echo", "", () -> echo("svc"))
                .add("client", "", () -> sys -> {
                    Handle h = sys.lookup("svc", SHORT).orThrow();
                    sys.call(h, Message.of(1), SHORT).orThrow();
                    sys.sleep(Duration.ofSeconds(1)).orThrow();
                    // The server was restarted meanwhile: the old handle answers PEER_DIED with the new generation.
                    seen.put("stale", sys.call(h, Message.of(1), SHORT));
                    Handle fresh = sys.lookup("svc", SHORT).orThrow();
                    seen.put("fresh", sys.call(fresh, Message.of(1), SHORT));
                });
        try (Kernel k = TestKernels.kernel(1, SchedulerMode.DETERMINISTIC, programs, fastPath)) {
            var server = k.spawn("echo", "echo", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            k.kill(server, true, "test").orThrow();
            k.settle();
            k.spawn("echo", "echo2", new byte[0], false).orThrow();
            k.advance(Duration.ofSeconds(2));
            Result<?> stale = (Result<?>) seen.get("stale");
            assertEquals(ErrorCode.PEER_DIED, stale.code());
            assertEquals(2, stale.errorOrNull().newGeneration());
            assertTrue(((Result<?>) seen.get("fresh")).isOk());
        }
    }

    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void handlesTravelInMessagesAndBytesAreNotHandles(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("echo", "", () -> echo("secret"))
                .add("broker", "", () -> sys -> {
                    var mine = sys.registerPort(service("broker")).orThrow();
                    Received r = sys.receive(Sys.FOREVER, mine).orThrow();
                    // The requester asked; hand it a private-looking handle to the secret service.
                    Handle secret = sys.lookup("secret", SHORT).orThrow();
                    Handle grantable = sys.duplicate(secret, Rights.SEND).orThrow();
                    seen.put("noGrant", sys.reply(r.replyRight(), Replies.ok(new byte[0], grantable)).code());
                    sys.reply(r.replyRight(), Replies.ok(new byte[] {(byte) secret.slot()})).orThrow();
                })
                .add("client", "", () -> sys -> {
                    Handle broker = sys.lookup("broker", SHORT).orThrow();
                    Message reply = sys.call(broker, Message.of(1), SHORT).orThrow();
                    // A number copied out of the bytes names a slot of the broker's table, not ours.
                    Handle forged = new Handle(reply.data()[0]);
                    seen.put("forged", sys.call(forged, Message.of(1), SHORT).code());
                });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("echo", "echo", new byte[0], false).orThrow();
            k.spawn("broker", "broker", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            assertEquals(ErrorCode.NO_RIGHT, seen.get("noGrant"));
            assertTrue(seen.get("forged") == ErrorCode.BAD_HANDLE || seen.get("forged") == ErrorCode.NO_RIGHT,
                    String.valueOf(seen.get("forged")));
        }
    }

    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void leasesAreReadWriteForwardedAndRevoked(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("disk", "", () -> sys -> {
                    var port = sys.registerPort(service("disk")).orThrow();
                    while (true) {
                        Received r = sys.receive(Sys.FOREVER, port).orThrow();
                        byte[] data = new byte[(int) r.lease().length()];
                        java.util.Arrays.fill(data, (byte) 0x5a);
                        seen.put("tooFar", sys.leaseWrite(r.replyRight(), 1, data, 0, data.length).code());
                        sys.leaseWrite(r.replyRight(), 0, data, 0, data.length).orThrow();
                        var right = r.replyRight();
                        sys.reply(right, Replies.ok()).orThrow();
                        seen.put("revoked", sys.leaseWrite(right, 0, data, 0, 1).code());
                    }
                })
                .add("part", "", () -> sys -> {
                    var port = sys.registerPort(service("part")).orThrow();
                    Handle disk = sys.lookup("disk", SHORT).orThrow();
                    Received r = sys.receive(Sys.FOREVER, port).orThrow();
                    seen.put("gainRights", sys.call(disk, Message.of(1).withLease(
                            new org.microsim.abi.Lease.Forward(r.replyRight(), 0, 4, true, true)), SHORT).code());
                    sys.call(disk, Message.of(1).withLease(
                            new org.microsim.abi.Lease.Forward(r.replyRight(), 2, 4, false, true)), SHORT).orThrow();
                    sys.reply(r.replyRight(), Replies.ok()).orThrow();
                })
                .add("client", "", () -> sys -> {
                    Handle part = sys.lookup("part", SHORT).orThrow();
                    byte[] buffer = new byte[8];
                    sys.call(part, Message.of(1).withLease(org.microsim.abi.Lease.writeOnly(buffer)), SHORT).orThrow();
                    seen.put("buffer", buffer);
                });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("disk", "disk", new byte[0], false).orThrow();
            k.spawn("part", "part", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            assertArrayEquals(new byte[] {0, 0, 0x5a, 0x5a, 0x5a, 0x5a, 0, 0}, (byte[]) seen.get("buffer"));
            assertEquals(ErrorCode.NO_RIGHT, seen.get("gainRights"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("tooFar"));
            assertEquals(ErrorCode.NO_CALLER, seen.get("revoked"));
        }
    }

    @ParameterizedTest(name = "fast path {0}")
    @ValueSource(booleans = {true, false})
    void lookupWaitsForTheNameAndTimesOutClearly(boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("late", "", () -> sys -> {
                    sys.sleep(Duration.ofSeconds(2)).orThrow();
                    echo("late").run(sys);
                })
                .add("client", "", () -> sys -> {
                    long start = sys.now();
                    seen.put("found", sys.lookup("late", Duration.ofSeconds(10)).isOk());
                    seen.put("waited", sys.now() - start);
                    seen.put("never", sys.lookup("never", Duration.ofSeconds(1)));
                });
        try (Kernel k = TestKernels.kernel(1, SchedulerMode.DETERMINISTIC, programs, fastPath)) {
            k.spawn("late", "late", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.advance(Duration.ofSeconds(5));
            assertEquals(true, seen.get("found"));
            assertEquals(2_000_000_000L, seen.get("waited"));
            Result<?> never = (Result<?>) seen.get("never");
            assertEquals(ErrorCode.UNAVAILABLE, never.code());
            assertTrue(never.errorOrNull().detail().contains("never"));
        }
    }

    /**
     * A server loop of one replyAndReceive per request: each caller gets its own answer, a right already used
     * is no reason to stop receiving, a bad port list is reported after the reply went out, and a bad reply is
     * reported without receiving.
     */
    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void replyAndReceiveAnswersAndWaitsInOneCall(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("srv", "", () -> sys -> {
                    Handle port = sys.registerPort(service("srv")).orThrow();
                    Received r = sys.receive(Sys.FOREVER, port).orThrow();
                    for (int i = 0; i < 3; i++) {
                        r = sys.replyAndReceive(r.replyRight(), Replies.ok(r.message().data()), SHORT, port).orThrow();
                    }
                    var used = r.replyRight();
                    sys.reply(used, Replies.ok(r.message().data())).orThrow();
                    Received bye = sys.replyAndReceive(used, Replies.ok(), SHORT, port).orThrow();
                    seen.put("afterUsedRight", bye.message().msgId());
                    Received last = sys.receive(Sys.FOREVER, port).orThrow();
                    seen.put("badPorts", sys.replyAndReceive(last.replyRight(), Replies.ok(), SHORT, new Handle(99))
                            .code());
                    seen.put("nullRight", sys.replyAndReceive(null, Replies.ok(), Duration.ZERO, port).code());
                })
                .add("client", "", () -> sys -> {
                    Handle h = sys.lookup("srv", SHORT).orThrow();
                    for (int i = 0; i < 4; i++) {
                        byte[] reply = sys.call(h, Message.of(1, new byte[] {(byte) i}), SHORT).orThrow().data();
                        log.add(i + "->" + reply[0]);
                    }
                    sys.send(h, Message.of(42)).orThrow();
                    seen.put("lastCall", sys.call(h, Message.of(1), SHORT).isOk());
                });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("srv", "srv", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            assertEquals(List.of("0->0", "1->1", "2->2", "3->3"), log);
            assertEquals(42, seen.get("afterUsedRight"));
            assertEquals(true, seen.get("lastCall"), "the reply went out before the bad port list was noticed");
            assertEquals(ErrorCode.BAD_HANDLE, seen.get("badPorts"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("nullRight"));
        }
    }
}
