package org.microsim.services.netd.tcp;

import java.util.Arrays;
import java.util.Objects;
import org.microsim.services.netd.wire.Checksum;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MalformedPacketException;

/**
 * A TCP segment (RFC 9293 section 3.1), with the two options this stack speaks: the maximum segment size (RFC 9293
 * 3.7.1) and the window scale (RFC 7323 section 2).
 *
 * <p>What {@link #parse} checks: the 20-byte fixed header is there; the data offset is at least 5 words and does
 * not run past the bytes received; the checksum, over a pseudo-header of the IPv4 addresses, protocol and length
 * as well as the segment, is right (a segment delivered to the wrong host fails it too); each option's length
 * byte is at least 2 and keeps the option inside the header, and the options with a fixed length (MSS 4, window
 * scale 3, SACK-permitted 2, timestamps 10) have it. Options other than MSS and window scale (SACK-permitted,
 * SACK blocks, timestamps, anything unknown) are read past and not kept. The ECN bits (ECE, CWR) and the reserved
 * bits are ignored on receipt and sent as zero; this stack does not negotiate ECN.
 *
 * <p>Sequence and acknowledgment numbers are unsigned 32-bit values carried in a {@code long}.
 *
 * <p>A value class rather than a record, for one reason: the data path. A segment made by the public constructor
 * or {@link #parse(byte[], Ipv4Addr, Ipv4Addr)} owns a copy of its payload, as a record would; one read by
 * {@link #parse(byte[], int, int, Ipv4Addr, Ipv4Addr)} is a view of the payload where it lies in the received
 * frame, and one the connection builds for sending is a view of the payload already copied from the send buffer
 * into the frame it will leave in. That way a byte of data is copied once on each side of the wire, and a view
 * lives only as long as the call that handles it.
 *
 * <p>The fields: {@code srcPort} and {@code dstPort} 0 to 65535; {@code seq} the sequence number and {@code ack}
 * the acknowledgment number (meaningful only with {@link #ACK}), each 0 to 2^32-1; {@code flags} an OR of
 * {@link #FIN}, {@link #SYN}, {@link #RST}, {@link #PSH}, {@link #ACK}, {@link #URG}; {@code window} the window
 * field as sent, 0 to 65535 (not scaled); {@code urgent} the urgent pointer, 0 to 65535; {@code mss} the MSS
 * option's value, or -1 when absent; {@code windowScale} the window scale option's shift count as sent (0 to
 * 255; RFC 7323 says to use 14 for anything above), or -1 when absent; the payload, the data.
 */
public final class TcpSegment {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int HEADER_LENGTH = 20;
    /** The most data a segment can carry in an IPv4 packet: 65535 less the smallest IPv4 and TCP headers. */
    public static final int MAX_PAYLOAD = Ipv4Packet.MAX_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH - HEADER_LENGTH;

    private static final int OPT_END = 0;
    private static final int OPT_NOP = 1;
    private static final int OPT_MSS = 2;
    private static final int OPT_WINDOW_SCALE = 3;
    private static final int OPT_SACK_PERMITTED = 4;
    private static final int OPT_TIMESTAMPS = 8;

    private final int srcPort;
    private final int dstPort;
    private final long seq;
    private final long ack;
    private final int flags;
    private final int window;
    private final int urgent;
    private final int mss;
    private final int windowScale;
    /** The payload is {@code length} bytes of {@code buffer} from {@code offset}: the segment's own, or a view. */
    private final byte[] buffer;
    private final int offset;
    private final int length;

    /** A segment that owns a copy of {@code payload}; see the class comment for the fields. */
    public TcpSegment(int srcPort, int dstPort, long seq, long ack, int flags, int window, int urgent, int mss,
            int windowScale, byte[] payload) {
        this(srcPort, dstPort, seq, ack, flags, window, urgent, mss, windowScale, payload.clone(), 0,
                payload.length);
    }

