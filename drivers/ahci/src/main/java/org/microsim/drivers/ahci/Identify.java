package org.microsim.drivers.ahci;

import java.nio.charset.StandardCharsets;
import org.microsim.abi.MalformedException;

/**
 * What the driver takes from IDENTIFY DEVICE data (ATA8-ACS 7.16): the model string, and the size in
 * 512-byte sectors from words 100-103 when the 48-bit feature set is supported (word 83 bit 10), else from
 * words 60-61.
 */
record Identify(String model, long sectors) {
    private static final int WORDS = 256;

    /**
     * Decodes the 512 bytes a disk returned.
     *
     * @throws MalformedException when the data is unusable: a failed integrity checksum, logical sectors
     *                            other than 512 bytes, or no sectors
     */
    static Identify parse(byte[] data) throws MalformedException {
        if (data.length != 2 * WORDS) {
            throw new MalformedException("IDENTIFY data is " + data.length + " bytes, not 512");
        }
        if ((data[510] & 0xff) == 0xa5) {
            int sum = 0;
            for (byte b : data) {
                sum += b & 0xff;
            }
            if ((sum & 0xff) != 0) {
                throw new MalformedException("IDENTIFY data fails its integrity checksum");
            }
        }
        int w106 = word(data, 106);
        if ((w106 & 0xc000) == 0x4000 && (w106 & 1 << 12) != 0) {
            throw new MalformedException("the disk's logical sectors are not 512 bytes");
        }
        boolean lba48 = (word(data, 83) & 1 << 10) != 0;
        long sectors = lba48
                ? word(data, 100) | (long) word(data, 101) << 16 | (long) word(data, 102) << 32
                        | (long) word(data, 103) << 48
                : word(data, 60) | (long) word(data, 61) << 16;
        if (sectors <= 0 || sectors >= 1L << 48) {
            throw new MalformedException("the disk reports " + Long.toUnsignedString(sectors) + " sectors");
        }
        return new Identify(string(data, 27, 20), sectors);
    }

    private static int word(byte[] data, int index) {
        return data[2 * index] & 0xff | (data[2 * index + 1] & 0xff) << 8;
    }

    /** ATA strings put the first character of each pair in the word's high byte. */
    private static String string(byte[] data, int first, int words) {
        byte[] ascii = new byte[2 * words];
        for (int i = 0; i < words; i++) {
            ascii[2 * i] = data[2 * (first + i) + 1];
            ascii[2 * i + 1] = data[2 * (first + i)];
        }
        return new String(ascii, StandardCharsets.US_ASCII).trim();
    }
}
