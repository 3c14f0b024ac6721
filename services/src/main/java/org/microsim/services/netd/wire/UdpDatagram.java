package org.microsim.services.netd.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP datagram (RFC 768).
 *
 * <p>{@link #parse} checks the length field (at least the 8-byte header, at most what the IPv4 payload holds;
 * bytes after it are ignored, as RFC 768 leaves them to IP) and the checksum, which covers a pseudo-header of the
 * IPv4 addresses, protocol and UDP length as well as the datagram, so a datagram delivered to the wrong address
 * fails it too. A checksum field of 0 means the sender computed none (allowed for IPv4 by RFC 768 and RFC 1122
 * 4.1.3.4), and is accepted. {@link #encode} always computes one, and sends a computed 0 as 0xffff, its other
 * ones' complement form, since 0 on the wire would mean "none".
 *
 * @param srcPort 0 to 65535 (0: no reply expected)
 * @param dstPort 0 to 65535
 * @param payload the data (copied in and out)
 */
public record UdpDatagram(int srcPort, int dstPort, byte[] payload) {
    public static final int HEADER_LENGTH = 8;

    public UdpDatagram {
        Bytes.requireUnsigned(srcPort, 16, "UDP source port");
        Bytes.requireUnsigned(dstPort, 16, "UDP destination port");
        if (payload.length > 0xffff - HEADER_LENGTH) {
            throw new IllegalArgumentException(payload.length + " bytes of data do not fit in a UDP datagram");
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Reads a datagram from an IPv4 payload.
     *
     * @param src the IPv4 source, for the pseudo-header
     * @param dst the IPv4 destination, for the pseudo-header
     */
    public static UdpDatagram parse(byte[] ipPayload, Ipv4Addr src, Ipv4Addr dst) throws MalformedPacketException {
        Bytes.requireLength(ipPayload, HEADER_LENGTH, "UDP datagram");
        int length = Bytes.u16(ipPayload, 4);
        if (length < HEADER_LENGTH) {
            throw new MalformedPacketException("UDP length " + length + " is less than its 8-byte header");
        }
        if (length > ipPayload.length) {
            throw new MalformedPacketException("UDP length " + length + " exceeds the " + ipPayload.length
                    + " bytes left");
        }
        if (Bytes.u16(ipPayload, 6) != 0
                && checksum(src, dst, length).add(ipPayload, 0, length).finish() != 0) {
            throw new MalformedPacketException("UDP checksum is wrong");
        }
        return new UdpDatagram(Bytes.u16(ipPayload, 0), Bytes.u16(ipPayload, 2),
                Arrays.copyOfRange(ipPayload, HEADER_LENGTH, length));
    }

    /** The datagram's bytes for an IPv4 packet from {@code src} to {@code dst}, checksum computed. */
    public byte[] encode(Ipv4Addr src, Ipv4Addr dst) {
        byte[] b = new byte[HEADER_LENGTH + payload.length];
        Bytes.put16(b, 0, srcPort);
        Bytes.put16(b, 2, dstPort);
        Bytes.put16(b, 4, b.length);
        System.arraycopy(payload, 0, b, HEADER_LENGTH, payload.length);
        int sum = checksum(src, dst, b.length).add(b, 0, b.length).finish();
        Bytes.put16(b, 6, sum == 0 ? 0xffff : sum);
        return b;
    }

    private static Checksum checksum(Ipv4Addr src, Ipv4Addr dst, int length) {
        return Checksum.withPseudoHeader(src, dst, Ipv4Packet.PROTOCOL_UDP, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpDatagram d && srcPort == d.srcPort && dstPort == d.dstPort
                && Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(srcPort, dstPort, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "UDP " + srcPort + " > " + dstPort + ", " + payload.length + " bytes";
    }
}
