package org.microsim.drivers.fatfsd;

import java.nio.charset.StandardCharsets;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;

/**
 * The BIOS parameter block of a FAT boot sector, validated, with the geometry derived from it.
 *
 * <p>A volume whose 16-bit FAT size is 0 and whose 32-bit one is not has the FAT32 layout (a root directory
 * cluster, no fixed root, 32-bit FAT entries) and is FAT32 whatever its cluster count, as Linux and fsck.fat
 * decide; {@code mkfs.fat -F 32} makes such volumes below the specification's 65525 clusters. Otherwise the
 * count of data clusters decides, as the Microsoft specification says: below 4085 FAT12, below 65525 FAT16, and
 * more is refused (no FAT16 addresses them). The "FAT12   " strings in the boot sector are informational and
 * ignored. Every field the layout depends on is checked against the specification's allowed
 * values and against the device size, so that nothing computed from a hostile boot sector can point outside
 * the device or make a loop run away; a refusal says which field is wrong.
 */
record Bpb(int bytesPerSector, int sectorsPerCluster, int reservedSectors, int fatCount, int rootEntryCount,
        long totalSectors, int media, long fatSize, FsType type, long clusterCount, long rootCluster,
        int fsInfoSector, int extFlags, String label) {

    static final int LABEL_OFFSET_16 = 43;
    static final int LABEL_OFFSET_32 = 71;

    /** Sectors of the fixed root directory (0 on FAT32). */
    long rootDirSectors() {
        return ((long) rootEntryCount * 32 + bytesPerSector - 1) / bytesPerSector;
    }

    long rootDirStart() {
        return reservedSectors + fatCount * fatSize;
    }

    long dataStart() {
        return rootDirStart() + rootDirSectors();
    }

    int clusterSize() {
        return bytesPerSector * sectorsPerCluster;
    }

    /** The highest valid cluster number. */
    long maxCluster() {
        return clusterCount + 1;
    }

    /** FAT32 can switch mirroring off and use one active FAT only. */
    boolean mirrored() {
        return type != FsType.FAT32 || (extFlags & 0x80) == 0;
    }

    int activeFat() {
        return mirrored() ? 0 : extFlags & 0x0f;
    }

    int labelOffset() {
        return type == FsType.FAT32 ? LABEL_OFFSET_32 : LABEL_OFFSET_16;
    }

    /**
     * Parses and validates boot sector {@code b} for a device of {@code deviceBytes} bytes.
     *
     * @throws FsException CORRUPT with the reason when the volume cannot be mounted
     */
    static Bpb parse(byte[] b, long deviceBytes) throws FsException {
        if (b.length < 512) {
            throw refuse("boot sector shorter than 512 bytes");
        }
        int jump = Le.u8(b, 0);
        if (!(jump == 0xEB && Le.u8(b, 2) == 0x90) && jump != 0xE9) {
            throw refuse("no x86 jump instruction at offset 0 (found 0x" + Integer.toHexString(jump)
                    + "): not a FAT boot sector");
        }
        if (Le.u8(b, 510) != 0x55 || Le.u8(b, 511) != 0xAA) {
            throw refuse("boot signature 0x55 0xAA missing at offset 510");
        }
        int bps = Le.u16(b, 11);
        if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) {
            throw refuse("bytes per sector " + bps + " is not 512, 1024, 2048 or 4096");
        }
        int spc = Le.u8(b, 13);
        if (spc == 0 || Integer.bitCount(spc) != 1) {
            throw refuse("sectors per cluster " + spc + " is not a power of two from 1 to 128");
        }
        if ((long) bps * spc > 64 * 1024) {
            throw refuse("cluster size " + bps * spc + " is over 64 KiB");
        }
        int reserved = Le.u16(b, 14);
        if (reserved == 0) {
            throw refuse("reserved sector count is 0");
        }
        int fats = Le.u8(b, 16);
        if (fats == 0 || fats > 4) {
            throw refuse("number of FATs " + fats + " is not between 1 and 4");
        }
        int rootEntries = Le.u16(b, 17);
        long total = Le.u16(b, 19) != 0 ? Le.u16(b, 19) : Le.u32(b, 32);
        int media = Le.u8(b, 21);
        if (media != 0xF0 && media < 0xF8) {
            throw refuse("media byte 0x" + Integer.toHexString(media) + " is not F0 or F8..FF");
        }
        long fatSize = Le.u16(b, 22) != 0 ? Le.u16(b, 22) : Le.u32(b, 36);
        if (fatSize == 0) {
            throw refuse("FAT size is 0");
        }
        if (total == 0) {
            throw refuse("total sector count is 0");
        }
        if (total * bps > deviceBytes) {
            throw refuse("volume of " + total + " sectors of " + bps + " bytes is larger than the device ("
                    + deviceBytes + " bytes)");
        }
        long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
        long meta = reserved + fats * fatSize + rootSectors;
        if (meta >= total) {
            throw refuse("reserved, FAT and root directory sectors (" + meta + ") leave no data area in "
                    + total + " sectors");
        }
        long clusters = (total - meta) / spc;
        if (clusters == 0) {
            throw refuse("no data cluster");
        }
        boolean fat32Layout = Le.u16(b, 22) == 0;
        if (!fat32Layout && clusters >= 65525) {
            throw refuse("volume with a 16-bit FAT size and " + clusters + " clusters: FAT12 and FAT16 address"
                    + " fewer than 65525, and FAT32 keeps its FAT size in the 32-bit field");
        }
        FsType type = fat32Layout ? FsType.FAT32 : clusters < 4085 ? FsType.FAT12 : FsType.FAT16;
        if (clusters > 0x0FFFFFF5L) {
            throw refuse(clusters + " clusters is more than FAT32 can address");
        }
        long rootCluster = 0;
        int fsInfo = 0;
        int extFlags = 0;
        if (type == FsType.FAT32) {
            if (rootEntries != 0) {
                throw refuse("FAT32 volume (" + clusters + " clusters) with a fixed root directory of "
                        + rootEntries + " entries");
            }
            if (Le.u16(b, 42) != 0) {
                throw refuse("FAT32 version " + Le.u16(b, 42) + " is not 0.0");
            }
            rootCluster = Le.u32(b, 44);
            if (rootCluster < 2 || rootCluster > clusters + 1) {
                throw refuse("root directory cluster " + rootCluster + " outside 2.." + (clusters + 1));
            }
            fsInfo = Le.u16(b, 48);
            extFlags = Le.u16(b, 40);
            if ((extFlags & 0x80) != 0 && (extFlags & 0x0f) >= fats) {
                throw refuse("active FAT " + (extFlags & 0x0f) + " of " + fats + " FATs");
            }
        } else if (rootEntries == 0) {
            throw refuse(type + " volume with a root directory of 0 entries");
        }
        int bits = type.code();
        long entriesInFat = fatSize * bps * 8 / bits;
        if (entriesInFat < clusters + 2) {
            throw refuse("FAT of " + fatSize + " sectors holds " + entriesInFat + " entries, " + (clusters + 2)
                    + " needed");
        }
        if (fatSize * bps > Integer.MAX_VALUE) {
            throw refuse("FAT of " + fatSize * bps + " bytes is too large to cache");
        }
        int labelAt = type == FsType.FAT32 ? LABEL_OFFSET_32 : LABEL_OFFSET_16;
        int sigAt = labelAt - 5;
        String label = Le.u8(b, sigAt) == 0x29 ? trimLabel(b, labelAt) : "";
        return new Bpb(bps, spc, reserved, fats, rootEntries, total, media, fatSize, type, clusters, rootCluster,
                fsInfo, extFlags, label);
    }

    /** An 11-byte space-padded label as a string, "NO NAME" meaning none. */
    static String trimLabel(byte[] b, int off) {
        String s = new String(b, off, 11, StandardCharsets.ISO_8859_1).stripTrailing();
        return s.equals("NO NAME") ? "" : s;
    }

    private static FsException refuse(String why) {
        return new FsException(FsError.CORRUPT, "not mountable: " + why);
    }
}
