package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class AddressesTest {
    @Example
    void macAddressesReadAndPrintTheUsualNotation() {
        MacAddr mac = MacAddr.parse("52:54:00:12:34:56");
        assertEquals(0x5254_0012_3456L, mac.value());
        assertEquals("52:54:00:12:34:56", mac.toString());
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddr.BROADCAST.toString());
        assertEquals("0a:0b:0c:0d:0e:0f", MacAddr.parse("0A:0B:0C:0D:0E:0F").toString());
    }

    @Example
    void theLowBitOfTheFirstOctetMakesAGroupAddress() {
        assertTrue(MacAddr.BROADCAST.isMulticast());
        assertTrue(MacAddr.parse("01:00:5e:00:00:01").isMulticast());
        assertFalse(MacAddr.parse("52:54:00:12:34:56").isMulticast());
        assertFalse(MacAddr.parse("fe:ff:ff:ff:ff:ff").isMulticast());
    }

    @Example
    void aMalformedMacAddressIsRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52-54-00-12-34-56",
                "52:54:00:12:34:5g", "5:54:00:12:34:567", "52:54:00:12:34:56:"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddr.parse(bad), bad);
            assertTrue(e.getMessage().contains("52:54:00:12:34:56"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new MacAddr(1L << 48));
    }

    @Property
    void aMacAddressPrintsToWhatParsesBack(@ForAll("macs") MacAddr mac) {
        assertEquals(mac, MacAddr.parse(mac.toString()));
    }

    @Example
    void ipv4AddressesReadAndPrintDottedDecimal() {
        assertEquals(0x0a00_020f, Ipv4Addr.parse("10.0.2.15").value());
        assertEquals("10.0.2.15", new Ipv4Addr(0x0a00_020f).toString());
        assertEquals("255.255.255.255", Ipv4Addr.BROADCAST.toString());
        assertEquals("0.0.0.0", Ipv4Addr.ANY.toString());
        assertEquals(Ipv4Addr.BROADCAST, Ipv4Addr.parse("255.255.255.255"));
    }

    @Example
    void aMalformedIpv4AddressIsRefusedSayingWhy() {
        assertEquals("not an IPv4 address: \"10.0.2\": has 3 parts, not 4", message("10.0.2"));
        assertEquals("not an IPv4 address: \"10.0.2.256\": 256 is more than 255", message("10.0.2.256"));
        assertEquals("not an IPv4 address: \"10.0.02.1\": \"02\" has a leading zero", message("10.0.02.1"));
        assertEquals("not an IPv4 address: \"10..2.1\": \"\" is not a number from 0 to 255", message("10..2.1"));
        assertEquals("not an IPv4 address: \"10.-1.2.1\": \"-1\" is not a number from 0 to 255",
                message("10.-1.2.1"));
        assertEquals("not an IPv4 address: \"1.2.3.4.\": has 5 parts, not 4", message("1.2.3.4."));
        assertEquals("not an IPv4 address: \"1.2.3.1000\": \"1000\" is not a number from 0 to 255",
                message("1.2.3.1000"));
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Ipv4Addr.parse(text)).getMessage();
    }

    @Property
    void anIpv4AddressPrintsToWhatParsesBack(@ForAll("ipv4s") Ipv4Addr address) {
        assertEquals(address, Ipv4Addr.parse(address.toString()));
    }

    @Example
    void subnetMembershipLooksOnlyAtThePrefix() {
        Ipv4Addr host = Ipv4Addr.parse("10.0.2.15");
        assertTrue(host.inSubnet(Ipv4Addr.parse("10.0.2.0"), 24));
        assertTrue(host.inSubnet(Ipv4Addr.parse("10.0.2.2"), 24));
        assertFalse(host.inSubnet(Ipv4Addr.parse("10.0.3.0"), 24));
        assertTrue(host.inSubnet(Ipv4Addr.parse("10.0.3.0"), 23));
        assertTrue(host.inSubnet(Ipv4Addr.parse("192.168.0.1"), 0));
        assertTrue(host.inSubnet(host, 32));
        assertFalse(host.inSubnet(Ipv4Addr.parse("10.0.2.14"), 32));
        assertTrue(Ipv4Addr.parse("200.0.0.1").inSubnet(Ipv4Addr.parse("128.0.0.0"), 1));
        assertFalse(Ipv4Addr.parse("100.0.0.1").inSubnet(Ipv4Addr.parse("128.0.0.0"), 1));
        assertThrows(IllegalArgumentException.class, () -> host.inSubnet(host, 33));
        assertThrows(IllegalArgumentException.class, () -> host.inSubnet(host, -1));
    }

    @Property
    void anAddressIsInASubnetExactlyWhenItsTopBitsAgree(@ForAll("ipv4s") Ipv4Addr a, @ForAll("ipv4s") Ipv4Addr b,
            @ForAll @IntRange(max = 32) int prefix) {
        boolean sameTopBits = Long.toBinaryString(0x1_0000_0000L | a.value() & 0xffff_ffffL).substring(1, 1 + prefix)
                .equals(Long.toBinaryString(0x1_0000_0000L | b.value() & 0xffff_ffffL).substring(1, 1 + prefix));
        assertEquals(sameTopBits, a.inSubnet(b, prefix));
    }

    @Provide
    Arbitrary<MacAddr> macs() {
        return WireArbitraries.macs();
    }

    @Provide
    Arbitrary<Ipv4Addr> ipv4s() {
        return WireArbitraries.ipv4s();
    }
}
