package org.microsim.services.netd.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MalformedPacketException;

/**
 * The MSS of a host whose routes have different MTUs: each connection announces its route's (MTU - 40) and sends
 * at most the lesser of that and the peer's (RFC 9293 3.7.1).
 */
class MssTest {
    private static final TcpConfig NO_DELAY = TcpConfig.DEFAULT.withDelayedAck(0);
    private final Random isns = new Random(9);

    private TcpHost host(int mss) {
        return new TcpHost(isns::nextLong, NO_DELAY, remote -> mss, 0, 0);
    }

    /** a's route has MTU 9000; b's {@code bMss}: the handshake, then 40,000 bytes from a, segment by segment. */
    private List<TcpSegment> transfer(TcpHost a, TcpHost b, int expectedMss) throws MalformedPacketException {
        b.listen(Ipv4Addr.ANY, 80, 4);
        TcpConnection c = a.connect(Wire.A, Wire.B, 80, 0);
        TcpSegment syn = Wire.only(Wire.deliver(a, b, 1));
        assertEquals(8960, syn.mss(), "the route's MTU less 40");
        Wire.deliver(b, a, 2);
        Wire.deliver(a, b, 3);
        assertEquals(expectedMss, c.sender().mss());
        c.send(new byte[40_000], 0, 40_000);
        List<TcpSegment> data = Wire.deliver(a, b, 4);
        assertTrue(data.stream().allMatch(s -> s.length() <= expectedMss), "segments fit " + expectedMss);
        return data;
    }

    @Example
    void bothAtMtu9000SendSegmentsOf8960() throws MalformedPacketException {
        List<TcpSegment> data = transfer(host(8960), host(8960), 8960);
        assertEquals(8960, data.getFirst().length());
    }

    @Example
    void aPeerAt1500HoldsSegmentsTo1460() throws MalformedPacketException {
        TcpHost b = new TcpHost(isns::nextLong, NO_DELAY);
        List<TcpSegment> data = transfer(host(8960), b, 1460);
        assertEquals(1460, data.getFirst().length());
    }

    @Example
    void aRouteMssOutOfRangeIsClamped() throws MalformedPacketException {
        TcpHost a = host(10);
        a.connect(Wire.A, Wire.B, 80, 0);
        assertEquals(64, Wire.only(Wire.deliver(a, new TcpHost(isns::nextLong, NO_DELAY), 1)).mss());
    }
}
