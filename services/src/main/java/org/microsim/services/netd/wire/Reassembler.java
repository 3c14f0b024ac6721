package org.microsim.services.netd.wire;

import com.google.common.collect.Range;
import com.google.common.collect.RangeSet;
import com.google.common.collect.TreeRangeSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts IPv4 datagrams back together from their fragments (RFC 791 section 3.2, RFC 815).
 *
 * <p>Fragments belong together when they share source, destination, protocol and identification. Each arrives
 * in any order, any number of times; a datagram is delivered when the last fragment (more-fragments clear) has
 * fixed its length and every byte before that has come. Its header is the one of the fragment at offset 0, with
 * that fragment's options, as RFC 791 says.
 *
 * <p>What is refused, and why. A fragment that overlaps bytes already received must carry the same bytes:
 * if it differs, one of the two is wrong (damage the checksums missed, or an attacker rewriting a header
 * behind a firewall's back, RFC 1858 and RFC 3128), and there is no knowing which, so the whole datagram is
 * refused, as RFC 5722 requires for IPv6; identical duplicates, which a LAN that duplicates frames produces, are
 * fine. Fragments that disagree on where the datagram ends, and a fragment other than the last whose data is
 * not a multiple of 8 bytes (RFC 791 cannot express the next offset otherwise), are refused the same way.
 * A refused datagram stays as a marker until it expires, so that its remaining fragments are refused too rather
 * than starting it afresh and waiting out the timeout.
 *
 * <p>Bounds: a peer must not be able to make netd hold unbounded memory with fragments that never complete. At
 * most {@code maxDatagrams} are in progress (a fragment of a new one beyond that is refused; the ones in
 * progress are kept, since evicting them would let a flood of bogus fragments starve every real datagram), and
 * none grows beyond {@code maxLength} bytes with its header. An incomplete datagram is dropped {@code timeout}
 * after its first fragment came ({@link #expire}); RFC 791 suggests 15 s, and a short timeout also limits how
 * long a stale fragment can be mistaken for part of a newer datagram that reuses the identification (RFC 4963).
 *
 * <p>Not thread-safe: one per netd, driven from its loop, with the time passed in.
 */
public final class Reassembler {
    /** What became of a fragment. */
    public sealed interface Result permits Delivered, Pending, Refused {
    }

    /** The datagram is whole: this one, or the one its fragments make. */
    public record Delivered(Ipv4Packet datagram) implements Result {
    }

    /** Kept; the datagram still lacks fragments. */
    public record Pending() implements Result {
    }

    /** Dropped, with the whole datagram it belongs to (if any), for this reason. */
    public record Refused(Reason reason) implements Result {
    }

    /** Why a fragment was refused: one counter each in netd. */
    public enum Reason {
        TOO_MANY_DATAGRAMS("too many datagrams are being reassembled"),
        TOO_LONG("the datagram would be longer than the reassembly limit"),
        CONFLICTING_OVERLAP("a fragment overlaps an earlier one with different bytes"),
        INCONSISTENT_END("fragments disagree on where the datagram ends"),
        MISALIGNED_FRAGMENT("a fragment other than the last is not a multiple of 8 bytes long"),
        ALREADY_REFUSED("the datagram it belongs to was refused");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        /** One short sentence, for a log line. */
        public String description() {
            return description;
        }
    }

    private static final Pending PENDING = new Pending();

    private record Key(Ipv4Addr src, Ipv4Addr dst, int protocol, int identification) {
    }

    private final int maxDatagrams;
    private final int maxLength;
    private final long timeoutNanos;
    /** Insertion-ordered so that runs replay identically. */
    private final Map<Key, Datagram> datagrams = new LinkedHashMap<>();

    /**
     * @param maxDatagrams how many datagrams may be in progress at once, at least 1
     * @param maxLength the longest datagram, header included, that will be rebuilt: 68 to 65535
     * @param timeoutNanos how long after its first fragment an incomplete datagram is dropped, more than 0
     */
    public Reassembler(int maxDatagrams, int maxLength, long timeoutNanos) {
        if (maxDatagrams < 1 || maxLength < Ipv4Packet.MIN_MTU || maxLength > Ipv4Packet.MAX_LENGTH
                || timeoutNanos <= 0) {
            throw new IllegalArgumentException("reassembly limits " + maxDatagrams + " datagrams of " + maxLength
                    + " bytes for " + timeoutNanos + " ns are out of range");
        }
        this.maxDatagrams = maxDatagrams;
        this.maxLength = maxLength;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Takes a received packet: one that is not a fragment is delivered as it is; a fragment is kept until its
     * datagram is whole, or refused.
     *
     * @param nowNanos the current time, which starts a new datagram's timeout
     */
    public Result accept(Ipv4Packet packet, long nowNanos) {
        if (!packet.isFragment()) {
            return new Delivered(packet);
        }
        Key key = new Key(packet.src(), packet.dst(), packet.protocol(), packet.identification());
        Datagram datagram = datagrams.get(key);
        if (datagram == null) {
            if (datagrams.size() >= maxDatagrams) {
                return new Refused(Reason.TOO_MANY_DATAGRAMS);
            }
            datagram = new Datagram(nowNanos + timeoutNanos);
            datagrams.put(key, datagram);
        }
        if (datagram.refused) {
            return new Refused(Reason.ALREADY_REFUSED);
        }
        Reason problem = datagram.add(packet, maxLength);
        if (problem != null) {
            datagram.refuse();
            return new Refused(problem);
        }
        if (!datagram.complete()) {
            return PENDING;
        }
        datagrams.remove(key);
        return new Delivered(datagram.assemble());
    }

    /**
     * Drops every datagram whose timeout has run out by {@code nowNanos}, and the markers of refused ones.
     *
     * @return how many incomplete datagrams were dropped (refused ones, counted already, are not counted again)
     */
    public int expire(long nowNanos) {
        int dropped = 0;
        for (Iterator<Datagram> it = datagrams.values().iterator(); it.hasNext(); ) {
            Datagram datagram = it.next();
            if (nowNanos - datagram.deadline >= 0) { // a difference, so that a wrapping clock still works
                dropped += datagram.refused ? 0 : 1;
                it.remove();
            }
        }
        return dropped;
    }

    /** How many datagrams are in progress, refused ones waiting to expire included. */
    public int inProgress() {
        return datagrams.size();
    }

    /** One datagram being rebuilt. */
    private static final class Datagram {
        final long deadline;
        boolean refused;
        /** The data received so far at its offsets; grows as needed, up to the limit. */
        byte[] data = new byte[0];
        /** Which bytes of {@link #data} have come, as half-open ranges (RFC 815's holes are the gaps). */
        final RangeSet<Integer> received = TreeRangeSet.create();
        /** The datagram's data length, once the last fragment has said it; -1 before. */
        int end = -1;
        /** The fragment at offset 0, whose header the datagram gets. */
        Ipv4Packet first;

        Datagram(long deadline) {
            this.deadline = deadline;
        }

        /** Adds a fragment, or says why the datagram must be refused (and then changes nothing that matters). */
        Reason add(Ipv4Packet fragment, int maxLength) {
            byte[] bytes = fragment.payload();
            int start = fragment.fragmentOffset();
            int stop = start + bytes.length;
            boolean last = !fragment.moreFragments();
            if (!last && bytes.length % 8 != 0) {
                return Reason.MISALIGNED_FRAGMENT;
            }
            int receivedEnd = received.isEmpty() ? 0 : received.span().upperEndpoint();
            if (last ? end >= 0 && end != stop || receivedEnd > stop : end >= 0 && stop > end) {
                return Reason.INCONSISTENT_END;
            }
            Ipv4Packet header = start == 0 && first == null ? fragment : first;
            int headerLength = header == null ? Ipv4Packet.MIN_HEADER_LENGTH : header.headerLength();
            if (headerLength + Math.max(stop, receivedEnd) > maxLength) {
                return Reason.TOO_LONG;
            }
            Range<Integer> range = Range.closedOpen(start, stop);
            for (Range<Integer> overlap : received.subRangeSet(range).asRanges()) {
                int from = overlap.lowerEndpoint();
                int to = overlap.upperEndpoint();
                if (!Arrays.equals(data, from, to, bytes, from - start, to - start)) {
                    return Reason.CONFLICTING_OVERLAP;
                }
            }
            if (stop > data.length) {
                // Doubling keeps fragments that arrive in order from copying the buffer once each.
                data = Arrays.copyOf(data, Math.min(maxLength, Math.max(stop, 2 * data.length)));
            }
            System.arraycopy(bytes, 0, data, start, bytes.length);
            received.add(range);
            first = header;
            end = last ? stop : end;
            return null;
        }

        boolean complete() {
            return end >= 0 && received.encloses(Range.closedOpen(0, end));
        }

        /** Frees the data; the marker stays so that later fragments are refused too. */
        void refuse() {
            refused = true;
            data = null;
            received.clear();
        }

        /** Only when complete: then the data from offset 0 has come, so {@link #first} is there. */
        Ipv4Packet assemble() {
            return new Ipv4Packet(first.tos(), first.identification(), first.dontFragment(), false, 0, first.ttl(),
                    first.protocol(), first.src(), first.dst(), first.options(), Arrays.copyOf(data, end));
        }
    }
}
