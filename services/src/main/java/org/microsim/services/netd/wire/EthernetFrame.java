package org.microsim.services.netd.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * An Ethernet II frame as the NIC hands it over: destination, source, EtherType, payload; no preamble and no
 * frame check sequence (the NIC checks and strips the FCS).
 *
 * <p>Parsing checks only that the 14-byte header is there. The payload is everything after it, and may end in
 * padding: a frame is at least 60 bytes on the wire (IEEE 802.3 minimum of 64 less the FCS), so a 28-byte ARP
 * packet arrives with 18 bytes of zeros after it. Only the upper layer knows its own length (IPv4 total length,
 * the fixed ARP size), so trimming is its job. An EtherType below 0x0600 is an IEEE 802.3 length, not a type;
 * it is returned as is and the caller, which only knows 0x0800 and 0x0806, drops it.
 *
 * @param etherType 0 to 0xffff
 * @param payload the bytes after the header (copied in and out)
 */
public record EthernetFrame(MacAddr dst, MacAddr src, int etherType, byte[] payload) {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    /** Destination, source, EtherType. */
    public static final int HEADER_LENGTH = 14;
    /** The shortest frame without its FCS; {@link #encode()} pads up to it. */
    public static final int MIN_LENGTH = 60;

    public EthernetFrame {
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(src, "src");
        Bytes.requireUnsigned(etherType, 16, "EtherType");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The header of a frame, read or written in place: the hot path parses and builds frames by offset in one buffer
     * (the payload starts {@link #HEADER_LENGTH} bytes after the frame) instead of copying the payload into a
     * record and out again.
     */
    public record Header(MacAddr dst, MacAddr src, int etherType) {
        /**
         * Reads the header of the frame in {@code length} bytes of {@code b} from {@code offset}.
         *
         * @throws MalformedPacketException when the frame is shorter than the header
         */
        public static Header read(byte[] b, int offset, int length) throws MalformedPacketException {
            Bytes.requireLength(length, HEADER_LENGTH, "Ethernet frame");
            return new Header(MacAddr.read(b, offset), MacAddr.read(b, offset + 6), Bytes.u16(b, offset + 12));
        }

        /** Writes the header into {@code b} from {@code at}. */
        public void write(byte[] b, int at) {
            dst.write(b, at);
            src.write(b, at + 6);
            Bytes.put16(b, at + 12, etherType);
        }
    }

    /** Reads a frame; the payload keeps any padding (see the class comment). */
    public static EthernetFrame parse(byte[] frame) throws MalformedPacketException {
        Header h = Header.read(frame, 0, frame.length);
        return new EthernetFrame(h.dst(), h.src(), h.etherType(), Arrays.copyOfRange(frame, HEADER_LENGTH,
                frame.length));
    }

    /** The frame's bytes, zero-padded to {@link #MIN_LENGTH}. */
    public byte[] encode() {
        byte[] b = new byte[Math.max(MIN_LENGTH, HEADER_LENGTH + payload.length)];
        new Header(dst, src, etherType).write(b, 0);
        System.arraycopy(payload, 0, b, HEADER_LENGTH, payload.length);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EthernetFrame f && dst.equals(f.dst) && src.equals(f.src) && etherType == f.etherType
                && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dst, src, etherType, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Ethernet " + src + " > " + dst + String.format(" type 0x%04x, %d bytes", etherType, payload.length);
    }
}
