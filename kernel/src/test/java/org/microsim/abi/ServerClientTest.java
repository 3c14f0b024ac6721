package org.microsim.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.TaskState;

/**
 * The server runtime and the typed client on the real kernel: typed replies, every kind of failure typed on
 * both sides, a loop no message can end, deferred answers, deadlines, notices, and a named client that finds
 * its server again after a restart.
 */
class ServerClientTest {
    private static final Duration T = Duration.ofSeconds(5);

    /** A failure of the calculator protocol: any code, 99 when the call got no answer. */
    static final class CalcException extends ProtocolException {
        CalcException(int code, String detail) {
            super(() -> code, detail, null);
        }

        CalcException(String detail, SysError error) {
            super(() -> 99, detail, error);
        }
    }

    /** A tiny protocol: add two numbers, fail with a code, hit a defect, answer later, crash the server. */
    sealed interface Calc<T> extends Request<T, CalcException> {
        Protocol<Calc<?>, CalcException> PROTOCOL = Protocol.of("calc", Calc::decode, CalcException::new,
                CalcException::new, 40, 41);

        @Override
        default Protocol<?, CalcException> protocol() {
            return PROTOCOL;
        }

        record Add(int a, int b) implements Calc<Integer> {
            @Override
            public Message toMessage() {
                return Message.of(1, new WireWriter().i32(a).i32(b).toByteArray());
            }

            @Override
            public Integer decodeReply(Message reply) throws MalformedException {
                WireReader r = reply.reader();
                int sum = r.i32("sum");
                r.end("sum");
                return sum;
            }
        }

        record Fail(int code) implements Calc<Void> {
            @Override
            public Message toMessage() {
                return Message.of(2, new WireWriter().i32(code).toByteArray());
            }

            @Override
            public Void decodeReply(Message reply) throws MalformedException {
                return Replies.empty(reply);
            }
        }

        /** A request whose handler hits a defect (a runtime exception). */
        record Defect() implements Calc<Void> {
            @Override
            public Message toMessage() {
                return Message.of(3);
            }

            @Override
            public Void decodeReply(Message reply) throws MalformedException {
                return Replies.empty(reply);
            }
        }

        /** Answered when the server's next deadline passes, {@code millis} of virtual time from now. */
        record Later(int millis) implements Calc<Void> {
            @Override
            public Message toMessage() {
                return Message.of(4, new WireWriter().i32(millis).toByteArray());
            }

            @Override
            public Void decodeReply(Message reply) throws MalformedException {
                return Replies.empty(reply);
            }
        }

        /** The handler asks for the task to fault. */
        record Fault() implements Calc<Void> {
            @Override
            public Message toMessage() {
                return Message.of(5);
            }

            @Override
            public Void decodeReply(Message reply) throws MalformedException {
                return Replies.empty(reply);
            }
        }

        static Calc<?> decode(Message m) throws MalformedException {
            if (!m.handles().isEmpty()) {
                throw new MalformedException("calc requests carry no handles");
            }
            WireReader r = m.reader();
            Calc<?> c = switch (m.msgId()) {
                case 1 -> new Add(r.i32("a"), r.i32("b"));
                case 2 -> new Fail(r.i32("code"));
                case 3 -> new Defect();
                case 4 -> new Later(r.i32("millis"));
                case 5 -> new Fault();
                default -> throw new MalformedException("no calc request " + m.msgId());
            };
            r.end("calc request");
            return c;
        }
    }

    /** The calculator server. */
    static final class CalcServer implements Program, Handler<Calc<?>> {
        private Sys sys;
        private ReplyRight waiting;
        private long wakeAt = Long.MAX_VALUE;

        @Override
        public void run(Sys system) {
            sys = system;
            Server.serve(sys, this, sys.registerPort(PortInfo.of("calc", PortClass.SERVICE, 0)).orThrow());
        }

        @Override
        public Protocol<Calc<?>, ?> protocol() {
            return Calc.PROTOCOL;
        }

        @Override
        public Message handle(Calc<?> request, Received call) throws CalcException {
            return switch (request) {
                case Calc.Add add -> Replies.ok(new WireWriter().i32(add.a() + add.b()).toByteArray());
                case Calc.Fail fail -> throw new CalcException(fail.code(), "failed as asked");
                case Calc.Defect d -> throw new IllegalStateException("a defect");
                case Calc.Later later -> {
                    waiting = call.replyRight();
                    wakeAt = sys.now() + later.millis() * 1_000_000L;
                    yield NO_REPLY;
                }
                case Calc.Fault f -> throw new SysException(SysError.of(ErrorCode.UNAVAILABLE, "asked to fault"));
            };
        }

