package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever arrives, a parser answers with a value or a {@link MalformedPacketException}, never another exception
 * (an index out of bounds in netd would be a crash a peer can cause); and a flipped bit in a checksummed region
 * is always caught.
 */
class CorruptionTest {
    private static final Ipv4Addr SRC = Ipv4Addr.parse("10.0.2.15");
    private static final Ipv4Addr DST = Ipv4Addr.parse("10.0.2.2");

    /** A parser under test; UDP's is given fixed addresses for its pseudo-header. */
    enum Kind {
        ETHERNET(EthernetFrame::parse),
        ARP(ArpPacket::parse),
        IPV4(Ipv4Packet::parse),
        ICMP(IcmpMessage::parse),
        UDP(b -> UdpDatagram.parse(b, SRC, DST)),
        DHCP(DhcpMessage::parse);

        final Parser parser;

        Kind(Parser parser) {
            this.parser = parser;
        }
    }

    interface Parser {
        Object parse(byte[] b) throws MalformedPacketException;
    }

    record Encoded(Kind kind, byte[] bytes) {
        @Override
        public String toString() {
            return kind + " " + HexFormat.of().formatHex(bytes);
        }
    }

    private static void parsesOrIsMalformed(Kind kind, byte[] b) {
        try {
            kind.parser.parse(b);
        } catch (MalformedPacketException e) {
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Property
    void randomBytesAreAPacketOrMalformed(@ForAll Kind kind, @ForAll @Size(max = 400) byte[] b) {
        parsesOrIsMalformed(kind, b);
    }

    @Property
    void aTruncatedPacketIsAPacketOrMalformed(@ForAll("encodings") Encoded e,
            @ForAll @IntRange(max = 1 << 16) int cut) {
        parsesOrIsMalformed(e.kind(), Arrays.copyOf(e.bytes(), cut % (e.bytes().length + 1)));
    }

    @Property
    void aPacketWithFlippedBitsIsAPacketOrMalformed(@ForAll("encodings") Encoded e,
            @ForAll @Size(min = 1, max = 8) int[] bits) {
        byte[] b = e.bytes();
        for (int bit : bits) {
            flip(b, Math.floorMod(bit, b.length * 8));
        }
        parsesOrIsMalformed(e.kind(), b);
    }

    /**
     * Headers with random bytes that still pass the checksum, so that parsing gets past it to the length and
     * offset checks.
     */
    @Property
    void anIpv4HeaderWithRandomFieldsAndARightChecksumIsAPacketOrMalformed(@ForAll("ipv4") Ipv4Packet p,
            @ForAll @Size(min = 1, max = 6) int[] positions, @ForAll byte value) {
        byte[] b = p.encode();
        for (int at : positions) {
            b[Math.floorMod(at, p.headerLength())] = value;
        }
        int headerLength = Math.min((b[0] & 0xf) * 4, b.length);
        Bytes.put16(b, 10, 0);
        Bytes.put16(b, 10, Checksum.of(b, 0, headerLength));
        parsesOrIsMalformed(Kind.IPV4, b);
    }

    /**
     * Any bit of the header but the header length's: a different header length sums a different region, which
     * may happen to sum right (a 1 in 65536 chance), so a flip there is caught only by the other checks.
     */
    @Property
    void aFlippedBitInAnIpv4HeaderIsCaught(@ForAll("ipv4") Ipv4Packet p, @ForAll @IntRange(max = 479) int bit) {
        byte[] b = p.encode();
        int at = bit % (p.headerLength() * 8 - 4);
        flip(b, at < 4 ? at : at + 4); // bits 0-3 are the version, 4-7 the header length
        assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(b));
    }

    @Property
    void aFlippedBitInAnIcmpMessageIsCaught(@ForAll("icmp") IcmpMessage m, @ForAll @IntRange(max = 1 << 20) int bit) {
        byte[] b = m.encode();
        flip(b, bit % (b.length * 8));
        assertEquals("ICMP checksum is wrong",
                assertThrows(MalformedPacketException.class, () -> IcmpMessage.parse(b)).getMessage());
    }

    /**
     * Any bit but the length's (a shorter length sums a shorter region, which may happen to sum right). One flip
     * goes through: a checksum field that becomes 0, "no checksum", over the same datagram.
     */
    @Property
    void aFlippedBitInAUdpDatagramIsCaught(@ForAll("udp") UdpDatagram d, @ForAll @IntRange(max = 1 << 20) int bit)
            throws MalformedPacketException {
        byte[] b = d.encode(SRC, DST);
        int at = bit % (b.length * 8 - 16);
        flip(b, at < 32 ? at : at + 16);
        if (Bytes.u16(b, 6) == 0) {
            assertEquals(d, UdpDatagram.parse(b, SRC, DST));
        } else {
            assertThrows(MalformedPacketException.class, () -> UdpDatagram.parse(b, SRC, DST));
        }
    }

    private static void flip(byte[] b, int bit) {
        b[bit / 8] ^= (byte) (0x80 >>> bit % 8);
    }

    @Provide
    Arbitrary<Encoded> encodings() {
        return Arbitraries.oneOf(
                WireArbitraries.ethernetFrames().map(f -> new Encoded(Kind.ETHERNET, f.encode())),
                WireArbitraries.arpPackets().map(a -> new Encoded(Kind.ARP, a.encode())),
                WireArbitraries.ipv4Packets(600).map(p -> new Encoded(Kind.IPV4, p.encode())),
                WireArbitraries.icmpMessages().map(m -> new Encoded(Kind.ICMP, m.encode())),
                WireArbitraries.udpDatagrams().map(d -> new Encoded(Kind.UDP, d.encode(SRC, DST))),
                WireArbitraries.dhcpMessages().map(m -> new Encoded(Kind.DHCP, m.encode())));
    }

    @Provide
    Arbitrary<Ipv4Packet> ipv4() {
        return WireArbitraries.ipv4Packets(100);
    }

    @Provide
    Arbitrary<IcmpMessage> icmp() {
        return WireArbitraries.icmpMessages();
    }

    @Provide
    Arbitrary<UdpDatagram> udp() {
        return WireArbitraries.udpDatagrams();
    }
}
