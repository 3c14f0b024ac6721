package org.microsim.services.netd.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MalformedPacketException;

/** The segment codec: round trips, a known encoding, and every malformed header refused with a reason. */
class SegmentTest {
    private static final Ipv4Addr SRC = Ipv4Addr.parse("10.0.2.15");
    private static final Ipv4Addr DST = Ipv4Addr.parse("10.0.2.2");

    /** A SYN from port 1234 to 80, seq 1, window 65535, MSS 1460 and window scale 7, field by field. */
    @Example
    void aSynWithOptionsHasTheRfcLayout() throws MalformedPacketException {
        TcpSegment syn = new TcpSegment(1234, 80, 1, 0, TcpSegment.SYN, 0xffff, 0, 1460, 7, new byte[0]);
        byte[] b = syn.encode(SRC, DST);
        assertEquals("04d20050" + "00000001" + "00000000" + "7002" + "ffff",
                HexFormat.of().formatHex(b, 0, 16));
        assertEquals("0000" + "020405b4" + "01030307", HexFormat.of().formatHex(b, 18, 28));
        assertEquals(syn, TcpSegment.parse(b, SRC, DST));
        assertEquals("TCP 1234 > 80 [S] seq 1 win 65535 mss 1460 wscale 7 length 0", syn.toString());
    }

    @Example
    void theChecksumIsTheRfc1071SumWithThePseudoHeader() {
        TcpSegment s = new TcpSegment(1, 2, 3, 4, TcpSegment.ACK, 5, 0, -1, -1, new byte[] {(byte) 0xab});
        byte[] b = s.encode(SRC, DST);
        // pseudo-header 0a00 020f 0a00 0202 0006 0015 sums to 0x182c; header 0001 0002 0000 0003 0000 0004 5010
        // 0005 0000 0000 to 0x501f; data ab00. 0x182c + 0x501f + 0xab00 = 0x1134b, folded 0x134c, complement:
        assertEquals(0xecb3, (b[16] & 0xff) << 8 | b[17] & 0xff);
    }

    @Example
    void impossibleHeadersAreRefusedWithAReason() {
        byte[] ok = new TcpSegment(1, 2, 3, 4, TcpSegment.ACK, 5, 0, 1460, -1, new byte[4]).encode(SRC, DST);
        assertEquals("TCP segment is 19 bytes, shorter than its 20-byte header",
                reason(Arrays.copyOf(ok, 19)));
        byte[] small = ok.clone();
        small[12] = 0x40;
        assertEquals("TCP data offset 4 is less than 5 words", reason(small));
        byte[] big = ok.clone();
        big[12] = (byte) 0xf0;
        assertEquals("TCP data offset 60 runs past the 28 bytes received", reason(big));
        byte[] flipped = ok.clone();
        flipped[25] ^= 1;
        assertEquals("TCP checksum is wrong", reason(flipped));
        assertEquals("TCP option 2 has length 5, not 4", reason(withOptions(2, 5, 5, 0xb4, 0, 0, 0, 0)));
        assertEquals("TCP option 9 has length 9, which does not fit in the header",
                reason(withOptions(9, 9, 0, 0)));
        assertEquals("TCP option 9 has length 1, which does not fit in the header", reason(withOptions(9, 1, 0, 0)));
        assertEquals("TCP option 9 has no length byte", reason(withOptions(1, 1, 1, 9)));
        assertEquals("TCP option 8 has length 4, not 10", reason(withOptions(8, 4, 0, 0)));
    }

    @Example
    void otherOptionsAreSkippedAndTheEndOptionStopsTheList() throws MalformedPacketException {
        // SACK-permitted, timestamps, NOPs, window scale, then END and junk after it.
        TcpSegment s = TcpSegment.parse(withOptions(4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 3, 3, 9, 0, 77, 77, 77),
                SRC, DST);
        assertEquals(9, s.windowScale());
        assertEquals(-1, s.mss());
    }

    @Property
    void encodeThenParseGivesTheSameSegment(@ForAll("segments") TcpSegment s) throws MalformedPacketException {
        assertEquals(s, TcpSegment.parse(s.encode(SRC, DST), SRC, DST));
    }

