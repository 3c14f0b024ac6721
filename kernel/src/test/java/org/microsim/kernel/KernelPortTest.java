package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.SHORT;
import static org.microsim.kernel.TestKernels.echo;
import static org.microsim.kernel.TestKernels.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;

class KernelPortTest {
    private final Map<String, Object> seen = new ConcurrentHashMap<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A tiny supervisor: subscribes, spawns a worker, restarts it once when it crashes. */
    private ProgramCatalog programs() {
        return new ProgramCatalog()
                .add("worker", "", () -> sys -> {
                    sys.registerPort(service("worker")).orThrow();
                    sys.sleep(Duration.ofSeconds(1)).orThrow();
                    throw new IllegalStateException("boom");
                })
                .add("supervisor", "", () -> sys -> {
                    Handle kernel = sys.start().handle(0);
                    Handle inbox = sys.registerPort(service("sup"), PortOptions.PRIVATE).orThrow();
                    Message sub = new KernelRequest.Subscribe(KernelRequest.TASK_EVENTS | KernelRequest.PORT_EVENTS,
                            inbox).toMessage();
                    assertNull(Replies.failure(sys.call(kernel, sub, SHORT).orThrow()));
                    KernelRequest.Spawn spawn = new KernelRequest.Spawn("worker", "worker", null, new byte[0]);
                    TaskId worker = spawn.decodeReply(sys.call(kernel, spawn.toMessage(), SHORT).orThrow());
                    int restarts = 0;
                    while (true) {
                        Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
                        switch (KernelNotice.decode(r.message())) {
                            case KernelNotice.TaskEnded e when e.crashed() -> {
                                events.add("crashed " + e.task() + " " + e.cause());
                                if (restarts++ == 0) {
                                    var again = new KernelRequest.Spawn("worker", "worker", worker, new byte[0]);
                                    seen.put("restarted", again.decodeReply(sys.call(kernel, again.toMessage(), SHORT)
                                            .orThrow()));
                                }
                            }
                            case KernelNotice.PortRegistered e -> events.add("port " + e.port().info().name() + " gen "
                                    + e.port().generation() + " handles " + r.message().handles().size());
                            case KernelNotice.PortRemoved e -> events.add("removed " + e.port().info().name());
                            default -> events.add("other " + r.msgId());
                        }
                    }
                })
                .add("intruder", "", () -> sys -> {
                    seen.put("lookupKernel", sys.lookup(KernelRequest.PORT_NAME, Duration.ZERO).code());
                    seen.put("forged", sys.call(new Handle(0), Message.of(KernelRequest.SPAWN), SHORT).code());
                });
    }

    @Test
    void aSupervisorSpawnsSubscribesAndRestartsWithTheNextGeneration() {
        try (Kernel k = TestKernels.kernel(programs())) {
            k.spawn("supervisor", "supervisor", new byte[0], true).orThrow();
            k.advance(Duration.ofSeconds(5));
            assertEquals(List.of(
                    "port sup gen 1 handles 1",
                    "port worker gen 1 handles 1",
                    "removed worker",
                    "crashed 2.0 IllegalStateException: boom",
                    "port worker gen 2 handles 1",
                    "removed worker",
                    "crashed 2.1 IllegalStateException: boom"), events);
            assertEquals(new TaskId(2, 1), seen.get("restarted"));
        }
    }

    @Test
    void anUnprivilegedTaskCannotReachTheKernelPort() {
        try (Kernel k = TestKernels.kernel(programs())) {
            k.spawn("intruder", "intruder", new byte[0], false).orThrow();
            k.settle();
            assertEquals(ErrorCode.DENIED, seen.get("lookupKernel"));
            assertEquals(ErrorCode.BAD_HANDLE, seen.get("forged"));
        }
    }