        @Override
        public boolean notice(Notice notice) {
            if (notice instanceof Notice.Deadline(long now) && waiting != null) {
                sys.log("calc: deadline at " + now / 1_000_000 + " ms");
                sys.reply(waiting, Replies.ok());
                waiting = null;
                wakeAt = Long.MAX_VALUE;
                return true;
            }
            return false;
        }

        @Override
        public long wakeAt() {
            return wakeAt;
        }
    }

    private final Map<String, Object> seen = new ConcurrentHashMap<>();
    private final List<String> logs = java.util.Collections.synchronizedList(new ArrayList<>());

    private Kernel boot(Program client) {
        ProgramCatalog programs = new ProgramCatalog().add("calc", "", CalcServer::new).add("client", "", () -> client);
        Kernel k = Kernel.builder().seed(3).programs(programs).build();
        k.onLog(line -> logs.add(line.text()));
        k.spawn("calc", "calc", new byte[0], false).orThrow();
        k.spawn("client", "client", new byte[0], false).orThrow();
        return k;
    }

    @Test
    void repliesAreTypedAndEveryFailureIsTheProtocolsException() {
        try (Kernel k = boot(sys -> {
            Client calc = Client.named(sys, "calc", T, T);
            seen.put("sum", calc.call(new Calc.Add(40, 2)));
            for (Calc<Void> bad : List.<Calc<Void>>of(new Calc.Fail(7), new Calc.Defect())) {
                try {
                    calc.call(bad);
                } catch (CalcException e) {
                    seen.put(bad.getClass().getSimpleName(), e.code() + " " + e.getMessage());
                }
            }
            Message garbage = Message.of(1, new byte[] {1});
            seen.put("malformed", Replies.failure(sys.call(calc.handle(), garbage, T).orThrow()));
            Message unknown = Message.of(77);
            sys.call(calc.handle(), unknown, T).orThrow();
            sys.call(calc.handle(), unknown, T).orThrow();
            seen.put("after", calc.call(new Calc.Add(1, 1)));
        })) {
            k.settle();
            assertEquals(42, seen.get("sum"));
            assertEquals("7 failed as asked", seen.get("Fail"));
            assertEquals("41 internal error: java.lang.IllegalStateException: a defect", seen.get("Defect"));
            Replies.Failure malformed = (Replies.Failure) seen.get("malformed");
            assertEquals(40, malformed.code());
            assertTrue(malformed.detail().startsWith("malformed calc request: "), malformed.detail());
            assertEquals(2, seen.get("after"), "the loop goes on after every kind of bad request");
            assertEquals(1, logs.stream().filter(l -> l.contains("request 77")).count(),
                    "an undecodable msg id is logged once: " + logs);
            assertTrue(logs.stream().anyMatch(l -> l.contains("internal error serving Defect")), logs.toString());
        }
    }

    @Test
    void aDeferredAnswerComesAtTheHandlersDeadline() {
        try (Kernel k = boot(sys -> {
            Client calc = Client.named(sys, "calc", T, T);
            long start = sys.now();
            calc.call(new Calc.Later(250));
            seen.put("waited", (sys.now() - start) / 1_000_000);
        })) {
            k.settle(Duration.ofSeconds(1), Duration.ofSeconds(10));
            assertEquals(250L, seen.get("waited"));
            assertTrue(logs.contains("calc: deadline at 250 ms"), logs.toString());
        }
    }

    @Test
    void aTimeoutAndAMissingServerAreUnreachable() {
        try (Kernel k = boot(sys -> {
            Client calc = Client.named(sys, "calc", T, Duration.ofMillis(100));
            try {
                calc.call(new Calc.Later(1_000));
            } catch (CalcException e) {
                seen.put("late", e.unreachable().code());
            }
            try {
                Client.named(sys, "nobody", Duration.ofMillis(10), T).call(new Calc.Add(1, 2));
            } catch (CalcException e) {
                seen.put("nobody", e.unreachable().code());
            }
        })) {
            k.settle();
            assertEquals(ErrorCode.TIMED_OUT, seen.get("late"));
            assertEquals(ErrorCode.UNAVAILABLE, seen.get("nobody"));
        }
    }

