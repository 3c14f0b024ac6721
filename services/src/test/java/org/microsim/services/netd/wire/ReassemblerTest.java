package org.microsim.services.netd.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.microsim.services.netd.wire.Reassembler.Delivered;
import org.microsim.services.netd.wire.Reassembler.Pending;
import org.microsim.services.netd.wire.Reassembler.Reason;
import org.microsim.services.netd.wire.Reassembler.Refused;
import org.microsim.services.netd.wire.Reassembler.Result;

class ReassemblerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Ipv4Addr SRC = Ipv4Addr.parse("10.0.2.2");
    private static final Ipv4Addr DST = Ipv4Addr.parse("10.0.2.15");

    private static Reassembler reassembler() {
        return new Reassembler(4, Ipv4Packet.MAX_LENGTH, 15 * SECOND);
    }

    private static byte[] data(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Ipv4Packet datagram(int id, byte[] data) {
        return Ipv4Packet.of(Ipv4Packet.PROTOCOL_UDP, SRC, DST, id, data);
    }

    /** The fragment of {@code whole} with its data from {@code from} to {@code to}. */
    private static Ipv4Packet piece(Ipv4Packet whole, int from, int to) {
        return piece(whole, from, to, whole.payload());
    }

    private static Ipv4Packet piece(Ipv4Packet whole, int from, int to, byte[] data) {
        return new Ipv4Packet(whole.tos(), whole.identification(), false, to < data.length, from, whole.ttl(),
                whole.protocol(), whole.src(), whole.dst(), whole.options(), Arrays.copyOfRange(data, from, to));
    }

    @Example
    void aWholePacketIsDeliveredAsItIs() {
        Reassembler r = reassembler();
        Ipv4Packet p = datagram(1, data(100, 1));
        assertEquals(new Delivered(p), r.accept(p, 0));
        assertEquals(0, r.inProgress());
    }

    @Example
    void fragmentsInReverseOrderMakeTheDatagram() {
        Reassembler r = reassembler();
        Ipv4Packet whole = datagram(7, data(100, 2));
        assertEquals(new Pending(), r.accept(piece(whole, 48, 100), 0));
        assertEquals(new Pending(), r.accept(piece(whole, 48, 100), 0)); // an identical duplicate
        assertEquals(new Pending(), r.accept(piece(whole, 0, 24), 0));
        assertEquals(new Delivered(whole), r.accept(piece(whole, 16, 48), 0)); // overlaps both, same bytes
        assertEquals(0, r.inProgress());
    }

    @Example
    void fragmentsOfDifferentDatagramsAreKeptApart() {
        Reassembler r = reassembler();
        Ipv4Packet a = datagram(1, data(16, 3));
        Ipv4Packet b = datagram(2, data(16, 4));
        Ipv4Packet c = Ipv4Packet.of(Ipv4Packet.PROTOCOL_ICMP, SRC, DST, 1, data(16, 5));
        for (Ipv4Packet p : List.of(a, b, c)) {
            assertEquals(new Pending(), r.accept(piece(p, 0, 8), 0));
        }
        assertEquals(new Delivered(b), r.accept(piece(b, 8, 16), 0));
        assertEquals(new Delivered(c), r.accept(piece(c, 8, 16), 0));
        assertEquals(new Delivered(a), r.accept(piece(a, 8, 16), 0));
    }

    @Example
    void aDifferingOverlapRefusesTheWholeDatagramUntilItExpires() {
        Reassembler r = reassembler();
        Ipv4Packet whole = datagram(7, data(100, 6));
        byte[] forged = whole.payload();
        forged[20]++;
        assertEquals(new Pending(), r.accept(piece(whole, 0, 24), 0));
        assertEquals(new Refused(Reason.CONFLICTING_OVERLAP), r.accept(piece(whole, 16, 48, forged), 0));
        assertEquals(new Refused(Reason.ALREADY_REFUSED), r.accept(piece(whole, 24, 100), 0));
        assertEquals(new Refused(Reason.ALREADY_REFUSED), r.accept(piece(whole, 0, 24), 0));
        assertEquals(0, r.expire(15 * SECOND), "a refused datagram was counted once already");
        assertEquals(new Pending(), r.accept(piece(whole, 0, 24), 16 * SECOND));
    }

    @Example
    void fragmentsThatDisagreeOnTheEndAreRefused() {
        Ipv4Packet whole = datagram(7, data(100, 7));
        Reassembler r = reassembler();
        r.accept(piece(whole, 48, 100), 0);
        // data(96, 7) is the first 96 bytes of data(100, 7): the same bytes, but a last fragment ending at 96.
        assertEquals(new Refused(Reason.INCONSISTENT_END), r.accept(piece(whole, 48, 96, data(96, 7)), 0));
        r = reassembler();
        r.accept(piece(whole, 48, 100), 0);
        assertEquals(new Refused(Reason.INCONSISTENT_END), r.accept(piece(whole, 96, 104, data(104, 8)), 0));
        r = reassembler();
        r.accept(piece(whole, 0, 80), 0);
        assertEquals(new Refused(Reason.INCONSISTENT_END), r.accept(piece(whole, 64, 72, data(72, 9)), 0));
    }

    @Example
    void aFragmentNotAMultipleOf8WithMoreToComeIsRefused() {
        Ipv4Packet whole = datagram(7, data(100, 10));
        Ipv4Packet odd = new Ipv4Packet(0, 7, false, true, 0, 64, 17, SRC, DST, new byte[0], new byte[12]);
        assertEquals(new Refused(Reason.MISALIGNED_FRAGMENT), reassembler().accept(odd, 0));
        assertEquals(new Pending(), reassembler().accept(piece(whole, 8, 100), 0)); // the last may be any length
    }

    @Example
    void atMostMaxDatagramsAreInProgress() {
        Reassembler r = new Reassembler(2, Ipv4Packet.MAX_LENGTH, SECOND);
        Ipv4Packet a = datagram(1, data(16, 11));
        assertEquals(new Pending(), r.accept(piece(a, 0, 8), 0));
        assertEquals(new Pending(), r.accept(piece(datagram(2, data(16, 12)), 0, 8), 0));
        assertEquals(new Refused(Reason.TOO_MANY_DATAGRAMS), r.accept(piece(datagram(3, data(16, 13)), 0, 8), 0));
        assertEquals(2, r.inProgress());
        assertEquals(new Delivered(a), r.accept(piece(a, 8, 16), 0)); // those in progress still complete
        assertEquals(new Pending(), r.accept(piece(datagram(3, data(16, 13)), 0, 8), 0));
    }

    @Example
    void aDatagramLongerThanTheLimitIsRefused() {
        Reassembler r = new Reassembler(2, 1000, SECOND);
        Ipv4Packet fits = datagram(1, data(980, 14));
        assertEquals(new Pending(), r.accept(piece(fits, 0, 496), 0));
        assertEquals(new Delivered(fits), r.accept(piece(fits, 496, 980), 0));
        Ipv4Packet tooLong = datagram(2, data(981, 15));
        assertEquals(new Pending(), r.accept(piece(tooLong, 0, 496), 0));
        assertEquals(new Refused(Reason.TOO_LONG), r.accept(piece(tooLong, 496, 981), 0));
        // The first fragment's options count: 977 bytes of data were fine until a 24-byte header came.
        Ipv4Packet withOptions = new Ipv4Packet(0, 3, false, false, 0, 64, 17, SRC, DST, new byte[4], data(977, 16));
        assertEquals(new Pending(), r.accept(piece(withOptions, 496, 977), 0));
        assertEquals(new Refused(Reason.TOO_LONG), r.accept(piece(withOptions, 0, 496), 0));
    }

    @Example
    void anIncompleteDatagramExpiresAfterTheTimeout() {
        Reassembler r = reassembler();
        Ipv4Packet whole = datagram(7, data(100, 17));
        r.accept(piece(whole, 0, 48), 5 * SECOND);
        r.accept(piece(whole, 48, 64), 19 * SECOND); // later fragments do not extend the timeout
        assertEquals(0, r.expire(20 * SECOND - 1));
        assertEquals(1, r.expire(20 * SECOND));
        assertEquals(0, r.inProgress());
        assertEquals(new Pending(), r.accept(piece(whole, 64, 100), 20 * SECOND), "its fragments are gone");
    }

    @Example
    void expiryWorksAcrossAWrappingClock() {
        Reassembler r = reassembler();
        Ipv4Packet whole = datagram(7, data(100, 18));
        r.accept(piece(whole, 0, 48), Long.MAX_VALUE - SECOND);
        assertEquals(0, r.expire(Long.MAX_VALUE));
        assertEquals(1, r.expire(Long.MAX_VALUE - SECOND + 15 * SECOND));
    }

    /** Cut points, a multiple of 8 each, below the data length. */
    private static List<Integer> cuts(List<Integer> seeds, int length) {
        TreeSet<Integer> cuts = new TreeSet<>();
        cuts.add(0);
        for (int seed : seeds) {
            cuts.add(seed % (length + 1) / 8 * 8);
        }
        cuts.add(length);
        return new ArrayList<>(cuts);
    }

    private static List<Ipv4Packet> cutUp(Ipv4Packet whole, List<Integer> cuts) {
        List<Ipv4Packet> pieces = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.size(); i++) {
            pieces.add(piece(whole, cuts.get(i), cuts.get(i + 1)));
        }
        return pieces;
    }

    @Property
    void fragmentsInAnyOrderWithDuplicatesAndOverlapsMakeTheDatagramByteForByte(
            @ForAll("datagrams") Ipv4Packet whole,
            @ForAll @Size(max = 20) List<@IntRange(max = 65535) Integer> cutSeeds,
            @ForAll @Size(max = 10) List<@IntRange(max = 65535) Integer> overlapSeeds, @ForAll long shuffle) {
        int length = whole.payload().length;
        List<Ipv4Packet> fragments = cutUp(whole, cuts(cutSeeds, length));
        // Overlapping pieces with the right bytes, as a resending host that chose other cuts would produce.
        List<Integer> more = cuts(overlapSeeds, length);
        for (int i = 0; i + 1 < more.size(); i += 2) {
            fragments.add(piece(whole, more.get(i), more.get(i + 1)));
        }
        fragments.addAll(fragments.subList(0, fragments.size() / 3)); // plain duplicates
        Collections.shuffle(fragments, new Random(shuffle));
        Reassembler r = reassembler();
        int delivered = 0;
        for (Ipv4Packet f : fragments) {
            Result result = r.accept(f, 0);
            assertFalse(result instanceof Refused, result::toString);
            if (result instanceof Delivered d) {
                assertEquals(whole, d.datagram());
                delivered++;
            }
        }
        assertTrue(delivered >= 1);
    }

    @Property
    void aFragmentOverlappingWithOneDifferentByteRefusesTheDatagram(@ForAll("datagramsOf16") Ipv4Packet whole,
            @ForAll @Size(max = 20) List<@IntRange(max = 65535) Integer> cutSeeds,
            @ForAll @IntRange(max = 65535) int pick, @ForAll @IntRange(max = 65535) int from,
            @ForAll @IntRange(max = 65535) int to, @ForAll boolean forgedFirst, @ForAll long shuffle) {
        int length = whole.payload().length;
        List<Integer> seeds = new ArrayList<>(cutSeeds);
        seeds.add(8); // so that there are at least two fragments
        List<Ipv4Packet> fragments = cutUp(whole, cuts(seeds, length));
        Ipv4Packet honest = fragments.remove(pick % fragments.size());
        // A forged piece [start, stop) over the honest one's first byte, differing from it there; a fragment
        // itself, not the whole datagram (which is not the reassembler's business).
        int at = honest.fragmentOffset();
        int start = from % (at + 1) / 8 * 8;
        int stop = Math.min(length, at + 8 + to % (length + 1) / 8 * 8);
        if (start == 0 && stop == length) {
            if (at + 8 < length) {
                stop = at + 8;
            } else {
                start = 8; // at is then 8 or more, since the data is 16 bytes or more
            }
        }
        byte[] forgedData = whole.payload();
        forgedData[at] ^= (byte) (1 + from % 255);
        Ipv4Packet forged = piece(whole, start, stop, forgedData);
        Collections.shuffle(fragments, new Random(shuffle));
        Reassembler r = reassembler();
        assertEquals(new Pending(), r.accept(forgedFirst ? forged : honest, 0));
        assertEquals(new Refused(Reason.CONFLICTING_OVERLAP), r.accept(forgedFirst ? honest : forged, 0));
        for (Ipv4Packet f : fragments) {
            assertEquals(new Refused(Reason.ALREADY_REFUSED), r.accept(f, 0));
        }
    }

    @Property
    void theBoundsHoldWhateverFragmentsCome(@ForAll @Size(max = 200) List<@IntRange(max = 65535) Integer> seeds,
            @ForAll @IntRange(min = 1, max = 4) int maxDatagrams,
            @ForAll @IntRange(min = 68, max = 3000) int maxLength) {
        Reassembler r = new Reassembler(maxDatagrams, maxLength, SECOND);
        for (int seed : seeds) {
            // Few identifications, offsets up to 4096, lengths up to 1024, some last, some not: any mix.
            int offset = seed % 512 * 8;
            int dataLength = seed % 7 == 0 ? seed % 1024 : seed % 128 * 8;
            Ipv4Packet f = new Ipv4Packet(0, seed % 5, false, seed % 3 != 0, offset, 64, 17, SRC, DST, new byte[0],
                    data(dataLength, seed % 2));
            Result result = r.accept(f, seed);
            assertTrue(r.inProgress() <= maxDatagrams);
            // A packet that is no fragment (offset 0, no more fragments) passes through whole: the bound is on what
            // the reassembler holds and builds.
            if (result instanceof Delivered d && f.isFragment()) {
                assertTrue(d.datagram().totalLength() <= maxLength, d::toString);
            }
        }
    }

    @Provide
    Arbitrary<Ipv4Packet> datagrams() {
        return datagramsLongerThan(1);
    }

    @Provide
    Arbitrary<Ipv4Packet> datagramsOf16() {
        return datagramsLongerThan(16);
    }

    private static Arbitrary<Ipv4Packet> datagramsLongerThan(int min) {
        return Arbitraries.integers().between(min, 5000).flatMap(length -> Arbitraries.longs()
                .map(seed -> datagram((int) (seed & 0xffff), data(length, seed))));
    }
}
