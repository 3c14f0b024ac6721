package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.TestKernels.echo;
import static org.microsim.kernel.TestKernels.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Lease;
import org.microsim.abi.Message;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.SysException;
import org.microsim.abi.TaskId;

/** The console's system calls: a client of the tasks, run from the harness's thread, and nothing more. */
class ConsoleTest {
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    @ParameterizedTest
    @EnumSource(SchedulerMode.class)
    void theConsoleCallsATaskAndLendsItABuffer(SchedulerMode mode) {
        ProgramCatalog programs = new ProgramCatalog().add("filler", "", () -> sys -> {
            var port = sys.registerPort(service("filler")).orThrow();
            while (true) {
                Received r = sys.receive(Sys.FOREVER, port).orThrow();
                sys.sleep(Duration.ofMillis(300)).orThrow();
                byte[] data = ("from " + r.sender()).getBytes();
                sys.leaseWrite(r.replyRight(), 0, data, 0, data.length).orThrow();
                sys.reply(r.replyRight(), Replies.ok()).orThrow();
            }
        });
        try (Kernel k = TestKernels.kernel(1, mode, programs)) {
            k.spawn("filler", "filler", new byte[0], false).orThrow();
            k.settle();
            byte[] buffer = new byte[9];
            Sys console = k.console();
            Handle filler = console.lookup("filler", Duration.ZERO).orThrow();
            Result<Message> reply = console.call(filler, Message.of(5).withLease(Lease.writeOnly(buffer)),
                    Duration.ofSeconds(5));
            assertEquals(0, reply.orThrow().msgId());
            assertArrayEquals(("from " + TaskId.CONSOLE).getBytes(), java.util.Arrays.copyOf(buffer, 8));
        }
    }

    /** A plain call: on the fast path when it is on (the console's calls go through the same Ipc.call). */
    @ParameterizedTest(name = "{0}, fast path {1}")
    @MethodSource("org.microsim.kernel.TestKernels#schedulersAndPaths")
    void theConsoleCallsAndSendsLikeATask(SchedulerMode mode, boolean fastPath) {
        ProgramCatalog programs = new ProgramCatalog()
                .add("echo", "", () -> echo("echo"))
                .add("inbox", "", () -> sys -> {
                    var port = sys.registerPort(service("inbox")).orThrow();
                    Received r = sys.receive(Sys.FOREVER, port).orThrow();
                    seen.put("sent", r.sender() + " " + r.msgId());
                });
        try (Kernel k = TestKernels.kernel(1, mode, programs, fastPath)) {
            k.spawn("echo", "echo", new byte[0], false).orThrow();
            k.spawn("inbox", "inbox", new byte[0], false).orThrow();
            k.settle();
            Sys console = k.console();
            Handle echo = console.lookup("echo", Duration.ZERO).orThrow();
            for (int i = 0; i < 20; i++) {
                Message reply = console.call(echo, Message.of(1, new byte[] {(byte) i}), Duration.ofSeconds(5))
                        .orThrow();
                assertArrayEquals(new byte[] {(byte) i}, reply.data());
            }
            console.send(console.lookup("inbox", Duration.ZERO).orThrow(), Message.of(42)).orThrow();
            k.settle();
            assertEquals(TaskId.CONSOLE + " 42", seen.get("sent"));
            assertEquals("echo", console.inspect(echo).orThrow().portName());
            console.close(echo).orThrow();
            assertEquals(ErrorCode.BAD_HANDLE, console.call(echo, Message.of(1), Duration.ofSeconds(1)).code());
        }
    }

    @Test
    void theConsoleGetsClearErrors() {
        ProgramCatalog programs = new ProgramCatalog()
                .add("mute", "", () -> sys -> {
                    var port = sys.registerPort(service("mute")).orThrow();
                    sys.registerPort(service("hidden"), PortOptions.PRIVATE).orThrow();
                    while (true) {
                        sys.receive(Sys.FOREVER, port).orThrow();
                    }
                });
        try (Kernel k = TestKernels.kernel(programs)) {
            k.spawn("mute", "mute", new byte[0], false).orThrow();
            k.settle();
            Sys console = k.console();
            assertEquals(ErrorCode.NO_SUCH_PORT, console.lookup("nobody", Duration.ZERO).code());
            assertEquals(ErrorCode.DENIED, console.lookup("hidden", Duration.ZERO).code());
            assertEquals(ErrorCode.DENIED, console.lookup(KernelRequest.PORT_NAME, Duration.ZERO).code());
            Handle mute = console.lookup("mute", Duration.ZERO).orThrow();
            assertEquals(ErrorCode.INVALID_ARGUMENT, console.call(mute, Message.of(1, new byte[0], mute),
                    Duration.ofSeconds(1)).code(), "the console sends no handles");
            assertEquals(ErrorCode.TOO_LARGE, console.call(mute, Message.of(1, new byte[Message.MAX_INLINE + 1]),
                    Duration.ofSeconds(1)).code());
            assertEquals(ErrorCode.INVALID_ARGUMENT, console.call(mute, Message.of(1), Duration.ofSeconds(-1)).code());
            assertEquals(ErrorCode.NO_CALLER, console.call(mute, Message.of(1).withLease(
                    new Lease.Forward(new ReplyRight(1), 0, 1, true, false)), Duration.ofSeconds(1)).code(),
                    "the console holds no call whose lease it could forward");
            long before = k.now();
            assertEquals(ErrorCode.TIMED_OUT, console.call(mute, Message.of(1), Duration.ofSeconds(2)).code());
            assertEquals(2_000_000_000L, k.now() - before);
        }
    }

