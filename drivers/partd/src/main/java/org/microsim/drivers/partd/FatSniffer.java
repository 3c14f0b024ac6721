package org.microsim.drivers.partd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.microsim.abi.PortSubclass;

/**
 * Tells what a partition (or a disk) holds from its first sector, where its type does not say. A sector is a FAT boot sector when it has a jump instruction (EB xx or E9 xx xx), the 0x55AA
 * signature and a plausible BPB (bytes per sector a power of two from 512 to 4096, sectors per cluster a
 * power of two, at least one reserved sector and one FAT, a non-zero FAT size and sector count). A FAT size
 * only in the 32-bit field is the FAT32 layout, FAT32 whatever the cluster count (as Linux and fsck.fat decide,
 * and as {@code mkfs.fat -F 32} makes small volumes); otherwise the count of data clusters decides as the
 * Microsoft FAT specification does (under 4085 FAT12, else FAT16). The OEM name "NTFS    " gives NTFS.
 * Anything else is {@link PortSubclass#BLOCK_UNKNOWN}.
 */
final class FatSniffer {
    private FatSniffer() {
    }

    static int subclass(byte[] sector) {
        if (sector.length < 512) {
            return PortSubclass.BLOCK_UNKNOWN;
        }
        if (Arrays.equals(sector, 3, 11, "NTFS    ".getBytes(StandardCharsets.US_ASCII), 0, 8)) {
            return PortSubclass.BLOCK_NTFS;
        }
        int jump = Bytes.u8(sector, 0);
        if ((jump != 0xeb && jump != 0xe9) || !Bytes.bootSignature(sector)) {
            return PortSubclass.BLOCK_UNKNOWN;
        }
        int bytesPerSector = Bytes.u16(sector, 11);
        int sectorsPerCluster = Bytes.u8(sector, 13);
        int reserved = Bytes.u16(sector, 14);
        int fats = Bytes.u8(sector, 16);
        int rootEntries = Bytes.u16(sector, 17);
        long totalSectors = Bytes.u16(sector, 19) != 0 ? Bytes.u16(sector, 19) : Bytes.u32(sector, 32);
        long fatSize = Bytes.u16(sector, 22) != 0 ? Bytes.u16(sector, 22) : Bytes.u32(sector, 36);
        if (!powerOfTwo(bytesPerSector) || bytesPerSector < 512 || bytesPerSector > 4096
                || !powerOfTwo(sectorsPerCluster) || reserved == 0 || fats == 0 || fatSize == 0 || totalSectors == 0) {
            return PortSubclass.BLOCK_UNKNOWN;
        }
        long rootSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        long dataSectors = totalSectors - (reserved + fats * fatSize + rootSectors);
        if (dataSectors <= 0) {
            return PortSubclass.BLOCK_UNKNOWN;
        }
        if (Bytes.u16(sector, 22) == 0) {
            return PortSubclass.BLOCK_FAT32;
        }
        return dataSectors / sectorsPerCluster < 4085 ? PortSubclass.BLOCK_FAT12 : PortSubclass.BLOCK_FAT16;
    }

    private static boolean powerOfTwo(int v) {
        return v > 0 && (v & (v - 1)) == 0;
    }
}
