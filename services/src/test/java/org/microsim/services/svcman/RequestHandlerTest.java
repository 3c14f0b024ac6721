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
import org.microsim.abi.svc.SvcRequest;

class RequestHandlerTest {
    private final Supervisor sup = new Supervisor(() -> 0, 100 * MS);
    private final RequestHandler handler = new RequestHandler(sup);

    private Replies.Failure failure(Message request, String sender) throws MalformedException {
        RequestHandler.Outcome o = handler.handle(request, sender);
        assertEquals(List.of(), o.actions(), "a refused request does nothing");
        return Replies.failure(o.reply());
    }

    @Test
    void badRequestsAreAnsweredWithErrorsAndChangeNothing() throws MalformedException {
        assertNull(Replies.failure(handler.handle(spec("ahci").encode(), null).reply()));
        assertNull(Replies.failure(handler.handle(spec("partd", "ahci").encode(), null).reply()));
        String before = ServiceTable.render(sup.statuses());

        byte[] start = new SvcRequest.Start("ahci").encode().data();
        List<Message> malformed = List.of(Message.of(250), Message.of(SvcRequest.START),
                Message.of(SvcRequest.START, java.util.Arrays.copyOf(start, start.length - 1)),
                Message.of(SvcRequest.START, java.util.Arrays.copyOf(start, start.length + 1)),
                Message.of(SvcRequest.LIST, new byte[] {9}),
                Message.of(SvcRequest.REGISTER, new WireWriter().string("x").toByteArray()));
        for (Message m : malformed) {
            assertEquals(SvcErrorCode.BAD_REQUEST.code(), failure(m, null).code(), m.toString());
        }
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), failure(new SvcRequest.Start("nosuch").encode(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), failure(new SvcRequest.Stop("nosuch").encode(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(),
                failure(new SvcRequest.Status("nosuch").encode(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(), failure(spec("fatfsd", "nosuch").encode(), null).code());
        assertEquals(SvcErrorCode.EXISTS.code(), failure(spec("ahci").encode(), null).code());
        assertEquals(SvcErrorCode.BAD_REQUEST.code(),
                failure(new SvcRequest.Depend("ahci", "ahci").encode(), null).code());
        Replies.Failure cycle = failure(new SvcRequest.Depend("ahci", "partd").encode(), null);
        assertEquals(new Replies.Failure(SvcErrorCode.CYCLE.code(), "cycle: ahci -> partd -> ahci"), cycle);
        assertEquals(SvcErrorCode.DENIED.code(), failure(new SvcRequest.Ready().encode(), null).code());
        Message registerAgain = new SvcRequest.Register("ahci", "other", List.of(), Specs.CONTRACT, List.of(),
                List.of(new Handle(4))).encode();
        assertEquals(SvcErrorCode.EXISTS.code(), failure(registerAgain, null).code(), "handles for an existing service");
        List<Handle> five = List.of(new Handle(1), new Handle(2), new Handle(3), new Handle(4), new Handle(5));
        assertEquals(SvcErrorCode.BAD_REQUEST.code(), failure(new Message(SvcRequest.REGISTER,
                spec("disk").encode().data(), five, null), null).code(), "too many handles");
        assertEquals(SvcErrorCode.BAD_REQUEST.code(), failure(new Message(SvcRequest.START,
                new SvcRequest.Start("ahci").encode().data(), List.of(new Handle(1)), null), null).code());
        assertEquals(SvcErrorCode.IN_USE.code(), failure(new SvcRequest.Unregister("ahci").encode(), null).code());
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE.code(),
                failure(new SvcRequest.Unregister("nosuch").encode(), null).code());
        assertEquals(before, ServiceTable.render(sup.statuses()));
    }

    @Test
    void goodRequestsDriveTheSupervisor() throws MalformedException {
        handler.handle(spec("ahci").encode(), null);
        handler.handle(spec("partd", "ahci").encode(), null);
        RequestHandler.Outcome start = handler.handle(new SvcRequest.Start("partd").encode(), null);
        assertEquals(List.of(new Action.Spawn("ahci", "ahci-prog", List.of())), start.actions());
        assertEquals(List.of(new Action.Spawn("partd", "partd-prog", List.of())),
                handler.handle(new SvcRequest.Ready().encode(), "ahci").actions());
        Message status = handler.handle(new SvcRequest.Status("partd").encode(), null).reply();
        WireReader r = status.reader();
        ServiceStatus s = ServiceStatus.read(r);
        r.end("status");
        assertEquals(new ServiceStatus("partd", ServiceState.STARTING, 0, List.of("ahci"), ""), s);
        List<ServiceStatus> all = ServiceStatus.decodePage(
                handler.handle(new SvcRequest.ListAll(0).encode(), null).reply().data()).items();
        assertEquals(sup.statuses(), all);
        assertTrue(handler.handle(new SvcRequest.Stop("ahci").encode(), null).actions().size() == 2);
        assertEquals(List.of(new Action.Forget("partd", List.of())),
                handler.handle(new SvcRequest.Unregister("partd").encode(), null).actions());
        assertEquals(List.of("ahci"), sup.statuses().stream().map(ServiceStatus::name).toList());
    }
}