    @Test
    void malformedKernelRequestsGetErrorReplies() {
        ProgramCatalog programs = new ProgramCatalog().add("fuzzer", "", () -> sys -> {
            Handle kernel = sys.start().handle(0);
            for (int id : new int[] {KernelRequest.SPAWN, KernelRequest.KILL, KernelRequest.SUBSCRIBE, 99}) {
                Message reply = sys.call(kernel, Message.of(id, new byte[] {1, 2, 3}), SHORT).orThrow();
                events.add(id + ":" + Replies.failure(reply).code());
            }
            Message spawnUnknown = new KernelRequest.Spawn("no-such-program", "x", null, new byte[0]).toMessage();
            seen.put("unknownProgram", Replies.failure(sys.call(kernel, spawnUnknown, SHORT).orThrow()).detail());
        });
        try (Kernel k = TestKernels.kernel(programs)) {
            k.spawn("fuzzer", "fuzzer", new byte[0], true).orThrow();
            k.settle();
            int invalid = ErrorCode.INVALID_ARGUMENT.code();
            assertEquals(List.of("30:" + invalid, "31:" + invalid, "32:" + invalid,
                    "99:" + ErrorCode.UNKNOWN_REQUEST.code()), events);
            assertTrue(((String) seen.get("unknownProgram")).contains("no program named"));
        }
    }

    /**
     * The kernel answers every request it takes: a request sent without waiting for the answer is refused (its
     * answer, a failure included, would have nowhere to go), and so is a call lending a buffer.
     */
    @Test
    void theKernelPortAnswersCallsOnly() {
        ProgramCatalog programs = new ProgramCatalog()
                .add("worker", "", () -> sys -> sys.sleep(Duration.ofSeconds(1)).orThrow())
                .add("sender", "", () -> sys -> {
                    Handle kernel = sys.start().handle(0);
                    Result<Void> sent = sys.send(kernel, new KernelRequest.Spawn("worker", "worker", null,
                            new byte[0]).toMessage());
                    seen.put("send", sent.code());
                    seen.put("sendDetail", sent.errorOrNull().detail());
                    seen.put("unknownSent", sys.send(kernel, Message.of(99)).code());
                    seen.put("lease", sys.call(kernel, new KernelRequest.Spawn("worker", "worker", null, new byte[0])
                            .toMessage().withLease(Lease.readOnly(new byte[4])), SHORT).code());
                });
        try (Kernel k = TestKernels.kernel(programs)) {
            k.spawn("sender", "sender", new byte[0], true).orThrow();
            k.settle();
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("send"));
            assertEquals("the kernel port answers calls only: use call", seen.get("sendDetail"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("unknownSent"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, seen.get("lease"));
            assertEquals(List.of("sender"), k.tasks().stream().map(TaskInfo::name).toList(), "nothing was spawned");
        }
    }

    @Test
    void theSameSeedGivesTheSameTraceAndAnotherSeedAnotherInterleaving() {
        long a = fingerprint(42);
        assertEquals(a, fingerprint(42));
        assertNotNull(a);
        boolean differs = false;
        for (long seed = 1; seed < 6 && !differs; seed++) {
            differs = fingerprint(seed) != a;
        }
        assertTrue(differs, "five other seeds all gave the same interleaving");
    }

    private static long fingerprint(long seed) {
        ProgramCatalog programs = new ProgramCatalog().add("echo", "", () -> echo("echo"));
        for (int c = 0; c < 3; c++) {
            programs.add("client" + c, "", () -> sys -> {
                Handle h = sys.lookup("echo", SHORT).orThrow();
                for (int i = 0; i < 20; i++) {
                    sys.call(h, Message.of(i, new byte[] {(byte) i}), SHORT).orThrow();
                }
            });
        }
        try (Kernel k = TestKernels.kernel(seed, SchedulerMode.DETERMINISTIC, programs)) {
            k.spawn("echo", "echo", new byte[0], false).orThrow();
            for (int c = 0; c < 3; c++) {
                k.spawn("client" + c, "client" + c, new byte[0], false).orThrow();
            }
            k.settle();
            return k.trace().fingerprint();
        }
    }
}
