package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** ICMP and UDP. */
class TransportTest {
    private static final Ipv4Addr GUEST = Ipv4Addr.parse("10.0.2.15");
    private static final Ipv4Addr GATEWAY = Ipv4Addr.parse("10.0.2.2");
    /** Port 1234 to 53, data "abc"; the checksum 1e5e was summed by hand over the pseudo-header and all this. */
    private static final byte[] UDP_ABC = HexFormat.of().parseHex("04d20035000b1e5e616263");

    @Example
    void anEchoRequestWithoutData() throws MalformedPacketException {
        // Words 0800 0000 0001 0002 sum to 0803, whose complement is f7fc.
        byte[] wire = IcmpMessage.echoRequest(1, 2, new byte[0]).encode();
        assertArrayEquals(HexFormat.of().parseHex("0800f7fc00010002"), wire);
        IcmpMessage back = IcmpMessage.parse(wire);
        assertEquals(IcmpMessage.ECHO_REQUEST, back.type());
        assertEquals(1, back.identifier());
        assertEquals(2, back.sequence());
    }

    @Example
    void aReplyEchoesIdentifierSequenceAndData() {
        byte[] data = "ping".getBytes(StandardCharsets.US_ASCII);
        IcmpMessage reply = IcmpMessage.echoReply(0xfffe, 7, data);
        assertEquals(new IcmpMessage(IcmpMessage.ECHO_REPLY, 0, 0xfffe_0007, data), reply);
        assertEquals(0xfffe, reply.identifier());
        assertThrows(IllegalArgumentException.class, () -> IcmpMessage.echoRequest(0x10000, 0, data));
    }

    @Example
    void aBrokenIcmpMessageIsRefused() {
        byte[] wire = IcmpMessage.echoRequest(1, 2, new byte[] {5}).encode();
        wire[8] = 6;
        assertEquals("ICMP checksum is wrong", assertThrows(MalformedPacketException.class,
                () -> IcmpMessage.parse(wire)).getMessage());
        assertEquals("ICMP message is 7 bytes, shorter than its 8-byte header", assertThrows(
                MalformedPacketException.class, () -> IcmpMessage.parse(new byte[7])).getMessage());
    }

    @Example
    void aKnownUdpDatagram() throws MalformedPacketException {
        UdpDatagram d = new UdpDatagram(1234, 53, "abc".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(UDP_ABC, d.encode(GUEST, GATEWAY));
        assertEquals(d, UdpDatagram.parse(UDP_ABC, GUEST, GATEWAY));
    }

    @Example
    void theChecksumCoversTheAddresses() {
        // The right bytes delivered to the wrong host fail the pseudo-header.
        assertEquals("UDP checksum is wrong", udpReason(UDP_ABC, GUEST, Ipv4Addr.parse("10.0.2.3")));
    }

    @Example
    void aZeroChecksumMeansNoneAndIsAccepted() throws MalformedPacketException {
        byte[] unchecked = UDP_ABC.clone();
        Bytes.put16(unchecked, 6, 0);
        assertEquals(new UdpDatagram(1234, 53, "abc".getBytes(StandardCharsets.US_ASCII)),
                UdpDatagram.parse(unchecked, Ipv4Addr.ANY, Ipv4Addr.BROADCAST));
    }

    @Example
    void aComputedZeroIsSentAsAllOnes() throws MalformedPacketException {
        // Between 0.0.0.0 and itself, ports 0, length 10: the pseudo-header and header sum to 0011 + 000a + 000a =
        // 0025; the data word ffda brings the sum to ffff, so the checksum computes to 0 and is sent as ffff.
        byte[] data = {(byte) 0xff, (byte) 0xda};
        UdpDatagram d = new UdpDatagram(0, 0, data);
        byte[] wire = d.encode(Ipv4Addr.ANY, Ipv4Addr.ANY);
        assertEquals(0xffff, Bytes.u16(wire, 6));
        assertEquals(d, UdpDatagram.parse(wire, Ipv4Addr.ANY, Ipv4Addr.ANY));
    }

    @Example
    void udpLengthsAreChecked() {
        byte[] tooLong = HexFormat.of().parseHex("04d20035012c0000" + "00".repeat(20));
        assertEquals("UDP length 300 exceeds the 28 bytes left", udpReason(tooLong, GUEST, GATEWAY));
        byte[] tooShort = HexFormat.of().parseHex("04d2003500070000");
        assertEquals("UDP length 7 is less than its 8-byte header", udpReason(tooShort, GUEST, GATEWAY));
        assertEquals("UDP datagram is 7 bytes, shorter than its 8-byte header",
                udpReason(new byte[7], GUEST, GATEWAY));
    }

    @Example
    void bytesAfterTheUdpLengthAreIgnored() throws MalformedPacketException {
        byte[] longer = java.util.Arrays.copyOf(UDP_ABC, UDP_ABC.length + 5);
        assertEquals(UdpDatagram.parse(UDP_ABC, GUEST, GATEWAY), UdpDatagram.parse(longer, GUEST, GATEWAY));
    }

    private static String udpReason(byte[] b, Ipv4Addr src, Ipv4Addr dst) {
        return assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(b, src, dst)).getMessage();
    }

    @Property
    void anIcmpMessageRoundTrips(@ForAll("icmps") IcmpMessage m) throws MalformedPacketException {
        assertEquals(m, IcmpMessage.parse(m.encode()));
    }

    @Property
    void aUdpDatagramRoundTrips(@ForAll("udps") UdpDatagram d, @ForAll("ipv4s") Ipv4Addr src,
            @ForAll("ipv4s") Ipv4Addr dst) throws MalformedPacketException {
        byte[] wire = d.encode(src, dst);
        assertEquals(d, UdpDatagram.parse(wire, src, dst));
    }

    @Provide
    Arbitrary<IcmpMessage> icmps() {
        return WireArbitraries.icmpMessages();
    }

    @Provide
    Arbitrary<UdpDatagram> udps() {
        return WireArbitraries.udpDatagrams();
    }

    @Provide
    Arbitrary<Ipv4Addr> ipv4s() {
        return WireArbitraries.ipv4s();
    }
}
