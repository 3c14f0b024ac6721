package org.microsim.services.svcman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Message;
import org.microsim.abi.svc.SvcRequest;

/** Random bytes under every service manager msg id: always a reply, never an exception, never a change. */
class RequestFuzzProperties {
    @Property(tries = 300)
    void garbageIsAnsweredAndChangesNothing(@ForAll @IntRange(min = 195, max = 215) int msgId,
                                            @ForAll @Size(max = 64) byte[] bytes) throws ServiceException {
        Supervisor sup = new Supervisor(() -> 0, 1);
        sup.register(Specs.spec("a"));
        RequestHandler handler = new RequestHandler(sup);
        String before = ServiceTable.render(sup.statuses());
        RequestHandler.Outcome o = handler.handle(Message.of(msgId, bytes), null);
        assertTrue(o.reply().msgId() == MsgIds.REPLY_OK || o.reply().msgId() == MsgIds.REPLY_ERROR);
        boolean mutating = List.of(SvcRequest.REGISTER, SvcRequest.DEPEND, SvcRequest.START, SvcRequest.RESTART,
                        SvcRequest.UNREGISTER)
                .contains(msgId) && o.reply().msgId() == MsgIds.REPLY_OK;
        if (!mutating) {
            assertEquals(before, ServiceTable.render(sup.statuses()));
            assertEquals(List.of(), o.actions());
        }
    }
}
