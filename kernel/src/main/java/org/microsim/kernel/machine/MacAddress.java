package org.microsim.kernel.machine;

import java.util.HexFormat;

/** A 48-bit Ethernet address, written {@code 52:54:00:12:34:56}. */
record MacAddress(long value) {
    /** QEMU's default for its first NIC; later NICs count up from it. */
    public static final MacAddress DEFAULT = new MacAddress(0x5254_0012_3456L);

    /** Checks that the value fits in 48 bits. */
    public MacAddress {
        if (value < 0 || value > 0xffff_ffff_ffffL) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
    }

    /**
     * Parses six colon-separated hex bytes.
     *
     * @throws IllegalArgumentException naming the text when it is not a MAC address
     */
    public static MacAddress parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address like 52:54:00:12:34:56");
        }
        long value = 0;
        for (String part : parts) {
            if (part.length() != 2 || !HexFormat.isHexDigit(part.charAt(0)) || !HexFormat.isHexDigit(part.charAt(1))) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address like 52:54:00:12:34:56");
            }
            value = value << 8 | HexFormat.fromHexDigits(part);
        }
        return new MacAddress(value);
    }

    /** Byte {@code i} (0 is first on the wire). */
    public int octet(int i) {
        return (int) (value >>> (8 * (5 - i))) & 0xff;
    }

    /** The six bytes in wire order. */
    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) octet(i);
        }
        return b;
    }

    /** True for a group (multicast or broadcast) address. */
    public boolean multicast() {
        return (octet(0) & 1) != 0;
    }

    /** The address {@code n} above this one, wrapping within 48 bits. */
    public MacAddress plus(int n) {
        return new MacAddress(value + n & 0xffff_ffff_ffffL);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append(i == 0 ? "" : ":").append(String.format("%02x", octet(i)));
        }
        return s.toString();
    }
}
