package org.microsim.services.svcman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;

/**
 * Start on first open, on the real kernel: the first lookup of a reserved name starts its owner and the
 * opener gets the port once it exists; an owner that cannot start gives the opener a clear UNAVAILABLE
 * instead of a hang; nobody can start a program by looking up a name nobody reserved.
 */
class ReservedNamesKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    private ProgramCatalog programs() {
        RestartContract contract = RestartContract.DEFAULT.withReadyOnStart(true);
        return new ProgramCatalog()
                .add("svcman", "", () -> new ServiceManagerProgram(Duration.ofSeconds(3)))
                .add("owner", "", () -> sys -> {
                    Handle port = sys.registerPort(PortInfo.of("late", PortClass.SERVICE, 0)).orThrow();
                    while (true) {
                        var r = sys.receive(Sys.FOREVER, port).orThrow();
                        sys.reply(r.replyRight(), Replies.ok(new byte[] {42}));
                    }
                })
                .add("broken", "", () -> sys -> {
                    throw new IllegalStateException("cannot start");
                })
                .add("setup", "", () -> sys -> {
                    Handle svcman = sys.lookup("svcman", WAIT).orThrow();
                    for (var request : List.of(
                            new SvcRequest.Register("owner", "owner", List.of(), contract, List.of("late")),
                            new SvcRequest.Register("broken", "broken", List.of(), contract, List.of("never")))) {
                        Message reply = sys.call(svcman, request.toMessage(), WAIT).orThrow();
                        seen.put("register " + request.name(), String.valueOf(Replies.failure(reply)));
                    }
                })
                .add("client", "", () -> sys -> {
                    Result<Handle> late = sys.lookup("late", WAIT);
                    seen.put("late", late.isOk() ? sys.call(late.orThrow(), Message.of(1), WAIT).orThrow().data()[0]
                            : late.errorOrNull());
                    Result<Handle> never = sys.lookup("never", WAIT);
                    seen.put("never", never.isOk() ? "found" : never.errorOrNull());
                    seen.put("nobody", sys.lookup("nobody", Duration.ofSeconds(1)).code());
                });
    }

    @Test
    void theFirstLookupStartsTheOwnerAndAFailureIsAClearError() {
        try (Kernel k = Kernel.builder().programs(programs()).build()) {
            var setup = k.spawn("setup", "setup", new byte[0], false).orThrow();
            k.spawn("svcman", "svcman", ServiceManagerProgram.args(setup.index()), true).orThrow();
            k.settle();
            assertEquals("null", seen.get("register owner"));
            assertEquals("null", seen.get("register broken"));
            assertTrue(k.tasks().stream().noneMatch(t -> t.name().equals("owner")), "owner started before any lookup");
            k.spawn("client", "client", new byte[0], false).orThrow();
            k.advance(Duration.ofSeconds(30));
            assertEquals((byte) 42, seen.get("late"));
            var never = (org.microsim.abi.SysError) seen.get("never");
            assertEquals(ErrorCode.UNAVAILABLE, never.code());
            assertTrue(never.detail().contains("never"), never.detail());
            assertEquals(ErrorCode.UNAVAILABLE, seen.get("nobody"));
            assertTrue(k.tasks().stream().noneMatch(t -> t.program().equals("nobody")));
        }
    }
}
