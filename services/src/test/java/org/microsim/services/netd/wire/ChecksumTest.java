package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChecksumTest {
    @Example
    void theExampleOfRfc1071() {
        // RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2, so the checksum is its complement 220d.
        byte[] b = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertEquals(0x220d, Checksum.of(b, 0, b.length));
    }

    @Example
    void aKnownIpv4Header() {
        // A header with its checksum field zeroed; b861 is the value it carries on the wire.
        byte[] header = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xb861, Checksum.of(header, 0, header.length));
    }

    @Example
    void anOddLastByteIsPaddedWithZero() {
        assertEquals(~0xab00 & 0xffff, Checksum.of(new byte[] {(byte) 0xab}, 0, 1));
        assertEquals(0xffff, Checksum.of(new byte[0], 0, 0));
    }

    @Property
    void rangesAddedOneAfterAnotherSumAsOneBuffer(@ForAll @Size(max = 200) byte[] data,
            @ForAll @IntRange(max = 200) int cut1, @ForAll @IntRange(max = 200) int cut2) {
        int a = Math.min(cut1, cut2) % (data.length + 1);
        int b = Math.max(a, Math.max(cut1, cut2) % (data.length + 1));
        int split = new Checksum().add(data, 0, a).add(data, a, b - a).add(data, b, data.length - b).finish();
        assertEquals(Checksum.of(data, 0, data.length), split);
    }

    @Property
    void summingEightBytesAtATimeIsSummingWordByWord(@ForAll @Size(max = 3000) byte[] data,
            @ForAll @IntRange(max = 7) int from) {
        int start = Math.min(from, data.length);
        long sum = 0;
        for (int i = start; i < data.length; i += 2) {
            sum += (data[i] & 0xff) << 8 | (i + 1 < data.length ? data[i + 1] & 0xff : 0);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        assertEquals(~sum & 0xffff, Checksum.of(data, start, data.length - start));
    }

    @Property
    void aRegionWithItsChecksumInPlaceSumsToZero(@ForAll @Size(max = 200) byte[] data) {
        byte[] withSum = new byte[data.length + data.length % 2 + 2];
        System.arraycopy(data, 0, withSum, 0, data.length);
        int sum = Checksum.of(withSum, 0, withSum.length);
        Bytes.put16(withSum, withSum.length - 2, sum);
        assertEquals(0, Checksum.of(withSum, 0, withSum.length));
    }

    @Property
    void thePseudoHeaderSumsItsFieldsAsWords(@ForAll int src, @ForAll int dst,
            @ForAll @IntRange(max = 255) int protocol, @ForAll @IntRange(max = 0xffff) int length) {
        byte[] pseudo = new byte[12];
        Bytes.put32(pseudo, 0, src);
        Bytes.put32(pseudo, 4, dst);
        pseudo[9] = (byte) protocol;
        Bytes.put16(pseudo, 10, length);
        assertEquals(Checksum.of(pseudo, 0, 12),
                Checksum.withPseudoHeader(new Ipv4Addr(src), new Ipv4Addr(dst), protocol, length).finish());
    }

    @Property
    void anIncrementalUpdateAgreesWithSummingAgain(@ForAll @Size(min = 2, max = 100) byte[] data,
            @ForAll @IntRange(max = 99) int at, @ForAll @IntRange(max = 0xffff) int newWord) {
        int word = at % (data.length / 2) * 2;
        int before = Checksum.of(data, 0, data.length);
        int oldWord = Bytes.u16(data, word);
        Bytes.put16(data, word, newWord);
        int after = Checksum.of(data, 0, data.length);
        // 0 and 0xffff are the two forms of ones' complement zero; RFC 1624 gives one where a full sum gives
        // the other only for data that sums to zero, which a checksum check treats alike.
        Assume.that(after != 0 && after != 0xffff);
        assertEquals(after, Checksum.update(before, oldWord, newWord));
    }
}
