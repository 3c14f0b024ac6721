package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DhcpMessageTest {
    private static final MacAddr CLIENT = MacAddr.parse("52:54:00:12:34:56");
    private static final String ZEROS_16 = "00".repeat(16);

    /** The fixed part of a client's broadcast DISCOVER, field by field, up to and including the magic cookie. */
    private static String discoverHeader() {
        return "01" + "01" + "06" + "00" // op BOOTREQUEST, htype Ethernet, hlen 6, hops
                + "3903f326" // xid
                + "0000" + "8000" // secs, flags: broadcast
                + "00000000" + "00000000" + "00000000" + "00000000" // ciaddr, yiaddr, siaddr, giaddr
                + "525400123456" + "00".repeat(10) // chaddr, padded to 16 bytes
                + "00".repeat(64) + "00".repeat(128) // sname, file
                + "63825363"; // magic cookie 99.130.83.99
    }

    private static final byte[] DISCOVER = HexFormat.of().parseHex(discoverHeader()
            + "350101" // 53 message type: DISCOVER
            + "3d0701525400123456" // 61 client id: type 1 (Ethernet), the MAC
            + "0c08" + "6d6963726f73696d" // 12 host name "microsim"
            + "370401030633" // 55 parameter request list: mask, router, DNS, lease time
            + "ff" // end
            + "00".repeat(31)); // padding to 300

    private static DhcpMessage discover() {
        DhcpOptions options = DhcpOptions.EMPTY.withMessageType(DhcpMessage.DISCOVER)
                .withClientId(HexFormat.of().parseHex("01525400123456")).withHostName("microsim")
                .withParameterRequestList(1, 3, 6, 51);
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, 0x3903f326, 0, DhcpMessage.FLAG_BROADCAST, Ipv4Addr.ANY,
                Ipv4Addr.ANY, Ipv4Addr.ANY, Ipv4Addr.ANY, CLIENT, options);
    }

    @Example
    void aDiscoverBuiltFieldByField() throws MalformedPacketException {
        assertEquals(300, DISCOVER.length);
        assertArrayEquals(DISCOVER, discover().encode());
        DhcpMessage parsed = DhcpMessage.parse(DISCOVER);
        assertEquals(discover(), parsed);
        assertTrue(parsed.broadcast());
        assertEquals(CLIENT, parsed.chaddr());
        assertEquals(OptionalInt.of(DhcpMessage.DISCOVER), parsed.options().messageType());
        assertEquals(Optional.of("microsim"), parsed.options().hostName());
        assertEquals(List.of(1, 3, 6, 51), parsed.options().parameterRequestList());
        assertArrayEquals(HexFormat.of().parseHex("01525400123456"), parsed.options().clientId().orElseThrow());
        assertEquals(Optional.empty(), parsed.options().serverId());
        assertEquals(List.of(), parsed.options().routers());
    }

    @Example
    void anOfferCarriesTheServersOptions() throws MalformedPacketException {
        Ipv4Addr server = Ipv4Addr.parse("10.0.2.2");
        DhcpOptions options = DhcpOptions.EMPTY.withMessageType(DhcpMessage.OFFER).withServerId(server)
                .withLeaseTime(86400).withSubnetMask(Ipv4Addr.parse("255.255.255.0")).withRouters(List.of(server))
                .withDnsServers(List.of(Ipv4Addr.parse("10.0.2.3"), Ipv4Addr.parse("8.8.8.8")))
                .withRenewalTime(43200).withRebindingTime(75600).withRequestedIp(Ipv4Addr.parse("10.0.2.15"));
        DhcpMessage offer = new DhcpMessage(DhcpMessage.BOOTREPLY, 0x3903f326, 0, 0, Ipv4Addr.ANY,
                Ipv4Addr.parse("10.0.2.15"), server, Ipv4Addr.ANY, CLIENT, options);
        byte[] wire = offer.encode();
        // 53, 54, 51, 1, 3, 6 (two addresses), 58, 59, 50, in that order, after the cookie.
        assertEquals("350102" + "36040a000202" + "330400015180" + "0104ffffff00" + "03040a000202"
                + "06080a00020308080808" + "3a040000a8c0" + "3b0400012750" + "32040a00020f" + "ff",
                HexFormat.of().formatHex(Arrays.copyOfRange(wire, 240, 240 + 56)));
        DhcpOptions back = DhcpMessage.parse(wire).options();
        assertEquals(OptionalLong.of(86400), back.leaseTime());
        assertEquals(OptionalLong.of(43200), back.renewalTime());
        assertEquals(OptionalLong.of(75600), back.rebindingTime());
        assertEquals(Optional.of(server), back.serverId());
        assertEquals(Optional.of(Ipv4Addr.parse("255.255.255.0")), back.subnetMask());
        assertEquals(Optional.of(Ipv4Addr.parse("10.0.2.15")), back.requestedIp());
        assertEquals(List.of(Ipv4Addr.parse("10.0.2.3"), Ipv4Addr.parse("8.8.8.8")), back.dnsServers());
        assertFalse(DhcpMessage.parse(wire).broadcast());
        assertEquals(OptionalLong.of(DhcpOptions.INFINITE_LEASE),
                DhcpOptions.EMPTY.withLeaseTime(DhcpOptions.INFINITE_LEASE).leaseTime());
    }

    @Example
    void padIsSkippedAndNothingAfterEndIsRead() throws MalformedPacketException {
        byte[] wire = HexFormat.of().parseHex(discoverHeader() + "00" + "350103" + "0000" + "ff" + "350105" + "0133");
        assertEquals(OptionalInt.of(DhcpMessage.REQUEST), DhcpMessage.parse(wire).options().messageType());
        assertEquals(List.of(DhcpOptions.MESSAGE_TYPE),
                List.copyOf(DhcpMessage.parse(wire).options().asMap().keySet()));
    }

    @Example
    void aValueOver255BytesTravelsAsSeveralInstances() throws MalformedPacketException {
        byte[] value = new byte[300];
        Arrays.fill(value, (byte) 'x');
        DhcpMessage m = discover();
        m = new DhcpMessage(m.op(), m.xid(), m.secs(), m.flags(), m.ciaddr(), m.yiaddr(), m.siaddr(), m.giaddr(),
                m.chaddr(), DhcpOptions.EMPTY.with(224, value));
        byte[] wire = m.encode();
        assertEquals(0xe0, wire[240] & 0xff);
        assertEquals(255, wire[241] & 0xff);
        assertEquals(0xe0, wire[240 + 257] & 0xff);
        assertEquals(45, wire[240 + 258]);
        assertEquals(m, DhcpMessage.parse(wire));
        // RFC 3396: instances of one code are joined, wherever they are.
        byte[] split = HexFormat.of().parseHex(discoverHeader() + "0c036d6963" + "350101" + "0c05726f73696d" + "ff");
        assertEquals(Optional.of("microsim"), DhcpMessage.parse(split).options().hostName());
    }

    @Example
    void eachMalformedMessageSaysWhy() {
        assertEquals("DHCP message is 239 bytes, shorter than its 240-byte header",
                reason(Arrays.copyOf(DISCOVER, 239)));
        assertEquals("DHCP options have no end option (255)", reason(Arrays.copyOf(DISCOVER, 240 + 3)));
        assertEquals("DHCP option 61 runs past the end of the message", reason(Arrays.copyOf(DISCOVER, 240 + 5)));
        assertEquals("DHCP option 61 runs past the end of the message", reason(Arrays.copyOf(DISCOVER, 240 + 4)));
        assertEquals("DHCP option overload (52) is not supported", withOptions("340101ff"));
        assertEquals("DHCP message type 9 is not one of 1 to 8", withOptions("350109ff"));
        assertEquals("DHCP option 51 (lease time) is 3 bytes, not 4", withOptions("3303000001ff"));
        assertEquals("DHCP option 3 (router) is 6 bytes, not a multiple of 4", withOptions("03060a0002020000ff"));
        assertEquals("DHCP option 61 (client identifier) is 1 bytes, not at least 2", withOptions("3d0101ff"));
        byte[] badCookie = DISCOVER.clone();
        badCookie[239] = 0x64;
        assertEquals("DHCP magic cookie is not 99.130.83.99", reason(badCookie));
        byte[] tokenRing = DISCOVER.clone();
        tokenRing[1] = 6;
        assertEquals("DHCP for hardware type 6 with 6-byte addresses is not Ethernet", reason(tokenRing));
        byte[] badOp = DISCOVER.clone();
        badOp[0] = 3;
        assertEquals("DHCP op 3 is not request (1) or reply (2)", reason(badOp));
    }

    private static String withOptions(String options) {
        return reason(HexFormat.of().parseHex(discoverHeader() + options));
    }

    private static String reason(byte[] b) {
        return assertThrows(MalformedPacketException.class, () -> DhcpMessage.parse(b)).getMessage();
    }

    @Example
    void settingAnOptionChecksItToo() {
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.with(0, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.with(255, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.with(52, new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.withMessageType(0));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.withLeaseTime(-1));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.withRouters(List.of()));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.EMPTY.withHostName("café"));
        DhcpOptions set = DhcpOptions.EMPTY.withMessageType(1).withHostName("a").withMessageType(3);
        assertEquals(List.of(53, 12), List.copyOf(set.asMap().keySet()), "a value set again keeps its place");
        assertEquals(OptionalInt.of(3), set.messageType());
    }

    @Property
    void aMessageRoundTrips(@ForAll("messages") DhcpMessage m) throws MalformedPacketException {
        byte[] wire = m.encode();
        assertTrue(wire.length >= 300);
        assertEquals(m, DhcpMessage.parse(wire));
    }

    @Provide
    Arbitrary<DhcpMessage> messages() {
        return WireArbitraries.dhcpMessages();
    }
}
