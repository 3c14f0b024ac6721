package org.microsim.services.netd.wire;

import java.util.HexFormat;

/**
 * An Ethernet (IEEE 802) MAC address, the 48 bits in {@code value}'s low bits with the first octet on the wire
 * the most significant.
 *
 * @param value the address, 0 to 2^48 - 1
 */
public record MacAddr(long value) {
    /** All ones: every station on the segment (RFC 826 sends ARP requests here). */
    public static final MacAddr BROADCAST = new MacAddr(0xffff_ffff_ffffL);
    /** All zeros: "unknown", the target hardware address of an ARP request. */
    public static final MacAddr ZERO = new MacAddr(0);

    static final int LENGTH = 6;

    public MacAddr {
        if (value >>> 48 != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits, not " + Long.toHexString(value));
        }
    }

    /**
     * Reads the usual notation, six two-digit hex octets separated by colons.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static MacAddr parse(String text) {
        String[] octets = text.split(":", -1);
        long v = 0;
        for (String octet : octets) {
            if (octets.length != LENGTH || octet.length() != 2 || !HexFormat.isHexDigit(octet.charAt(0))
                    || !HexFormat.isHexDigit(octet.charAt(1))) {
                throw new IllegalArgumentException("not a MAC address: \"" + text
                        + "\" (expected six two-digit hex octets separated by colons, as 52:54:00:12:34:56)");
            }
            v = v << 8 | HexFormat.fromHexDigits(octet);
        }
        return new MacAddr(v);
    }

    /** The address in the six bytes at {@code at}. */
    static MacAddr read(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < LENGTH; i++) {
            v = v << 8 | b[at + i] & 0xff;
        }
        return new MacAddr(v);
    }

    void write(byte[] b, int at) {
        for (int i = 0; i < LENGTH; i++) {
            b[at + i] = (byte) (value >>> 8 * (LENGTH - 1 - i));
        }
    }

    /** The six octets in wire order. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        write(b, 0);
        return b;
    }

    /** Whether this is a group address (the I/G bit, the low bit of the first octet); broadcast is one. */
    public boolean isMulticast() {
        return (value >>> 40 & 1) != 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(17);
        for (byte octet : toBytes()) {
            if (!s.isEmpty()) {
                s.append(':');
            }
            s.append(HexFormat.of().toHexDigits(octet));
        }
        return s.toString();
    }
}
