package org.microsim.kernel.machine;

/** Little-endian fields in device structures (FISes, descriptors, command headers). */
final class Bytes {
    private Bytes() {
    }

    static int le16(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8;
    }

    static int le32(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static long u32(byte[] b, int at) {
        return le32(b, at) & 0xffffffffL;
    }

    static long le64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    static void put16(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
    }

    static void put32(byte[] b, int at, int value) {
        put16(b, at, value);
        put16(b, at + 2, value >>> 16);
    }
}