    /** While the console waits for a name, the system runs (virtual time included) until the name appears. */
    @Test
    void aConsoleLookupWaitsWhileTheSystemRuns() {
        ProgramCatalog programs = new ProgramCatalog().add("late", "", () -> sys -> {
            sys.sleep(Duration.ofSeconds(2)).orThrow();
            echo("late").run(sys);
        });
        try (Kernel k = TestKernels.kernel(programs)) {
            k.spawn("late", "late", new byte[0], false).orThrow();
            k.settle();
            long before = k.now();
            Sys console = k.console();
            Handle late = console.lookup("late", Duration.ofSeconds(10)).orThrow();
            long waited = k.now() - before;
            assertTrue(waited >= 2_000_000_000L && waited <= 2_000_000_000L + Kernel.DEFAULT_QUIET.toNanos(),
                    "waited " + waited);
            assertTrue(console.call(late, Message.of(1), Duration.ofSeconds(1)).isOk());
            assertEquals(ErrorCode.UNAVAILABLE, console.lookup("never", Duration.ofSeconds(1)).code());
        }
    }

    /** A handle that came with a reply reaches a private port: the console still talks to public ports only. */
    @Test
    void theConsoleCallsPublicTaskPortsOnly() {
        ProgramCatalog programs = new ProgramCatalog().add("broker", "", () -> sys -> {
            Handle port = sys.registerPort(service("broker")).orThrow();
            Handle secret = sys.registerPort(service("secret"), PortOptions.PRIVATE).orThrow();
            Received r = sys.receive(Sys.FOREVER, port).orThrow();
            sys.reply(r.replyRight(), Replies.ok(new byte[0], sys.duplicate(secret, Rights.SEND_GRANT).orThrow()));
            while (true) {
                sys.receive(Sys.FOREVER, secret).orThrow();
            }
        });
        try (Kernel k = TestKernels.kernel(programs)) {
            k.spawn("broker", "broker", new byte[0], false).orThrow();
            k.settle();
            Sys console = k.console();
            Handle broker = console.lookup("broker", Duration.ZERO).orThrow();
            Handle secret = console.call(broker, Message.of(1), Duration.ofSeconds(1)).orThrow().handles().get(0);
            assertEquals("secret", console.inspect(secret).orThrow().portName());
            assertEquals(ErrorCode.DENIED, console.call(secret, Message.of(1), Duration.ofSeconds(1)).code());
            assertEquals(ErrorCode.DENIED, console.send(secret, Message.of(1)).code());
        }
    }

    @Test
    void everythingButAClientsCallsIsDenied() {
        try (Kernel k = TestKernels.kernel(new ProgramCatalog())) {
            Sys c = k.console();
            Handle h = new Handle(0);
            ReplyRight r = new ReplyRight(1);
            byte[] bytes = new byte[4];
            DmaBuffer dma = null;
            List<Result<?>> denied = List.of(
                    c.registerPort(service("mine")), c.unregisterPort(h), c.receive(Duration.ZERO, h),
                    c.reply(r, Message.of(0)), c.replyAndReceive(r, Message.of(0), Duration.ZERO, h),
                    c.leaseRead(r, 0, bytes, 0, 4), c.leaseWrite(r, 0, bytes, 0, 4), c.leaseRead(r, 0, dma, 0, 4),
                    c.leaseWrite(r, 0, dma, 0, 4), c.duplicate(h, Rights.SEND), c.sleep(Duration.ofSeconds(1)),
                    c.mapBar(h, 0), c.allocDma(4096), c.bindIrq(h, h));
            for (Result<?> result : denied) {
                assertEquals(ErrorCode.DENIED, result.code(), String.valueOf(result));
                assertTrue(result.errorOrNull().detail().startsWith("the console cannot "), String.valueOf(result));
            }
            assertEquals(ErrorCode.DENIED, assertThrows(SysException.class, c::random).error().code());
            assertEquals(TaskId.CONSOLE, c.self());
            assertEquals(k.now(), c.now());
        }
    }

    /** The console is the harness's: a task that got hold of it cannot use it. */
    @Test
    void aTaskCannotUseTheConsole() {
        Kernel[] kernel = new Kernel[1];
        Function<Sys, Object> use = console -> console.lookup("echo", Duration.ZERO).code();
        ProgramCatalog programs = new ProgramCatalog()
                .add("echo", "", () -> echo("echo"))
                .add("thief", "", () -> sys -> {
                    seen.put("lookup", use.apply(kernel[0].console()));
                    try {
                        kernel[0].console().log("forged");
                    } catch (SysException e) {
                        seen.put("log", e.error().code());
                    }
                });
        try (Kernel k = TestKernels.kernel(programs)) {
            kernel[0] = k;
            k.spawn("echo", "echo", new byte[0], false).orThrow();
            k.spawn("thief", "thief", new byte[0], false).orThrow();
            k.settle();
            assertEquals(ErrorCode.DENIED, seen.get("lookup"));
            assertEquals(ErrorCode.DENIED, seen.get("log"));
            assertEquals(null, use.apply(k.console()), "from the harness's thread it works");
        }
    }
}
