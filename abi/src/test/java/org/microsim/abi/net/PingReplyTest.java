package org.microsim.abi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Message;

class PingReplyTest {
    @Test
    void theReplyOfTheLongestPingFitsInAMessage() throws Exception {
        List<NetTables.Echo> all = new ArrayList<>();
        for (int i = 1; i <= NetRequest.MAX_PINGS; i++) {
            all.add(new NetTables.Echo(i, 64, Long.MAX_VALUE - i));
        }
        Message reply = NetRequest.Ping.reply(all);
        assertTrue(reply.size() <= Message.MAX_INLINE, reply.size() + " bytes");
        assertEquals(all, new NetRequest.Ping(0x0a00020f, NetRequest.MAX_PINGS, 56, 0, 1000).decodeReply(reply));
    }
}