    @Test
    void aHandlerThatFaultsCrashesItsTaskAndANamedClientFindsTheNextIncarnation() {
        try (Kernel k = boot(sys -> {
            Client calc = Client.named(sys, "calc", T, T);
            calc.call(new Calc.Add(1, 2));
            try {
                calc.call(new Calc.Fault());
            } catch (CalcException e) {
                seen.put("fault", e.peerGone());
            }
            seen.put("handleAfter", calc.handle() == null);
            sys.sleep(Duration.ofMillis(50)).orThrow();
            seen.put("again", calc.call(new Calc.Add(2, 3)));
        })) {
            k.settle(Duration.ofMillis(10), Duration.ofSeconds(1));
            var calc = k.tasks().stream().filter(t -> t.name().equals("calc")).findFirst().orElseThrow();
            assertEquals(TaskState.CRASHED, calc.state());
            assertTrue(calc.detail().contains("asked to fault"), calc.detail());
            assertEquals(true, seen.get("fault"), "the caller sees the server gone");
            assertEquals(true, seen.get("handleAfter"), "and forgets the dead handle");
            k.spawn("calc", "calc", new byte[0], false).orThrow();
            k.settle();
            assertEquals(5, seen.get("again"), "looked up again by name");
        }
    }

    @Test
    void plainMessagesTheHandlerDoesNotTakeAreLoggedOnceAndTheirHandlesClosed() {
        try (Kernel k = boot(sys -> {
            Handle calc = sys.lookup("calc", T).orThrow();
            Handle mine = sys.registerPort(PortInfo.of("mine", PortClass.SERVICE, 0)).orThrow();
            for (int i = 0; i < 3; i++) {
                sys.send(calc, Message.of(9, new byte[] {1}, mine)).orThrow();
            }
            seen.put("after", Client.of(sys, calc, T).call(new Calc.Add(3, 4)));
        })) {
            k.settle();
            assertEquals(7, seen.get("after"));
            assertEquals(1, logs.stream().filter(l -> l.contains("ignored message 9")).count(), logs.toString());
            assertNotNull(logs.stream().filter(l -> l.contains("it is not a call")).findFirst().orElse(null));
        }
    }

    /** A one-shot calculator: it finishes after its first sum. */
    static final class OneSum implements Program, Handler<Calc<?>> {
        private boolean done;

        @Override
        public void run(Sys sys) {
            Server.serve(sys, this, sys.registerPort(PortInfo.of("once", PortClass.SERVICE, 0)).orThrow());
            sys.log("once: served");
        }

        @Override
        public Protocol<Calc<?>, ?> protocol() {
            return Calc.PROTOCOL;
        }

        @Override
        public Message handle(Calc<?> request, Received call) throws CalcException {
            if (!(request instanceof Calc.Add add)) {
                throw new CalcException(5, "only sums");
            }
            done = true;
            return Replies.ok(new WireWriter().i32(add.a() + add.b()).toByteArray());
        }

        @Override
        public boolean finished() {
            return done;
        }
    }

    @Test
    void aHandlerThatFinishedGetsItsLastReplySentAndServeReturns() {
        ProgramCatalog programs = new ProgramCatalog().add("once", "", OneSum::new).add("client", "", () -> sys -> {
            Client once = Client.named(sys, "once", T, T);
            try {
                once.call(new Calc.Fail(1));
            } catch (CalcException e) {
                seen.put("refused", e.code());
            }
            seen.put("sum", once.call(new Calc.Add(2, 3)));
        });
        try (Kernel k = Kernel.builder().seed(3).programs(programs).build()) {
            k.onLog(line -> logs.add(line.text()));
            k.spawn("once", "once", new byte[0], false).orThrow();
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.settle();
            assertEquals(5, seen.get("refused"), "a request that does not finish it leaves it serving");
            assertEquals(5, seen.get("sum"), "the last call is answered");
            assertTrue(logs.contains("once: served"), logs.toString());
            var once = k.tasks().stream().filter(t -> t.name().equals("once")).findFirst().orElseThrow();
            assertEquals(TaskState.EXITED, once.state());
        }
    }
}
