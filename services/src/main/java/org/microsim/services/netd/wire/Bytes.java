package org.microsim.services.netd.wire;

/** Network byte order (big-endian) reads and writes, and the length check every parser starts with. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    static int i32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    /** Refuses a buffer shorter than the fixed part of {@code what}, before any field of it is read. */
    static void requireLength(byte[] b, int need, String what) throws MalformedPacketException {
        requireLength(b.length, need, what);
    }

    /** The same for {@code length} bytes of a buffer read in place. */
    static void requireLength(int length, int need, String what) throws MalformedPacketException {
        if (length < need) {
            throw new MalformedPacketException(what + " is " + length + " bytes, shorter than its " + need
                    + "-byte header");
        }
    }

    /** Refuses a value that does not fit an unsigned field of {@code bits} bits (for constructors). */
    static int requireUnsigned(int value, int bits, String what) {
        if (value < 0 || value >= 1L << bits) {
            throw new IllegalArgumentException(what + " " + value + " does not fit in " + bits + " bits");
        }
        return value;
    }
}
