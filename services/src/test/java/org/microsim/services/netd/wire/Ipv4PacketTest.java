package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class Ipv4PacketTest {
    /** UDP from 192.168.0.1 to 192.168.0.199, DF, TTL 64, 95 bytes of data; b861 is its real checksum. */
    private static final byte[] HEADER = HexFormat.of().parseHex("4500007300004000" + "4011b861c0a80001c0a800c7");

    private static byte[] knownPacket(int padding) {
        return Arrays.copyOf(HEADER, 0x73 + padding);
    }

    @Example
    void aKnownPacket() throws MalformedPacketException {
        Ipv4Packet p = Ipv4Packet.parse(knownPacket(0));
        assertEquals(Ipv4Addr.parse("192.168.0.1"), p.src());
        assertEquals(Ipv4Addr.parse("192.168.0.199"), p.dst());
        assertEquals(Ipv4Packet.PROTOCOL_UDP, p.protocol());
        assertTrue(p.dontFragment());
        assertFalse(p.isFragment());
        assertEquals(64, p.ttl());
        assertEquals(95, p.payload().length);
        assertArrayEquals(knownPacket(0), p.encode());
    }

    @Example
    void ethernetPaddingAfterTheTotalLengthIsDropped() throws MalformedPacketException {
        assertEquals(Ipv4Packet.parse(knownPacket(0)), Ipv4Packet.parse(knownPacket(17)));
    }

    @Example
    void eachBrokenHeaderIsRefusedSayingWhy() {
        assertEquals("IPv4 packet is 19 bytes, shorter than its 20-byte header", reason(Arrays.copyOf(HEADER, 19)));
        assertEquals("IP version 6 is not 4", reason(patched(0, 0x65)));
        assertEquals("IPv4 header length 16 is less than 20", reason(patched(0, 0x44)));
        assertEquals("IPv4 total length 115 exceeds the 114 bytes received",
                reason(Arrays.copyOf(knownPacket(0), 0x72)));
        assertEquals("IPv4 header checksum is wrong", reason(patched(8, 63)));
        byte[] shortTotal = patched(3, 19);
        Bytes.put16(shortTotal, 10, 0);
        Bytes.put16(shortTotal, 10, Checksum.of(shortTotal, 0, 20));
        assertEquals("IPv4 total length 19 is less than its 20-byte header", reason(shortTotal));
    }

    @Example
    void aFragmentEndingPastTheLargestDatagramIsRefused() {
        // The "ping of death": offset 65528 plus 95 bytes would reassemble to more than 65535.
        byte[] b = knownPacket(0);
        Bytes.put16(b, 6, 0x1fff);
        Bytes.put16(b, 10, 0);
        Bytes.put16(b, 10, Checksum.of(b, 0, 20));
        assertEquals("IPv4 fragment at offset 65528 with 95 bytes ends past the largest datagram", reason(b));
    }

    private static byte[] patched(int at, int value) {
        byte[] b = knownPacket(0);
        b[at] = (byte) value;
        return b;
    }

    private static String reason(byte[] b) {
        return assertThrows(MalformedPacketException.class, () -> Ipv4Packet.parse(b)).getMessage();
    }

    @Property
    void aPacketRoundTrips(@ForAll("packets") Ipv4Packet p) throws MalformedPacketException {
        byte[] wire = p.encode();
        assertEquals(p.totalLength(), wire.length);
        assertEquals(p, Ipv4Packet.parse(wire));
    }

    /**
     * A packet read in place, where it lies in a frame with bytes before it and padding after, is the packet read
     * alone; and the header written in place by {@link Ipv4Packet#writeHeader} is the one {@link Ipv4Packet#of}
     * encodes.
     */
    @Property
    void theInPlaceFormsAgreeWithTheCopyingOnes(@ForAll("packets") Ipv4Packet p, @ForAll @IntRange(max = 40)
            int before, @ForAll @IntRange(max = 40) int padding) throws MalformedPacketException {
        byte[] wire = p.encode();
        byte[] frame = new byte[before + wire.length + padding];
        System.arraycopy(wire, 0, frame, before, wire.length);
        Ipv4Packet.Header h = Ipv4Packet.parseHeader(frame, before, wire.length + padding);
        assertEquals(p, h.packet(frame));
        assertEquals(before + p.headerLength(), h.payloadOffset());
        assertEquals(p.payload().length, h.payloadLength());

        Ipv4Packet plain = Ipv4Packet.of(p.protocol(), p.src(), p.dst(), p.identification(), p.payload());
        byte[] inPlace = new byte[before + plain.totalLength()];
        System.arraycopy(p.payload(), 0, inPlace, before + Ipv4Packet.MIN_HEADER_LENGTH, p.payload().length);
        Ipv4Packet.writeHeader(inPlace, before, p.protocol(), p.src(), p.dst(), p.identification(),
                p.payload().length);
        assertArrayEquals(plain.encode(), Arrays.copyOfRange(inPlace, before, inPlace.length));
    }

    @Property
    void fragmentsFitTheMtuAndCarryTheDataInOrder(@ForAll("packets") Ipv4Packet p,
            @ForAll @IntRange(min = 68, max = 1500) int mtu) {
        Ipv4Packet whole = withoutDontFragment(p);
        List<Ipv4Packet> fragments = whole.fragment(mtu);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < fragments.size(); i++) {
            Ipv4Packet f = fragments.get(i);
            boolean last = i == fragments.size() - 1;
            assertTrue(f.totalLength() <= mtu || fragments.size() == 1 && f.equals(whole), f::toString);
            assertEquals(whole.fragmentOffset() + data.size(), f.fragmentOffset());
            assertEquals(last ? whole.moreFragments() : true, f.moreFragments());
            assertTrue(last || f.payload().length % 8 == 0);
            assertEquals(i == 0 ? whole.options().length : copiedOptions(whole.options()), f.options().length);
            assertEquals(List.of(whole.identification(), whole.protocol(), whole.src(), whole.dst(), whole.ttl()),
                    List.of(f.identification(), f.protocol(), f.src(), f.dst(), f.ttl()));
            data.writeBytes(f.payload());
        }
        assertArrayEquals(whole.payload(), data.toByteArray());
    }

    @Example
    void onlyOptionsMarkedCopiedGoIntoLaterFragments() {
        // A copied option (type 0x83, loose source route, 7 bytes), a NOP, a not-copied one (type 7, record
        // route, 3 bytes) and end-of-list: later fragments carry the first alone, padded to 8 bytes. With an MTU
        // of 68 that leaves 68 - 32 rounded down to 32 bytes of data in the first, 68 - 28 = 40 in the next.
        byte[] options = {(byte) 0x83, 7, 4, 10, 0, 0, 1, 1, 7, 3, 4, 0};
        Ipv4Packet p = new Ipv4Packet(0, 1, false, false, 0, 64, 17, Ipv4Addr.ANY, Ipv4Addr.BROADCAST, options,
                new byte[100]);
        List<Ipv4Packet> fragments = p.fragment(68);
        assertArrayEquals(options, fragments.get(0).options());
        assertArrayEquals(new byte[] {(byte) 0x83, 7, 4, 10, 0, 0, 1, 0}, fragments.get(1).options());
        assertEquals(32, fragments.get(0).payload().length);
        assertEquals(40, fragments.get(1).payload().length);
    }

    @Example
    void aPacketThatMayNotBeFragmentedIsNotCut() {
        Ipv4Packet p = new Ipv4Packet(0, 1, true, false, 0, 64, 17, Ipv4Addr.ANY, Ipv4Addr.BROADCAST, new byte[0],
                new byte[100]);
        assertEquals(List.of(p), p.fragment(120));
        assertThrows(IllegalArgumentException.class, () -> p.fragment(119));
        assertThrows(IllegalArgumentException.class, () -> withoutDontFragment(p).fragment(67));
    }

    /** The length the fragment code should keep of these options, computed the slow way for the known types. */
    private static int copiedOptions(byte[] options) {
        int copied = 0;
        for (int i = 0; i < options.length && options[i] != 0; ) {
            int type = options[i] & 0xff;
            if (type == 1) {
                i++;
                continue;
            }
            int length = i + 1 < options.length ? options[i + 1] & 0xff : 0;
            if (length < 2 || i + length > options.length) {
                break;
            }
            if (type >= 0x80) {
                copied += length;
            }
            i += length;
        }
        return (copied + 3) / 4 * 4;
    }

    static Ipv4Packet withoutDontFragment(Ipv4Packet p) {
        return new Ipv4Packet(p.tos(), p.identification(), false, p.moreFragments(), p.fragmentOffset(), p.ttl(),
                p.protocol(), p.src(), p.dst(), p.options(), p.payload());
    }

    @Provide
    Arbitrary<Ipv4Packet> packets() {
        return WireArbitraries.ipv4Packets(3000);
    }
}
