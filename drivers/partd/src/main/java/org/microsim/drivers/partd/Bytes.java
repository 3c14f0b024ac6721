package org.microsim.drivers.partd;

/** Little-endian fields of on-disk structures, read from a sector the caller has bounds-checked. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xffffffffL;
    }

    /** A u64 field; values over 2^63-1 come back negative, which every range check rejects. */
    static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    /** True when bytes 510..511 hold the 0x55 0xAA boot signature. */
    static boolean bootSignature(byte[] sector) {
        return sector.length >= 512 && u8(sector, 510) == 0x55 && u8(sector, 511) == 0xaa;
    }
}
