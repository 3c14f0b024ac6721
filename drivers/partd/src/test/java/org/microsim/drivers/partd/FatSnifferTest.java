package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.microsim.abi.PortSubclass;

/**
 * The FAT type follows from the layout (a FAT size only in the 32-bit field is FAT32), then from the cluster
 * count, as the Microsoft FAT specification decides it.
 */
class FatSnifferTest {
    /** A boot sector with one sector per cluster, one reserved sector, two FATs and no root directory. */
    private static byte[] boot(long totalSectors, int fatSectors) {
        byte[] b = new byte[512];
        b[0] = (byte) 0xeb;
        b[1] = 0x3c;
        b[2] = (byte) 0x90;
        b[11] = 0;
        b[12] = 2;
        b[13] = 1;
        b[14] = 1;
        b[16] = 2;
        TableWriter.put32(b, 32, totalSectors);
        b[22] = (byte) fatSectors;
        b[23] = (byte) (fatSectors >> 8);
        TableWriter.signature(b);
        return b;
    }

    @Test
    void clusterCountDecidesTheType() {
        // Data sectors = total - 1 - 2 * fat; the thresholds are 4085 and 65525 clusters.
        assertEquals(PortSubclass.BLOCK_FAT12, FatSniffer.subclass(boot(1 + 2 * 12 + 4084, 12)));
        assertEquals(PortSubclass.BLOCK_FAT16, FatSniffer.subclass(boot(1 + 2 * 12 + 4085, 12)));
        assertEquals(PortSubclass.BLOCK_FAT16, FatSniffer.subclass(boot(1 + 2 * 256 + 65524, 256)));
    }

    @Test
    void aFatSizeOnlyInThe32BitFieldIsFat32WhateverTheClusterCount() {
        // What mkfs.fat -F 32 makes of 1 MiB: about 2000 clusters, FAT32 as Linux and fsck.fat see it.
        byte[] small = boot(2048, 0);
        TableWriter.put32(small, 36, 16);
        assertEquals(PortSubclass.BLOCK_FAT32, FatSniffer.subclass(small));
        byte[] large = boot(1 + 2 * 600 + 70000, 0);
        TableWriter.put32(large, 36, 600);
        assertEquals(PortSubclass.BLOCK_FAT32, FatSniffer.subclass(large));
    }

    @Test
    void otherSectorsAreNotFat() {
        assertEquals(PortSubclass.BLOCK_UNKNOWN, FatSniffer.subclass(new byte[512]));
        byte[] noSignature = boot(10000, 12);
        noSignature[511] = 0;
        assertEquals(PortSubclass.BLOCK_UNKNOWN, FatSniffer.subclass(noSignature));
        byte[] badSectorSize = boot(10000, 12);
        badSectorSize[12] = 3;
        assertEquals(PortSubclass.BLOCK_UNKNOWN, FatSniffer.subclass(badSectorSize));
        byte[] noData = boot(20, 12);
        assertEquals(PortSubclass.BLOCK_UNKNOWN, FatSniffer.subclass(noData));
        byte[] ntfs = new byte[512];
        System.arraycopy("NTFS    ".getBytes(StandardCharsets.US_ASCII), 0, ntfs, 3, 8);
        assertEquals(PortSubclass.BLOCK_NTFS, FatSniffer.subclass(ntfs));
    }
}
