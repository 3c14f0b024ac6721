package org.microsim.services.netd.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * An ICMP message (RFC 792): type, code, the four type-specific bytes after the checksum, and the data. The
 * checksum covers the whole message and is checked on {@link #parse}, computed on {@link #encode}; there is no
 * length field, the message is the whole IPv4 payload. Types and codes are not checked here: an unknown type is
 * netd's to ignore (RFC 1122 3.2.2), not a damaged packet.
 *
 * @param type 0 to 255, e.g. {@link #ECHO_REQUEST}
 * @param code 0 to 255
 * @param restOfHeader the four bytes after the checksum as a big-endian int: identifier and sequence number
 *     of an echo, the unused word of a destination-unreachable, ...
 * @param payload the data after the 8-byte header (copied in and out)
 */
public record IcmpMessage(int type, int code, int restOfHeader, byte[] payload) {
    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int HEADER_LENGTH = 8;

    public IcmpMessage {
        Bytes.requireUnsigned(type, 8, "ICMP type");
        Bytes.requireUnsigned(code, 8, "ICMP code");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** A ping: echo request with this identifier and sequence number (each 0 to 65535) and data. */
    public static IcmpMessage echoRequest(int identifier, int sequence, byte[] data) {
        return new IcmpMessage(ECHO_REQUEST, 0, echoWord(identifier, sequence), data);
    }

    /** An echo reply with this identifier and sequence number (each 0 to 65535) and data. */
    public static IcmpMessage echoReply(int identifier, int sequence, byte[] data) {
        return new IcmpMessage(ECHO_REPLY, 0, echoWord(identifier, sequence), data);
    }

    private static int echoWord(int identifier, int sequence) {
        return Bytes.requireUnsigned(identifier, 16, "echo identifier") << 16
                | Bytes.requireUnsigned(sequence, 16, "echo sequence number");
    }

    /** The identifier of an echo request or reply: the high half of {@link #restOfHeader}. */
    public int identifier() {
        return restOfHeader >>> 16;
    }

    /** The sequence number of an echo request or reply: the low half of {@link #restOfHeader}. */
    public int sequence() {
        return restOfHeader & 0xffff;
    }

    /** Reads a message from an IPv4 payload, checking its checksum. */
    public static IcmpMessage parse(byte[] b) throws MalformedPacketException {
        Bytes.requireLength(b, HEADER_LENGTH, "ICMP message");
        if (Checksum.of(b, 0, b.length) != 0) {
            throw new MalformedPacketException("ICMP checksum is wrong");
        }
        return new IcmpMessage(Bytes.u8(b, 0), Bytes.u8(b, 1), Bytes.i32(b, 4),
                Arrays.copyOfRange(b, HEADER_LENGTH, b.length));
    }

    /** The message's bytes, checksum computed. */
    public byte[] encode() {
        byte[] b = new byte[HEADER_LENGTH + payload.length];
        b[0] = (byte) type;
        b[1] = (byte) code;
        Bytes.put32(b, 4, restOfHeader);
        System.arraycopy(payload, 0, b, HEADER_LENGTH, payload.length);
        Bytes.put16(b, 2, Checksum.of(b, 0, b.length));
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IcmpMessage m && type == m.type && code == m.code && restOfHeader == m.restOfHeader
                && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, code, restOfHeader, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "ICMP type " + type + " code " + code + String.format(" rest 0x%08x, ", restOfHeader)
                + payload.length + " bytes";
    }
}
