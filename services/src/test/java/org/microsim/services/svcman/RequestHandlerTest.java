package org.microsim.services.svcman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.services.svcman.Specs.MS;
import static org.microsim.services.svcman.Specs.spec;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcException;
import org.microsim.abi.svc.SvcRequest;

class RequestHandlerTest {
    private final Supervisor sup = new Supervisor(() -> 0, 100 * MS);
    private final RequestHandler handler = new RequestHandler(sup);

    /** What the runtime answers a request that fails: the decoder's or the handler's refusal. */
    private Replies.Failure failure(Message request, String sender) {
        try {
            RequestHandler.Outcome o = handler.handle(SvcRequest.decode(request), sender);
            throw new AssertionError("served: " + o);
        } catch (MalformedException e) {
            return new Replies.Failure(SvcErrorCode.BAD_REQUEST.code(), e.getMessage());
        } catch (SvcException e) {
            return new Replies.Failure(e.code(), e.getMessage());
        }
    }

    @Test
    void badRequestsAreAnsweredWithErrorsAndChangeNothing() throws Exception {
        assertNull(Replies.failure(handler.handle(spec("ahci"), null).reply()));
        assertNull(Replies.failure(handler.handle(spec("partd", "ahci"), null).reply()));
        String before = ServiceTable.render(sup.statuses());

        byte[] start = new SvcRequest.Start("ahci").toMessage().data();
        List<Message> malformed = List.of(Message.of(250), Message.of(SvcRequest.START),
                Message.of(SvcRequest.START, java.util.Arrays.copyOf(start, start.length - 1)),
                Message.of(SvcRequest.START, java.util.Arrays.copyOf(start, start.length + 1)),
                Message.of(SvcRequest.LIST, new byte[] {9}),
                Message.of(SvcRequest.REGISTER, new WireWriter().string("x").toByteArray()));
        for (Message m : malformed) {
            assertEquals(SvcErrorCode.BAD_REQUEST.code(), failure(m, null).code(), m.toString());
        }
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), failure(new SvcRequest.Start("nosuch").toMessage(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), failure(new SvcRequest.Stop("nosuch").toMessage(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(),
                failure(new SvcRequest.Status("nosuch").toMessage(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), failure(spec("fatfsd", "nosuch").toMessage(), null).code());
        assertEquals(SvcErrorCode.EXISTS.code(), failure(spec("ahci").toMessage(), null).code());
        assertEquals(SvcErrorCode.BAD_REQUEST.code(),
                failure(new SvcRequest.Depend("ahci", "ahci").toMessage(), null).code());
        Replies.Failure cycle = failure(new SvcRequest.Depend("ahci", "partd").toMessage(), null);
        assertEquals(new Replies.Failure(SvcErrorCode.CYCLE.code(), "cycle: ahci -> partd -> ahci"), cycle);
        assertEquals(SvcErrorCode.DENIED.code(), failure(new SvcRequest.Ready().toMessage(), null).code());
        Message registerAgain = new SvcRequest.Register("ahci", "other", List.of(), Specs.CONTRACT, List.of(),
                List.of(new Handle(4))).toMessage();
        assertEquals(SvcErrorCode.EXISTS.code(), failure(registerAgain, null).code(), "handles for an existing service");
        List<Handle> five = List.of(new Handle(1), new Handle(2), new Handle(3), new Handle(4), new Handle(5));
        assertEquals(SvcErrorCode.BAD_REQUEST.code(), failure(new Message(SvcRequest.REGISTER,
                spec("disk").toMessage().data(), five, null), null).code(), "too many handles");
        assertEquals(SvcErrorCode.BAD_REQUEST.code(), failure(new Message(SvcRequest.START,
                new SvcRequest.Start("ahci").toMessage().data(), List.of(new Handle(1)), null), null).code());
        assertEquals(SvcErrorCode.IN_USE.code(), failure(new SvcRequest.Unregister("ahci").toMessage(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(),
                failure(new SvcRequest.Unregister("nosuch").toMessage(), null).code());
        assertEquals(before, ServiceTable.render(sup.statuses()));
    }

    @Test
    void goodRequestsDriveTheSupervisor() throws Exception {
        handler.handle(spec("ahci"), null);
        handler.handle(spec("partd", "ahci"), null);
        RequestHandler.Outcome start = handler.handle(new SvcRequest.Start("partd"), null);
        assertEquals(List.of(new Action.Spawn("ahci", "ahci-prog", List.of())), start.actions());
        assertEquals(List.of(new Action.Spawn("partd", "partd-prog", List.of())),
                handler.handle(new SvcRequest.Ready(), "ahci").actions());
        Message status = handler.handle(new SvcRequest.Status("partd"), null).reply();
        WireReader r = status.reader();
        ServiceStatus s = ServiceStatus.read(r);
        r.end("status");
        assertEquals(new ServiceStatus("partd", ServiceState.STARTING, 0, List.of("ahci"), ""), s);
        List<ServiceStatus> all = new SvcRequest.ListAll(0).decodeReply(
                handler.handle(new SvcRequest.ListAll(0), null).reply()).items();
        assertEquals(sup.statuses(), all);
        assertTrue(handler.handle(new SvcRequest.Stop("ahci"), null).actions().size() == 2);
        assertEquals(List.of(new Action.Forget("partd", List.of())),
                handler.handle(new SvcRequest.Unregister("partd"), null).actions());
        assertEquals(List.of("ahci"), sup.statuses().stream().map(ServiceStatus::name).toList());
    }
}
