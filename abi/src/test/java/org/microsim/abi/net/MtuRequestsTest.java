package org.microsim.abi.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;

/** SET_MTU of the Ethernet and network protocols, and the MTU in an interface's row, on the wire and back. */
class MtuRequestsTest {
    @Test
    void setMtuRoundTripsInBothProtocols() throws MalformedException {
        Message eth = new EthRequest.SetMtu(9000).toMessage();
        assertEquals(EthRequest.SET_MTU, eth.msgId());
        assertEquals(new EthRequest.SetMtu(9000), EthRequest.decode(eth));
        Message net = new NetRequest.SetMtu("eth0", 9000).toMessage();
        assertEquals(NetRequest.SET_MTU, net.msgId());
        assertEquals(new NetRequest.SetMtu("eth0", 9000), NetRequest.decode(net));
        assertThrows(IllegalArgumentException.class, () -> new EthRequest.SetMtu(0x10000));
        assertThrows(MalformedException.class, () -> EthRequest.decode(Message.of(EthRequest.SET_MTU, new byte[3])));
    }

    @Test
    void theLargestFrameFollowsTheMtu() {
        assertEquals(1514, EthRequest.maxFrame(EthRequest.DEFAULT_MTU));
        assertEquals(9014, EthRequest.maxFrame(9000));
        assertEquals(16124, EthRequest.MAX_FRAME, "Linux e1000's 16128-byte frame less the FCS");
        assertEquals(9014, EthFrames.pack(List.of(new byte[9014])).length - 2);
    }

    @Test
    void anInterfaceRowCarriesItsMtu() throws MalformedException {
        NetTables.Interface row = new NetTables.Interface("eth0", 0x525400123456L, true, 0x0a00020f, 24, 0x0a000202,
                "static", "up", 1, 2, 3, 0, 9000);
        List<NetTables.Interface> back = new NetRequest.Interfaces().decodeReply(NetRequest.Interfaces.reply(
                List.of(row)));
        assertEquals(List.of(row), back);
    }
}
