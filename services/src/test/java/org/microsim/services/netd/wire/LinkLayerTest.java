package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Ethernet frames and ARP. */
class LinkLayerTest {
    /** "Who has 10.0.2.2? Tell 10.0.2.15" from 52:54:00:12:34:56, as a NIC receives it: padded to 60 bytes. */
    private static final byte[] ARP_REQUEST_FRAME = HexFormat.of().parseHex(
            "ffffffffffff" + "525400123456" + "0806"
                    + "0001" + "0800" + "06" + "04" + "0001"
                    + "525400123456" + "0a00020f" + "000000000000" + "0a000202"
                    + "000000000000000000000000000000000000");

    @Example
    void aRealArpRequestFrame() throws MalformedPacketException {
        EthernetFrame frame = EthernetFrame.parse(ARP_REQUEST_FRAME);
        assertEquals(MacAddr.BROADCAST, frame.dst());
        assertEquals(MacAddr.parse("52:54:00:12:34:56"), frame.src());
        assertEquals(EthernetFrame.ETHERTYPE_ARP, frame.etherType());
        assertEquals(46, frame.payload().length); // the padding stays; ARP knows its own length
        ArpPacket arp = ArpPacket.parse(frame.payload());
        assertEquals(ArpPacket.request(MacAddr.parse("52:54:00:12:34:56"), Ipv4Addr.parse("10.0.2.15"),
                Ipv4Addr.parse("10.0.2.2")), arp);
        assertArrayEquals(ARP_REQUEST_FRAME, new EthernetFrame(frame.dst(), frame.src(), frame.etherType(),
                arp.encode()).encode());
    }

    @Example
    void aReplyAnswersTheAskerFromTheOwner() {
        ArpPacket request = ArpPacket.request(MacAddr.parse("52:54:00:12:34:56"), Ipv4Addr.parse("10.0.2.15"),
                Ipv4Addr.parse("10.0.2.2"));
        ArpPacket reply = request.reply(MacAddr.parse("52:55:0a:00:02:02"));
        assertEquals(new ArpPacket(ArpPacket.REPLY, MacAddr.parse("52:55:0a:00:02:02"), Ipv4Addr.parse("10.0.2.2"),
                MacAddr.parse("52:54:00:12:34:56"), Ipv4Addr.parse("10.0.2.15")), reply);
    }

    @Example
    void arpForAnythingButEthernetAndIpv4IsMalformed() {
        byte[] arp = Arrays.copyOfRange(ARP_REQUEST_FRAME, 14, 42);
        arp[2] = (byte) 0x86; // protocol type 0x86dd, IPv6
        arp[3] = (byte) 0xdd;
        assertEquals("ARP for hardware type 1, protocol 0x86dd, address lengths 6 and 4 is not Ethernet/IPv4",
                assertThrows(MalformedPacketException.class, () -> ArpPacket.parse(arp)).getMessage());
        byte[] rarp = Arrays.copyOfRange(ARP_REQUEST_FRAME, 14, 42);
        rarp[7] = 3;
        assertEquals("ARP operation 3 is not request (1) or reply (2)",
                assertThrows(MalformedPacketException.class, () -> ArpPacket.parse(rarp)).getMessage());
        assertEquals("ARP packet is 27 bytes, shorter than its 28-byte header", assertThrows(
                MalformedPacketException.class, () -> ArpPacket.parse(Arrays.copyOf(arp, 27))).getMessage());
    }

    @Example
    void aShortFrameIsPaddedAndATooShortOneRefused() {
        byte[] frame = new EthernetFrame(MacAddr.BROADCAST, MacAddr.ZERO, 0x0800, new byte[] {1, 2}).encode();
        assertEquals(60, frame.length);
        assertEquals(1, frame[14]);
        assertEquals(0, frame[59]);
        assertEquals(1514, new EthernetFrame(MacAddr.BROADCAST, MacAddr.ZERO, 0x0800, new byte[1500]).encode().length);
        assertEquals("Ethernet frame is 13 bytes, shorter than its 14-byte header",
                assertThrows(MalformedPacketException.class, () -> EthernetFrame.parse(new byte[13])).getMessage());
    }

    @Example
    void payloadsAreCopiedInAndOut() {
        byte[] data = {1, 2, 3};
        EthernetFrame frame = new EthernetFrame(MacAddr.BROADCAST, MacAddr.ZERO, 0x0800, data);
        data[0] = 9;
        frame.payload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, frame.payload());
    }

    @Property
    void aFrameRoundTripsUpToItsPadding(@ForAll("frames") EthernetFrame frame) throws MalformedPacketException {
        EthernetFrame back = EthernetFrame.parse(frame.encode());
        assertEquals(frame.dst(), back.dst());
        assertEquals(frame.src(), back.src());
        assertEquals(frame.etherType(), back.etherType());
        byte[] payload = back.payload();
        assertArrayEquals(frame.payload(), Arrays.copyOf(payload, frame.payload().length));
        assertEquals(Math.max(46, frame.payload().length), payload.length);
        assertArrayEquals(new byte[payload.length - frame.payload().length],
                Arrays.copyOfRange(payload, frame.payload().length, payload.length));
    }

    @Property
    void anArpPacketRoundTrips(@ForAll("arps") ArpPacket arp) throws MalformedPacketException {
        assertEquals(arp, ArpPacket.parse(arp.encode()));
    }

    @Provide
    Arbitrary<EthernetFrame> frames() {
        return WireArbitraries.ethernetFrames();
    }

    @Provide
    Arbitrary<ArpPacket> arps() {
        return WireArbitraries.arpPackets();
    }
}
