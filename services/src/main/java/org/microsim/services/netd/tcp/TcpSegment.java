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
 * @param srcPort 0 to 65535
 * @param dstPort 0 to 65535
 * @param seq the sequence number, 0 to 2^32-1
 * @param ack the acknowledgment number, 0 to 2^32-1 (meaningful only with {@link #ACK})
 * @param flags an OR of {@link #FIN}, {@link #SYN}, {@link #RST}, {@link #PSH}, {@link #ACK}, {@link #URG}
 * @param window the window field as sent, 0 to 65535 (not scaled)
 * @param urgent the urgent pointer, 0 to 65535
 * @param mss the MSS option's value, or -1 when absent
 * @param windowScale the window scale option's shift count as sent (0 to 255; RFC 7323 says to use 14 for
 *     anything above), or -1 when absent
 * @param payload the data (copied in and out)
 */
public record TcpSegment(int srcPort, int dstPort, long seq, long ack, int flags, int window, int urgent, int mss,
        int windowScale, byte[] payload) {
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

    public TcpSegment {
        requireRange(srcPort, 0xffff, "source port");
        requireRange(dstPort, 0xffff, "destination port");
        requireRange(seq, 0xffff_ffffL, "sequence number");
        requireRange(ack, 0xffff_ffffL, "acknowledgment number");
        requireRange(flags, 0x3f, "flags");
        requireRange(window, 0xffff, "window");
        requireRange(urgent, 0xffff, "urgent pointer");
        requireRange(mss + 1, 0x10000, "MSS option");
        requireRange(windowScale + 1, 0x100, "window scale option");
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException(payload.length + " bytes of data do not fit in a TCP segment");
        }
        payload = payload.clone();
    }

    private static void requireRange(long value, long max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("TCP " + what + " " + value + " is not from 0 to " + max);
        }
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's length, without copying it. */
    public int length() {
        return payload.length;
    }

    /** Whether every flag of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** How much sequence space the segment takes: its data, plus one for a SYN and one for a FIN. */
    public int sequenceLength() {
        return payload.length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
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
        if (b.length < HEADER_LENGTH) {
            throw new MalformedPacketException("TCP segment is " + b.length + " bytes, shorter than its "
                    + HEADER_LENGTH + "-byte header");
        }
        if (b.length > HEADER_LENGTH + MAX_PAYLOAD) {
            throw new MalformedPacketException("TCP segment is " + b.length + " bytes, more than IPv4 can carry");
        }
        int dataOffset = (b[12] & 0xf0) >>> 2;
        if (dataOffset < HEADER_LENGTH) {
            throw new MalformedPacketException("TCP data offset " + dataOffset / 4 + " is less than 5 words");
        }
        if (dataOffset > b.length) {
            throw new MalformedPacketException("TCP data offset " + dataOffset + " runs past the " + b.length
                    + " bytes received");
        }
        if (checksum(src, dst, b.length).add(b, 0, b.length).finish() != 0) {
            throw new MalformedPacketException("TCP checksum is wrong");
        }
        int mss = -1;
        int windowScale = -1;
        int i = HEADER_LENGTH;
        while (i < dataOffset) {
            int kind = b[i] & 0xff;
            if (kind == OPT_END) {
                break;
            }
            if (kind == OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= dataOffset) {
                throw new MalformedPacketException("TCP option " + kind + " has no length byte");
            }
            int length = b[i + 1] & 0xff;
            if (length < 2 || i + length > dataOffset) {
                throw new MalformedPacketException("TCP option " + kind + " has length " + length
                        + ", which does not fit in the header");
            }
            int fixed = switch (kind) {
                case OPT_MSS -> 4;
                case OPT_WINDOW_SCALE -> 3;
                case OPT_SACK_PERMITTED -> 2;
                case OPT_TIMESTAMPS -> 10;
                default -> length;
            };
            if (length != fixed) {
                throw new MalformedPacketException("TCP option " + kind + " has length " + length + ", not "
                        + fixed);
            }
            if (kind == OPT_MSS) {
                mss = u16(b, i + 2);
            } else if (kind == OPT_WINDOW_SCALE) {
                windowScale = b[i + 2] & 0xff;
            }
            i += length;
        }
        return new TcpSegment(u16(b, 0), u16(b, 2), u32(b, 4), u32(b, 8), b[13] & 0x3f, u16(b, 14), u16(b, 18),
                mss, windowScale, Arrays.copyOfRange(b, dataOffset, b.length));
    }

    /** The segment's bytes for an IPv4 packet from {@code src} to {@code dst}, checksum computed. */
    public byte[] encode(Ipv4Addr src, Ipv4Addr dst) {
        int optionsLength = (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
        int headerLength = HEADER_LENGTH + optionsLength;
        byte[] b = new byte[headerLength + payload.length];
        put16(b, 0, srcPort);
        put16(b, 2, dstPort);
        put16(b, 4, (int) (seq >>> 16));
        put16(b, 6, (int) seq);
        put16(b, 8, (int) (ack >>> 16));
        put16(b, 10, (int) ack);
        b[12] = (byte) (headerLength << 2);
        b[13] = (byte) flags;
        put16(b, 14, window);
        put16(b, 18, urgent);
        int i = HEADER_LENGTH;
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
        System.arraycopy(payload, 0, b, headerLength, payload.length);
        put16(b, 16, checksum(src, dst, b.length).add(b, 0, b.length).finish());
        return b;
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
                && windowScale == s.windowScale && Arrays.equals(payload, s.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(srcPort, dstPort, seq, ack, flags, window, urgent, mss, windowScale,
                Arrays.hashCode(payload));
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
        return s.append(" length ").append(payload.length).toString();
    }
}
