package org.microsim.services.netd.wire;

/**
 * An IPv4 address, its 32 bits in {@code value} with the first octet of the dotted form the most significant.
 *
 * @param value the address as an int (the sign bit is the top bit of the first octet)
 */
public record Ipv4Addr(int value) {
    /** 0.0.0.0: "this host, no address yet", a DHCP client's source (RFC 2131). */
    public static final Ipv4Addr ANY = new Ipv4Addr(0);
    /** 255.255.255.255: the limited broadcast, never forwarded (RFC 919). */
    public static final Ipv4Addr BROADCAST = new Ipv4Addr(-1);

    /**
     * Reads dotted-decimal notation: four numbers 0 to 255, each without leading zeros (some tools read
     * "010" as octal, so it is refused rather than guessed).
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static Ipv4Addr parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw bad(text, "has " + parts.length + " part" + (parts.length == 1 ? "" : "s") + ", not 4");
        }
        int v = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(text, "\"" + part + "\" is not a number from 0 to 255");
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw bad(text, "\"" + part + "\" has a leading zero");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw bad(text, octet + " is more than 255");
            }
            v = v << 8 | octet;
        }
        return new Ipv4Addr(v);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("not an IPv4 address: \"" + text + "\": " + why);
    }

    /**
     * Whether this address is in the subnet {@code net}/{@code prefixLength}; the host bits of {@code net} are
     * ignored, so an interface's own address serves as {@code net}.
     *
     * @param prefixLength 0 (every address) to 32 (only {@code net})
     */
    public boolean inSubnet(Ipv4Addr net, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("a prefix length is 0 to 32, not " + prefixLength);
        }
        // A shift by 32 is a shift by 0 in Java, hence the long.
        int mask = (int) (0xffff_ffffL << (32 - prefixLength));
        return ((value ^ net.value) & mask) == 0;
    }

    /** The four octets in wire order. */
    public byte[] toBytes() {
        byte[] b = new byte[4];
        Bytes.put32(b, 0, value);
        return b;
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + (value >>> 16 & 0xff) + "." + (value >>> 8 & 0xff) + "." + (value & 0xff);
    }
}
