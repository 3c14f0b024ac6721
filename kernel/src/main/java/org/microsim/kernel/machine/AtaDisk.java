package org.microsim.kernel.machine;

import java.nio.charset.StandardCharsets;

/**
 * A SATA hard disk as its IDENTIFY DEVICE data describes it (ATA8-ACS): a fixed, non-removable disk with
 * 512-byte logical and physical sectors, LBA48, DMA, write cache and the FLUSH CACHE commands, an integrity
 * word, and strings in ATA's byte-swapped, space-padded form. The data is what a real 512-byte disk reports,
 * so a driver can size the disk from words 100-103 (or 60-61) and word 106.
 */
final class AtaDisk {
    static final int CMD_READ_DMA_EXT = 0x25;
    static final int CMD_WRITE_DMA_EXT = 0x35;
    static final int CMD_FLUSH_CACHE = 0xe7;
    static final int CMD_FLUSH_CACHE_EXT = 0xea;
    static final int CMD_IDENTIFY_DEVICE = 0xec;

    static final String MODEL = "MICROSIM HARDDISK";
    static final String FIRMWARE = "1.0";

    private final DiskImage image;
    private final byte[] identify;

    AtaDisk(DiskImage image, String serial) {
        this.image = image;
        this.identify = identifyData(image.sectorCount(), serial);
    }

    DiskImage image() {
        return image;
    }

    long sectors() {
        return image.sectorCount();
    }

    /** The 512 bytes of IDENTIFY DEVICE data (a copy). */
    byte[] identify() {
        return identify.clone();
    }

    private static byte[] identifyData(long sectors, String serial) {
        int[] w = new int[256];
        w[0] = 0x0040; // ATA device, fixed
        w[1] = (int) Math.min(16383, sectors / (16 * 63));
        w[3] = 16;
        w[6] = 63;
        put(w, 10, 20, serial);
        put(w, 23, 8, FIRMWARE);
        put(w, 27, 40, MODEL);
        w[47] = 0x8010; // READ/WRITE MULTIPLE: up to 16 sectors per DRQ block
        w[49] = 0x0300; // LBA and DMA supported
        w[50] = 0x4000;
        w[53] = 0x0006; // words 64-70 and 88 are valid
        long lba28 = Math.min(sectors, 0x0fff_ffffL);
        w[60] = (int) (lba28 & 0xffff);
        w[61] = (int) (lba28 >>> 16);
        w[63] = 0x0007; // multiword DMA 0-2 supported
        w[64] = 0x0003; // PIO 3 and 4
        w[76] = 0x0006; // SATA gen 1 and gen 2 signalling speeds
        w[80] = 0x01f0; // ATA/ATAPI-4 to ATA8-ACS
        w[82] = 0x4020; // NOP, write cache
        w[83] = 0x7400; // FLUSH CACHE EXT, FLUSH CACHE, 48-bit address feature set
        w[84] = 0x4000;
        w[85] = 0x4020; // write cache enabled
        w[86] = 0x3400; // FLUSH CACHE EXT, FLUSH CACHE and 48-bit addressing enabled
        w[87] = 0x4000;
        w[88] = 0x203f; // UDMA 0-5 supported, UDMA 5 selected
        w[100] = (int) (sectors & 0xffff);
        w[101] = (int) (sectors >>> 16 & 0xffff);
        w[102] = (int) (sectors >>> 32 & 0xffff);
        w[103] = (int) (sectors >>> 48 & 0xffff);
        // Word 106 valid, one logical sector per physical sector, logical sector of 256 words (so 117-118
        // are not used and stay zero).
        w[106] = 0x4000;
        w[217] = 0x0001; // non-rotating medium
        byte[] bytes = new byte[512];
        for (int i = 0; i < 255; i++) {
            bytes[2 * i] = (byte) w[i];
            bytes[2 * i + 1] = (byte) (w[i] >>> 8);
        }
        // Integrity word: signature A5h, and a checksum making all 512 bytes sum to zero.
        bytes[510] = (byte) 0xa5;
        int sum = 0;
        for (int i = 0; i < 511; i++) {
            sum += bytes[i] & 0xff;
        }
        bytes[511] = (byte) -sum;
        return bytes;
    }

    /** ATA strings: ASCII, padded with spaces, the first character of each pair in the word's high byte. */
    private static void put(int[] words, int first, int chars, String text) {
        byte[] ascii = String.format("%-" + chars + "." + chars + "s", text).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chars / 2; i++) {
            words[first + i] = (ascii[2 * i] & 0xff) << 8 | ascii[2 * i + 1] & 0xff;
        }
    }
}