    /**
     * The data path's forms give the same bytes and segments: built at an offset of a bigger buffer (TcpHost's
     * headroom) it is what {@link TcpSegment#encode} gives, and read in place there (a view) it is what parsing a
     * copy gives, whatever lies around it.
     */
    @Property
    void inPlaceEncodingAndParsingAgreeWithTheCopyingOnes(@ForAll("segments") TcpSegment s,
            @ForAll @IntRange(max = 64) int before, @ForAll @IntRange(max = 16) int after)
            throws MalformedPacketException {
        byte[] alone = s.encode(SRC, DST);
        byte[] big = new byte[before + alone.length + after];
        Arrays.fill(big, (byte) 0x5a);
        s.encodeInto(big, before, SRC, DST);
        assertArrayEquals(alone, Arrays.copyOfRange(big, before, before + alone.length));
        TcpSegment view = TcpSegment.parse(big, before, alone.length, SRC, DST);
        assertEquals(s, view);
        assertArrayEquals(s.payload(), view.payload());
        assertEquals(s.toString(), view.toString());
        assertEquals(s.hashCode(), view.hashCode());
    }

    /** A recycled buffer comes back with zeros after the segment: a short frame's padding must be zeros. */
    @Example
    void aRecycledBufferIsZeroedAfterTheSegment() {
        TcpHost host = new TcpHost(() -> 1, TcpConfig.DEFAULT, remote -> TcpConfig.DEFAULT.mss(), 34, 60);
        byte[] used = new byte[60];
        Arrays.fill(used, (byte) 0xff);
        host.recycle(used);
        byte[] again = host.segmentBuffer(20);
        assertSame(used, again);
        assertArrayEquals(new byte[6], Arrays.copyOfRange(again, 54, 60));
        assertNotSame(used, host.segmentBuffer(20)); // it was handed out: the next is new
    }

    @Property
    void theChecksumCatchesAnySingleFlippedBit(@ForAll("segments") TcpSegment s, @ForAll @IntRange(min = 0)
            int bit) {
        byte[] b = s.encode(SRC, DST);
        int at = bit % (b.length * 8);
        b[at / 8] ^= (byte) (1 << at % 8);
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(b, SRC, DST));
    }

    @Property
    void anyBytesParseOrAreMalformed(@ForAll @Size(max = 120) byte[] b) {
        try {
            TcpSegment.parse(b, SRC, DST);
        } catch (MalformedPacketException e) {
            assertFalse(e.reason().isBlank());
        }
    }

    @Property
    void theChecksumCoversTheAddresses(@ForAll("segments") TcpSegment s) {
        assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(s.encode(SRC, DST), SRC,
                Ipv4Addr.parse("10.0.2.3")));
    }

    @Example
    void fieldsOutOfRangeAreRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class,
                () -> new TcpSegment(1, 2, 1L << 32, 0, 0, 0, 0, -1, -1, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new TcpSegment(1, 0x10000, 0, 0, 0, 0, 0, -1, -1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new TcpSegment(1, 2, 0, 0, 0x40, 0, 0, -1, -1,
                new byte[0]));
        byte[] data = {1, 2};
        TcpSegment s = new TcpSegment(1, 2, 0, 0, 0, 0, 0, -1, -1, data);
        data[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, s.payload(), "the payload is copied in");
    }

    @Provide
    Arbitrary<TcpSegment> segments() {
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 0xffff);
        Arbitrary<Long> number = Arbitraries.longs().between(0, 0xffff_ffffL);
        return Combinators.combine(port, port, number, number, Arbitraries.integers().between(0, 0x3f), port,
                Arbitraries.integers().between(-1, 0xffff), Arbitraries.integers().between(-1, 14))
                .flatAs((sp, dp, seq, ack, flags, win, mss, ws) -> Arbitraries.bytes().array(byte[].class)
                        .ofMaxSize(300).map(p -> new TcpSegment(sp, dp, seq, ack, flags, win, 0, mss, ws, p)));
    }

    /** A valid ACK segment with these option bytes (padded with zeros to a word), checksum right. */
    private static byte[] withOptions(int... options) {
        int length = 20 + (options.length + 3) / 4 * 4;
        byte[] b = new byte[length];
        b[12] = (byte) (length << 2);
        b[13] = TcpSegment.ACK;
        for (int i = 0; i < options.length; i++) {
            b[20 + i] = (byte) options[i];
        }
        int sum = org.microsim.services.netd.wire.Checksum.withPseudoHeader(SRC, DST, 6, length)
                .add(b, 0, length).finish();
        b[16] = (byte) (sum >>> 8);
        b[17] = (byte) sum;
        return b;
    }

    private static String reason(byte[] b) {
        return assertThrows(MalformedPacketException.class, () -> TcpSegment.parse(b, SRC, DST)).reason();
    }
}
