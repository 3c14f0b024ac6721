package org.microsim.services.netd.wire;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 packet (RFC 791): a whole datagram or one fragment of it.
 *
 * <p>What {@link #parse} checks, and why. Version 4, and a header length (IHL) of at least 5 words, else the
 * fields cannot be read at all. The header length and the total length must fit in what was received, and the
 * total length must cover the header: these guard every later read, and anything after the total length is
 * Ethernet padding, dropped here. The header checksum (RFC 1071 sum over the header) catches a damaged header;
 * a packet with a damaged address or length is worse than a lost one. A fragment whose data would end beyond
 * the largest datagram (65535 bytes with at least a 20-byte header) is refused: reassembling it is the old
 * "ping of death" overflow. Options are kept as bytes and not interpreted (RFC 1122 3.2.1.8 requires passing
 * them on, not acting on them); the reserved flag bit is ignored on receipt and sent as zero. TTL is not
 * checked here: a host accepts TTL 0 (RFC 1122 3.2.1.7), only a gateway forwarding the packet cares.
 *
 * @param tos the type-of-service octet (DSCP and ECN), 0 to 255
 * @param identification 0 to 65535; with src, dst and protocol it names the datagram its fragments belong to
 * @param fragmentOffset where this fragment's data starts in the datagram, in bytes: a multiple of 8
 * @param ttl 0 to 255
 * @param protocol the upper layer: {@link #PROTOCOL_ICMP}, {@link #PROTOCOL_UDP}, ...
 * @param options the raw option bytes, a multiple of 4 up to 40 (copied in and out)
 * @param payload the data after the header (copied in and out)
 */
public record Ipv4Packet(int tos, int identification, boolean dontFragment, boolean moreFragments,
        int fragmentOffset, int ttl, int protocol, Ipv4Addr src, Ipv4Addr dst, byte[] options, byte[] payload) {
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_OPTIONS_LENGTH = 40;
    /** The largest datagram the 16-bit total length can say. */
    public static final int MAX_LENGTH = 65535;
    /** The smallest MTU every IPv4 link must carry (RFC 791): a 60-byte header and 8 bytes of data. */
    public static final int MIN_MTU = 68;
    /** The TTL {@link #of} gives, as RFC 1700 recommends. */
    public static final int DEFAULT_TTL = 64;

    private static final byte[] NO_OPTIONS = {};
    private static final int DF = 0x4000;
    private static final int MF = 0x2000;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    /** RFC 791: options with this bit in their type go into every fragment, the others only into the first. */
    private static final int OPTION_COPIED = 0x80;

    public Ipv4Packet {
        Bytes.requireUnsigned(tos, 8, "type of service");
        Bytes.requireUnsigned(identification, 16, "identification");
        Bytes.requireUnsigned(ttl, 8, "TTL");
        Bytes.requireUnsigned(protocol, 8, "protocol");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (fragmentOffset < 0 || fragmentOffset % 8 != 0 || fragmentOffset > 0x1fff * 8) {
            throw new IllegalArgumentException("fragment offset " + fragmentOffset
                    + " is not a multiple of 8 from 0 to 65528");
        }
        if (options.length % 4 != 0 || options.length > MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("IPv4 options are a multiple of 4 bytes up to 40, not "
                    + options.length);
        }
        if (MIN_HEADER_LENGTH + options.length + payload.length > MAX_LENGTH) {
            throw new IllegalArgumentException(payload.length + " bytes of data do not fit in an IPv4 packet");
        }
        if (fragmentOffset + payload.length > MAX_LENGTH - MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException(pastTheLargestDatagram(fragmentOffset, payload.length));
        }
        options = options.clone();
        payload = payload.clone();
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** A whole datagram with no options, type of service 0, may be fragmented, TTL {@value #DEFAULT_TTL}. */
    public static Ipv4Packet of(int protocol, Ipv4Addr src, Ipv4Addr dst, int identification, byte[] payload) {
        return new Ipv4Packet(0, identification, false, false, 0, DEFAULT_TTL, protocol, src, dst, NO_OPTIONS,
                payload);
    }

    /**
     * The fixed fields of a packet read in place, with where its payload lies in the buffer it was read from: the
     * receive path looks at a packet by offset into the frame that carried it and copies nothing (a TCP segment
     * goes on as a view); {@link #packet} makes the record, copying, for the paths that keep the packet.
     *
     * @param offset where the packet starts in its buffer
     * @param headerLength the header's bytes, options included
     * @param totalLength the total length field: header plus payload (anything after it was padding)
     */
    public record Header(int tos, int identification, boolean dontFragment, boolean moreFragments,
            int fragmentOffset, int ttl, int protocol, Ipv4Addr src, Ipv4Addr dst, int offset, int headerLength,
            int totalLength) {
        /** Where the payload starts in the buffer. */
        public int payloadOffset() {
            return offset + headerLength;
        }

        public int payloadLength() {
            return totalLength - headerLength;
        }

        /** Whether this is part of a larger datagram, to go through a {@link Reassembler}. */
        public boolean isFragment() {
            return moreFragments || fragmentOffset != 0;
        }

        /** The packet as a record of its own: options and payload copied out of {@code b}, where it was read. */
        public Ipv4Packet packet(byte[] b) {
            return new Ipv4Packet(tos, identification, dontFragment, moreFragments, fragmentOffset, ttl, protocol,
                    src, dst, Arrays.copyOfRange(b, offset + MIN_HEADER_LENGTH, payloadOffset()),
                    Arrays.copyOfRange(b, payloadOffset(), offset + totalLength));
        }
    }

    /** Reads a packet from an Ethernet payload; see the class comment for what is checked. */
    public static Ipv4Packet parse(byte[] b) throws MalformedPacketException {
        return parseHeader(b, 0, b.length).packet(b);
    }

    /**
     * Reads the header of the packet in {@code length} bytes of {@code b} from {@code offset}, checking all that
     * {@link #parse} checks (see the class comment), header checksum included; nothing is copied.
     */
    public static Header parseHeader(byte[] b, int offset, int length) throws MalformedPacketException {
        Bytes.requireLength(length, MIN_HEADER_LENGTH, "IPv4 packet");
        int version = Bytes.u8(b, offset) >>> 4;
        if (version != 4) {
            throw new MalformedPacketException("IP version " + version + " is not 4");
        }
        int headerLength = (b[offset] & 0xf) * 4;
        if (headerLength < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("IPv4 header length " + headerLength + " is less than 20");
        }
        int totalLength = Bytes.u16(b, offset + 2);
        if (totalLength > length) {
            throw new MalformedPacketException("IPv4 total length " + totalLength + " exceeds the " + length
                    + " bytes received");
        }
        if (totalLength < headerLength) {
            throw new MalformedPacketException("IPv4 total length " + totalLength + " is less than its "
                    + headerLength + "-byte header");
        }
        if (Checksum.of(b, offset, headerLength) != 0) {
            throw new MalformedPacketException("IPv4 header checksum is wrong");
        }
        int flags = Bytes.u16(b, offset + 6);
        int fragmentOffset = (flags & 0x1fff) * 8;
        if (fragmentOffset + totalLength - headerLength > MAX_LENGTH - MIN_HEADER_LENGTH) {
            throw new MalformedPacketException(pastTheLargestDatagram(fragmentOffset, totalLength - headerLength));
        }
        return new Header(Bytes.u8(b, offset + 1), Bytes.u16(b, offset + 4), (flags & DF) != 0, (flags & MF) != 0,
                fragmentOffset, Bytes.u8(b, offset + 8), Bytes.u8(b, offset + 9), new Ipv4Addr(Bytes.i32(b,
                offset + 12)), new Ipv4Addr(Bytes.i32(b, offset + 16)), offset, headerLength, totalLength);
    }

    private static String pastTheLargestDatagram(int offset, int length) {
        return "IPv4 fragment at offset " + offset + " with " + length + " bytes ends past the largest datagram";
    }

    /** The packet's bytes, with the header checksum computed. */
    public byte[] encode() {
        byte[] b = new byte[totalLength()];
        writeHeader(b, 0, tos, identification, (dontFragment ? DF : 0) | (moreFragments ? MF : 0) | fragmentOffset / 8,
                ttl, protocol, src, dst, options, b.length);
        System.arraycopy(payload, 0, b, headerLength(), payload.length);
        return b;
    }

    /**
     * Writes at {@code at} in {@code b} the header {@link #of} would give a packet of {@code payloadLength} bytes,
     * checksum computed, for a payload already in place after it: how the send path builds a frame in one buffer.
     */
    public static void writeHeader(byte[] b, int at, int protocol, Ipv4Addr src, Ipv4Addr dst, int identification,
            int payloadLength) {
        if (payloadLength < 0 || MIN_HEADER_LENGTH + payloadLength > MAX_LENGTH) {
            throw new IllegalArgumentException(payloadLength + " bytes of data do not fit in an IPv4 packet");
        }
        writeHeader(b, at, 0, identification, 0, DEFAULT_TTL, protocol, src, dst, NO_OPTIONS,
                MIN_HEADER_LENGTH + payloadLength);
    }

    private static void writeHeader(byte[] b, int at, int tos, int identification, int flagsAndOffset, int ttl,
            int protocol, Ipv4Addr src, Ipv4Addr dst, byte[] options, int totalLength) {
        int headerLength = MIN_HEADER_LENGTH + options.length;
        b[at] = (byte) (0x40 | headerLength / 4);
        b[at + 1] = (byte) tos;
        Bytes.put16(b, at + 2, totalLength);
        Bytes.put16(b, at + 4, identification);
        Bytes.put16(b, at + 6, flagsAndOffset);
        b[at + 8] = (byte) ttl;
        b[at + 9] = (byte) protocol;
        Bytes.put16(b, at + 10, 0);
        Bytes.put32(b, at + 12, src.value());
        Bytes.put32(b, at + 16, dst.value());
        System.arraycopy(options, 0, b, at + MIN_HEADER_LENGTH, options.length);
        Bytes.put16(b, at + 10, Checksum.of(b, at, headerLength));
    }

    public int headerLength() {
        return MIN_HEADER_LENGTH + options.length;
    }

    /** Header plus payload: the total length field. */
    public int totalLength() {
        return headerLength() + payload.length;
    }

    /** Whether this is part of a larger datagram, to go through a {@link Reassembler}. */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    /**
     * This packet cut into fragments of at most {@code mtu} bytes each (RFC 791 section 3.2), or this packet
     * alone if it fits. Every fragment's data but the last is a multiple of 8 bytes; the first carries all the
     * options, later ones only those marked to be copied. A fragment is cut further the same way, keeping its
     * offsets and its last piece's more-fragments flag.
     *
     * @param mtu at least {@value #MIN_MTU}
     * @throws IllegalArgumentException if the packet does not fit and says don't fragment: the sender must
     *     check that first (and report "fragmentation needed" rather than send)
     */
    public List<Ipv4Packet> fragment(int mtu) {
        if (mtu < MIN_MTU) {
            throw new IllegalArgumentException("an IPv4 MTU is at least 68, not " + mtu);
        }
        if (totalLength() <= mtu) {
            return List.of(this);
        }
        if (dontFragment) {
            throw new IllegalArgumentException("a " + totalLength() + "-byte packet does not fit the MTU of " + mtu
                    + " and may not be fragmented");
        }
        byte[] laterOptions = copiedOptions();
        List<Ipv4Packet> fragments = new ArrayList<>();
        for (int at = 0; at < payload.length; ) {
            byte[] fragmentOptions = at == 0 ? options : laterOptions;
            // MIN_MTU leaves room for at least 8 bytes of data after the longest header.
            int room = (mtu - MIN_HEADER_LENGTH - fragmentOptions.length) & ~7;
            int length = Math.min(room, payload.length - at);
            boolean last = at + length == payload.length;
            fragments.add(new Ipv4Packet(tos, identification, false, !last || moreFragments, fragmentOffset + at,
                    ttl, protocol, src, dst, fragmentOptions, Arrays.copyOfRange(payload, at, at + length)));
            at += length;
        }
        return fragments;
    }

    /** The options marked to be copied into every fragment, padded with end-of-list to a multiple of 4. */
    private byte[] copiedOptions() {
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        for (int i = 0; i < options.length && options[i] != OPTION_END; ) {
            int type = Bytes.u8(options, i);
            int length = type == OPTION_NOP ? 1 : i + 1 < options.length ? Bytes.u8(options, i + 1) : 0;
            if (type != OPTION_NOP && length < 2 || i + length > options.length) {
                break; // a malformed rest is not worth repeating in every fragment
            }
            if ((type & OPTION_COPIED) != 0) {
                copied.write(options, i, length);
            }
            i += length;
        }
        return Arrays.copyOf(copied.toByteArray(), (copied.size() + 3) & ~3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Packet p && tos == p.tos && identification == p.identification
                && dontFragment == p.dontFragment && moreFragments == p.moreFragments
                && fragmentOffset == p.fragmentOffset && ttl == p.ttl && protocol == p.protocol
                && src.equals(p.src) && dst.equals(p.dst) && Arrays.equals(options, p.options)
                && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identification, fragmentOffset, protocol, src, dst, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "IPv4 " + src + " > " + dst + " proto " + protocol + " id " + identification + " offset "
                + fragmentOffset + (moreFragments ? " MF" : "") + (dontFragment ? " DF" : "") + " ttl " + ttl
                + ", " + payload.length + " bytes" + (options.length > 0 ? " + " + options.length + " of options" : "");
    }
}
