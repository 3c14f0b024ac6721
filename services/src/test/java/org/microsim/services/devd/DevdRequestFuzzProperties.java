package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.DevdRequest;

/** Random bytes under every devd msg id: decoded or malformed, then served or refused; a refusal changes nothing. */
class DevdRequestFuzzProperties {
    @Property(tries = 300)
    void garbageIsAnsweredAndChangesNothing(@ForAll @IntRange(min = 295, max = 310) int msgId,
                                            @ForAll @Size(max = 64) byte[] bytes) throws DevdException {
        DeviceManager devices = new DeviceManager(DefaultRules.rules());
        devices.addPort(PortInfo.of("disk", PortClass.BLOCK, 0), 1, false);
        String lsdev = Lsdev.render(devices.lsdev());
        List<Rule> rules = devices.rules();
        boolean changed = false;
        try {
            DevdRequest<?> request = DevdRequest.decode(Message.of(msgId, bytes));
            DevdRequestHandler.Outcome o = new DevdRequestHandler(devices).handle(request);
            assertEquals(MsgIds.REPLY_OK, o.reply().msgId());
            changed = request instanceof DevdRequest.AddRule;
        } catch (MalformedException | DevdException refused) {
            // The runtime answers these with their codes; nothing may have changed.
        }
        if (!changed) {
            assertEquals(rules, devices.rules());
        }
        assertEquals(lsdev, Lsdev.render(devices.lsdev()));
    }
}