    /**
     * A segment whose payload is {@code length} bytes of {@code buffer} from {@code offset}, not copied: whoever
     * makes one keeps that range unchanged for as long as the segment is used.
     */
    TcpSegment(int srcPort, int dstPort, long seq, long ack, int flags, int window, int urgent, int mss,
            int windowScale, byte[] buffer, int offset, int length) {
        requireRange(srcPort, 0xffff, "source port");
        requireRange(dstPort, 0xffff, "destination port");
        requireRange(seq, 0xffff_ffffL, "sequence number");
        requireRange(ack, 0xffff_ffffL, "acknowledgment number");
        requireRange(flags, 0x3f, "flags");
        requireRange(window, 0xffff, "window");
        requireRange(urgent, 0xffff, "urgent pointer");
        requireRange(mss + 1, 0x10000, "MSS option");
        requireRange(windowScale + 1, 0x100, "window scale option");
        if (length > MAX_PAYLOAD) {
            throw new IllegalArgumentException(length + " bytes of data do not fit in a TCP segment");
        }
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.window = window;
        this.urgent = urgent;
        this.mss = mss;
        this.windowScale = windowScale;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    private static void requireRange(long value, long max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("TCP " + what + " " + value + " is not from 0 to " + max);
        }
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    public long seq() {
        return seq;
    }

    public long ack() {
        return ack;
    }

    public int flags() {
        return flags;
    }

    public int window() {
        return window;
    }

    public int urgent() {
        return urgent;
    }

    public int mss() {
        return mss;
    }

    public int windowScale() {
        return windowScale;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    /** The payload's length, without copying it. */
    public int length() {
        return length;
    }

    /** The array the payload lies in, from {@link #payloadOffset()}: read it, never write it. */
    byte[] payloadBuffer() {
        return buffer;
    }

    int payloadOffset() {
        return offset;
    }

    /** Whether every flag of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** How much sequence space the segment takes: its data, plus one for a SYN and one for a FIN. */
    public int sequenceLength() {
        return length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    /**
     * Reads a segment from an IPv4 payload.
     *
     * @param src the IPv4 source, for the pseudo-header
     * @param dst the IPv4 destination, for the pseudo-header
     * @throws MalformedPacketException with "TCP checksum is wrong" for a damaged segment, or a sentence saying which
     *     length or offset is impossible
     */
    public static TcpSegment parse(byte[] b, Ipv4Addr src, Ipv4Addr dst) throws MalformedPacketException {
        TcpSegment view = parse(b, 0, b.length, src, dst);
        return new TcpSegment(view.srcPort, view.dstPort, view.seq, view.ack, view.flags, view.window, view.urgent,
                view.mss, view.windowScale, view.payload());
    }

    /**
     * Reads the segment in {@code length} bytes of {@code b} from {@code offset}, as {@link #parse(byte[], Ipv4Addr,
     * Ipv4Addr)} does, but without copying: the segment's payload is a view of {@code b}, to be used only while
     * {@code b} stays unchanged (the receive path handles a segment within the call that brought its frame).
     */
    public static TcpSegment parse(byte[] b, int offset, int length, Ipv4Addr src, Ipv4Addr dst)
            throws MalformedPacketException {
        if (length < HEADER_LENGTH) {
            throw new MalformedPacketException("TCP segment is " + length + " bytes, shorter than its "
                    + HEADER_LENGTH + "-byte header");
        }
        if (length > HEADER_LENGTH + MAX_PAYLOAD) {
            throw new MalformedPacketException("TCP segment is " + length + " bytes, more than IPv4 can carry");
        }
        int dataOffset = (b[offset + 12] & 0xf0) >>> 2;
        if (dataOffset < HEADER_LENGTH) {
            throw new MalformedPacketException("TCP data offset " + dataOffset / 4 + " is less than 5 words");
        }
        if (dataOffset > length) {
            throw new MalformedPacketException("TCP data offset " + dataOffset + " runs past the " + length
                    + " bytes received");
        }
        if (checksum(src, dst, length).add(b, offset, length).finish() != 0) {
            throw new MalformedPacketException("TCP checksum is wrong");
        }
        int mss = -1;
        int windowScale = -1;
        int i = offset + HEADER_LENGTH;
        int optionsEnd = offset + dataOffset;
        while (i < optionsEnd) {
            int kind = b[i] & 0xff;
            if (kind == OPT_END) {
                break;
            }
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= optionsEnd) {
                throw new MalformedPacketException("TCP option " + kind + " has no length byte");
            }
            int optionLength = b[i + 1] & 0xff;
            if (optionLength < 2 || i + optionLength > optionsEnd) {
                throw new MalformedPacketException("TCP option " + kind + " has length " + optionLength
                        + ", which does not fit in the header");
            }
            int fixed = switch (kind) {
                case OPT_MSS -> 4;
                case OPT_WINDOW_SCALE -> 3;
                case OPT_SACK_PERMITTED -> 2;
                case OPT_TIMESTAMPS -> 10;
                default -> optionLength;
            };
            if (optionLength != fixed) {
                throw new MalformedPacketException("TCP option " + kind + " has length " + optionLength + ", not "
                        + fixed);
            }
            if (kind == OPT_MSS) {
                mss = u16(b, i + 2);
            } else if (kind == OPT_WINDOW_SCALE) {
                windowScale = b[i + 2] & 0xff;
            }
            i += optionLength;
        }
        return new TcpSegment(u16(b, offset), u16(b, offset + 2), u32(b, offset + 4), u32(b, offset + 8),
                b[offset + 13] & 0x3f, u16(b, offset + 14), u16(b, offset + 18), mss, windowScale, b,
                offset + dataOffset, length - dataOffset);
    }

    /** The segment's bytes for an IPv4 packet from {@code src} to {@code dst}, checksum computed. */
    public byte[] encode(Ipv4Addr src, Ipv4Addr dst) {
        byte[] b = new byte[encodedLength()];
        encodeInto(b, 0, src, dst);
        return b;
    }

    /** How many bytes {@link #encode} gives: header, options and payload. */
    public int encodedLength() {
        return headerLength() + length;
    }

    private int headerLength() {
        return HEADER_LENGTH + (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
    }

    /** Writes what {@link #encode} gives into {@code b} from {@code at}. */
    void encodeInto(byte[] b, int at, Ipv4Addr src, Ipv4Addr dst) {
        int headerLength = headerLength();
        if (b != buffer || offset != at + headerLength) {
            System.arraycopy(buffer, offset, b, at + headerLength, length);
        }
        put16(b, at, srcPort);
        put16(b, at + 2, dstPort);
        put16(b, at + 4, (int) (seq >>> 16));
        put16(b, at + 6, (int) seq);
        put16(b, at + 8, (int) (ack >>> 16));
        put16(b, at + 10, (int) ack);
        b[at + 12] = (byte) (headerLength << 2);
        b[at + 13] = (byte) flags;
        put16(b, at + 14, window);
        put16(b, at + 16, 0);
        put16(b, at + 18, urgent);
        int i = at + HEADER_LENGTH;
        if (mss >= 0) {
            b[i] = OPT_MSS;
            b[i + 1] = 4;
            put16(b, i + 2, mss);
            i += 4;
        }
        if (windowScale >= 0) {
            b[i] = OPT_NOP;
            b[i + 1] = OPT_WINDOW_SCALE;
            b[i + 2] = 3;
            b[i + 3] = (byte) windowScale;
        }
        int total = headerLength + length;
        put16(b, at + 16, checksum(src, dst, total).add(b, at, total).finish());
    }

    private static Checksum checksum(Ipv4Addr src, Ipv4Addr dst, int length) {
        return Checksum.withPseudoHeader(src, dst, Ipv4Packet.PROTOCOL_TCP, length);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpSegment s && srcPort == s.srcPort && dstPort == s.dstPort && seq == s.seq
                && ack == s.ack && flags == s.flags && window == s.window && urgent == s.urgent && mss == s.mss
                && windowScale == s.windowScale && Arrays.equals(buffer, offset, offset + length, s.buffer, s.offset,
                s.offset + s.length);
    }

    @Override
    public int hashCode() {
        int payloadHash = 1;
        for (int i = offset; i < offset + length; i++) {
            payloadHash = 31 * payloadHash + buffer[i];
        }
        return Objects.hash(srcPort, dstPort, seq, ack, flags, window, urgent, mss, windowScale, payloadHash);
    }

    /** As tcpdump would: ports, flags, seq, ack, window, options, length. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TCP ").append(srcPort).append(" > ").append(dstPort).append(" [");
        String names = "FSRP.U";
        for (int bit = 0; bit < 6; bit++) {
            if ((flags & 1 << bit) != 0) {
                s.append(names.charAt(bit));
            }
        }
        s.append("] seq ").append(seq);
        if (has(ACK)) {
            s.append(" ack ").append(ack);
        }
        s.append(" win ").append(window);
        if (mss >= 0) {
            s.append(" mss ").append(mss);
        }
        if (windowScale >= 0) {
            s.append(" wscale ").append(windowScale);
        }
        return s.append(" length ").append(length).toString();
    }
}
