package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcException;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.MsgIds;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.svc.SvcRequest;

/** Random bytes under every service manager msg id: decoded or malformed, served or refused; a refusal changes nothing. */
class RequestFuzzProperties {
    @Property(tries = 300)
    void garbageIsAnsweredAndChangesNothing(@ForAll @IntRange(min = 195, max = 215) int msgId,
                                            @ForAll @Size(max = 64) byte[] bytes) throws SvcException {
        Supervisor sup = new Supervisor(() -> 0, 1);
        sup.register(Specs.spec("a"));
        RequestHandler handler = new RequestHandler(sup);
        String before = ServiceTable.render(sup.statuses());
        RequestHandler.Outcome o = null;
        try {
            o = handler.handle(SvcRequest.decode(Message.of(msgId, bytes)), null);
            assertEquals(MsgIds.REPLY_OK, o.reply().msgId());
        } catch (MalformedException | SvcException refused) {
            // The runtime answers these with their codes; nothing may have changed.
        }
        boolean mutating = List.of(SvcRequest.REGISTER, SvcRequest.DEPEND, SvcRequest.START, SvcRequest.RESTART,
                SvcRequest.UNREGISTER).contains(msgId) && o != null;
        if (!mutating) {
            assertEquals(before, ServiceTable.render(sup.statuses()));
            assertEquals(List.of(), o == null ? List.of() : o.actions());
        }
    }
}
