package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.DevdRequest;

/** Random bytes under every devd msg id: always a reply, never an exception, never a change. */
class DevdRequestFuzzProperties {
    @Property(tries = 300)
    void garbageIsAnsweredAndChangesNothing(@ForAll @IntRange(min = 295, max = 310) int msgId,
                                            @ForAll @Size(max = 64) byte[] bytes) throws DevdException {
        DeviceManager devices = new DeviceManager(DefaultRules.rules());
        devices.addPort(PortInfo.of("disk", PortClass.BLOCK, 0), 1, false);
        String lsdev = Lsdev.render(devices.lsdev());
        List<Rule> rules = devices.rules();
        DevdRequestHandler.Outcome o = new DevdRequestHandler(devices).handle(Message.of(msgId, bytes), "x");
        assertTrue(o.reply().msgId() == MsgIds.REPLY_OK || o.reply().msgId() == MsgIds.REPLY_ERROR);
        if (msgId != DevdRequest.ADD_RULE || o.reply().msgId() == MsgIds.REPLY_ERROR) {
            assertEquals(rules, devices.rules());
        }
        assertEquals(lsdev, Lsdev.render(devices.lsdev()));
    }
}
