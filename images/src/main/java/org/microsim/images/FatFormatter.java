package org.microsim.images;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;
import org.microsim.drivers.fatfsd.FatClock;
import org.microsim.drivers.fatfsd.FatVolume;

/**
 * Makes an empty FAT12, FAT16 or FAT32 filesystem on a {@link BlockDevice}: what {@code mkfs.fat} does.
 *
 * <h2>Geometry</h2>
 * The layout follows the Microsoft FAT specification and mkfs.fat's defaults: two FATs, media byte 0xF8; one
 * reserved sector and a 512-entry root directory on FAT12/16; 32 reserved sectors on FAT32 with the FSInfo
 * sector at 1, the backup boot sector at 6 (and its FSInfo copy at 7) and the root directory in cluster 2.
 * The FAT type is not a label but a consequence of the cluster count (below 4085 FAT12, below 65525 FAT16,
 * else FAT32), so the cluster size decides whether a size can hold a type. Unless the caller fixes it, the
 * sectors per cluster come from the specification's tables, the ones mkfs.fat uses (FAT16: 2 up to 16 MiB,
 * 4 up to 128 MiB ...; FAT32: 1 up to 260 MiB, 8 up to 8 GiB ...; FAT12: 2 KiB, mkfs.fat's choice for
 * a hard disk); when the table's choice misses the type's range the smallest size that hits it is
 * taken. A size no cluster size of at most 32 KiB can fit to the type is refused with the reason.
 * FAT counts sectors in 32 bits, so a device of more than 2^32 - 1 sectors is formatted up to that size.
 *
 * <p>Each FAT is sized for the most clusters the volume could have with no FAT at all, which is at most a
 * sector or two more than needed and never too small. Only the metadata is written: the reserved area, both
 * FATs and the root directory; the data area is left as it was, so formatting a large memory disk stays cheap.
 *
 * <h2>Identity</h2>
 * The volume id is derived from a caller's seed (never from the clock), and a label, when given, goes into the
 * boot sector and, as mkfs.fat does, into a volume-label entry of the root directory stamped by the caller's
 * {@link FatClock}. The result is a function of its inputs: the same arguments give the same bytes.
 */
public final class FatFormatter {
    private FatFormatter() {
    }

    private static final int FAT_COUNT = 2;
    private static final int ROOT_ENTRIES = 512;
    private static final int RESERVED_16 = 1;
    private static final int RESERVED_32 = 32;
    private static final int FS_INFO_SECTOR = 1;
    private static final int BACKUP_BOOT_SECTOR = 6;
    private static final int MEDIA = 0xF8;
    private static final int MAX_CLUSTER_BYTES = 32 * 1024;
    private static final long MAX_FAT32_CLUSTERS = 0x0FFFFFF5L;

    /**
     * How to format.
     *
     * @param type              the FAT type wanted
     * @param sectorsPerCluster a power of two from 1 to 128, or 0 to choose as mkfs.fat does
     * @param label             up to 11 characters valid in a short name (lower case is upper-cased), or "" for none
     * @param seed              the volume id is derived from it
     * @param hiddenSectors     the volume's first LBA on its disk (the BPB's hidden sectors), 0 for a whole disk
     */
    public record Options(FsType type, int sectorsPerCluster, String label, long seed, long hiddenSectors) {
        /** Options with the cluster size chosen for the size and no hidden sectors. */
        public static Options of(FsType type, String label, long seed) {
            return new Options(type, 0, label, seed, 0);
        }

        /** These options with the hidden-sector count set to {@code firstLba}. */
        public Options at(long firstLba) {
            return new Options(type, sectorsPerCluster, label, seed, firstLba);
        }
    }

    /** The geometry chosen for a volume. */
    private record Layout(FsType type, int bytesPerSector, long totalSectors, int sectorsPerCluster,
                          int reservedSectors, int rootEntries, long fatSize, long clusters) {
        long rootDirSectors() {
            return ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        }

        long rootDirStart() {
            return reservedSectors + FAT_COUNT * fatSize;
        }

        long dataStart() {
            return rootDirStart() + rootDirSectors();
        }
    }

    /**
     * Formats all of {@code device}.
     *
     * @return the type written, which is the one asked for
     * @throws FsException INVALID_REQUEST when the options are wrong or the device cannot hold the type (the
     *                     message says why), READ_ONLY on a read-only device, IO_ERROR when a write fails
     */
    public static FsType format(BlockDevice device, Options options, FatClock clock) throws FsException {
        if (device.readOnly()) {
            throw new FsException(FsError.READ_ONLY, "cannot format a read-only device");
        }
        int bps = device.blockSize();
        if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) {
            throw invalid("block size " + bps + " is not a FAT sector size (512, 1024, 2048 or 4096)");
        }
        byte[] label = labelEntry(options.label(), clock);
        if (options.hiddenSectors() < 0 || options.hiddenSectors() > 0xFFFFFFFFL) {
            throw invalid("hidden sectors " + options.hiddenSectors() + " do not fit in 32 bits");
        }
        Layout layout = layout(options.type(), bps, Math.min(device.blockCount(), 0xFFFFFFFFL),
                options.sectorsPerCluster());
        write(device, layout, options, label);
        return layout.type();
    }

    /** The label's root directory entry, as fatfsd writes it (null for no label). */
    private static byte[] labelEntry(String label, FatClock clock) throws FsException {
        if (label.isEmpty()) {
            return null;
        }
        try {
            return FatVolume.labelEntry(label, clock);
        } catch (FsException e) {
            throw invalid("invalid volume label \"" + label + "\": up to 11 characters valid in a short name");
        }
    }

    private static Layout layout(FsType type, int bps, long sectors, int wanted) throws FsException {
        if (wanted != 0) {
            if (wanted < 0 || wanted > 128 || Integer.bitCount(wanted) != 1) {
                throw invalid("sectors per cluster " + wanted + " is not a power of two from 1 to 128");
            }
            if (wanted * bps > MAX_CLUSTER_BYTES) {
                throw invalid("clusters of " + wanted + " sectors of " + bps + " bytes are over 32 KiB");
            }
            Layout fixed = geometry(type, bps, sectors, wanted);
            if (!fits(fixed)) {
                throw tooSmallOrLarge(fixed, "clusters of " + wanted + " sectors");
            }
            return fixed;
        }
        int preferred = preferredClusterSectors(type, sectors * bps / 512, bps);
        if (fits(geometry(type, bps, sectors, preferred))) {
            return geometry(type, bps, sectors, preferred);
        }
        Layout last = null;
        for (int spc = 1; spc * bps <= MAX_CLUSTER_BYTES; spc *= 2) {
            last = geometry(type, bps, sectors, spc);
            if (fits(last)) {
                return last;
            }
        }
        // Show the count nearest the type's range: the smallest clusters give the most, the largest the fewest.
        Layout smallest = geometry(type, bps, sectors, 1);
        throw tooSmallOrLarge(smallest.clusters() < minClusters(type) ? smallest : last,
                "any cluster size up to 32 KiB");
    }

    /** The specification's (mkfs.fat's) cluster size, in device sectors, for {@code sectors512} 512-byte sectors. */
    private static int preferredClusterSectors(FsType type, long sectors512, int bps) {
        int units512 = switch (type) {
            case FAT12 -> 4;
            case FAT16 -> sectors512 <= 32680 ? 2 : sectors512 <= 262144 ? 4 : sectors512 <= 524288 ? 8
                    : sectors512 <= 1048576 ? 16 : sectors512 <= 2097152 ? 32 : 64;
            case FAT32 -> sectors512 <= 532480 ? 1 : sectors512 <= 16777216 ? 8 : sectors512 <= 33554432 ? 16
                    : sectors512 <= 67108864 ? 32 : 64;
        };
        return Math.max(1, units512 * 512 / bps);
    }

    private static Layout geometry(FsType type, int bps, long sectors, int spc) {
        int reserved = type == FsType.FAT32 ? RESERVED_32 : RESERVED_16;
        int rootEntries = type == FsType.FAT32 ? 0 : ROOT_ENTRIES;
        long rootSectors = ((long) rootEntries * 32 + bps - 1) / bps;
        long upperBound = Math.max(0, (sectors - reserved - rootSectors) / spc);
        long fatBytes = type == FsType.FAT12 ? ((upperBound + 2) * 3 + 1) / 2 : (upperBound + 2) * (type.code() / 8);
        long fatSize = (fatBytes + bps - 1) / bps;
        long clusters = Math.max(0, (sectors - reserved - FAT_COUNT * fatSize - rootSectors) / spc);
        return new Layout(type, bps, sectors, spc, reserved, rootEntries, fatSize, clusters);
    }

    private static long minClusters(FsType type) {
        return switch (type) {
            case FAT12 -> 1;
            case FAT16 -> 4085;
            case FAT32 -> 65525;
        };
    }

    private static boolean fits(Layout l) {
        long max = switch (l.type()) {
            case FAT12 -> 4084;
            case FAT16 -> 65524;
            case FAT32 -> MAX_FAT32_CLUSTERS;
        };
        return l.clusters() >= minClusters(l.type()) && l.clusters() <= max
                && (long) l.sectorsPerCluster() * l.bytesPerSector() <= MAX_CLUSTER_BYTES;
    }

    private static FsException tooSmallOrLarge(Layout l, String with) {
        String range = switch (l.type()) {
            case FAT12 -> "1 to 4084 clusters";
            case FAT16 -> "4085 to 65524 clusters";
            case FAT32 -> "at least 65525 clusters";
        };
        long mib = l.totalSectors() * l.bytesPerSector() >> 20;
        return invalid("a " + mib + " MiB device (" + l.totalSectors() + " sectors) cannot hold " + l.type()
                + " with " + with + ": " + l.type() + " needs " + range + ", this gives " + l.clusters() + " of "
                + l.sectorsPerCluster() * l.bytesPerSector() + " bytes");
    }

    private static void write(BlockDevice device, Layout l, Options options, byte[] label) throws FsException {
        int bps = l.bytesPerSector();
        zero(device, 0, l.dataStart() + (l.type() == FsType.FAT32 ? l.sectorsPerCluster() : 0), bps);
        byte[] boot = bootSector(l, options, label);
        write(device, 0, boot);
        if (l.type() == FsType.FAT32) {
            byte[] info = fsInfo(l);
            write(device, FS_INFO_SECTOR, info);
            write(device, BACKUP_BOOT_SECTOR, boot);
            write(device, BACKUP_BOOT_SECTOR + FS_INFO_SECTOR, info);
        }
        ByteBuffer fatStart = sector(bps);
        switch (l.type()) {
            case FAT12 -> fatStart.putInt(0, 0xFFFF00 | MEDIA);
            case FAT16 -> fatStart.putInt(0, 0xFFFFFF00 | MEDIA);
            case FAT32 -> fatStart.putInt(0, 0x0FFFFF00 | MEDIA).putInt(4, 0x0FFFFFFF).putInt(8, 0x0FFFFFFF);
        }
        for (int i = 0; i < FAT_COUNT; i++) {
            write(device, l.reservedSectors() + i * l.fatSize(), fatStart.array());
        }
        if (label != null) {
            byte[] root = new byte[bps];
            System.arraycopy(label, 0, root, 0, label.length);
            write(device, l.type() == FsType.FAT32 ? l.dataStart() : l.rootDirStart(), root);
        }
        try {
            device.flush();
        } catch (BlockException e) {
            throw new FsException(FsError.IO_ERROR, "flushing the device failed: " + e.getMessage());
        }
    }

    private static void zero(BlockDevice device, long from, long to, int bps) throws FsException {
        byte[] zeros = new byte[64 * 1024];
        int perWrite = zeros.length / bps;
        for (long s = from; s < to; s += perWrite) {
            write(device, s, (int) Math.min(perWrite, to - s), zeros);
        }
    }

    /** Writes one sector (a sector is a device block: the formatter uses the device's block size). */
    private static void write(BlockDevice device, long sector, byte[] bytes) throws FsException {
        write(device, sector, 1, bytes);
    }

    private static void write(BlockDevice device, long sector, int count, byte[] bytes) throws FsException {
        try {
            device.write(sector, count, bytes, 0);
        } catch (BlockException e) {
            throw new FsException(FsError.IO_ERROR, "writing " + count + " sectors at " + sector + " failed: "
                    + e.error() + " " + e.getMessage());
        }
    }

    /** A zeroed sector whose fields are written little-endian, as FAT lays them out. */
    private static ByteBuffer sector(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bootSector(Layout l, Options options, byte[] label) {
        ByteBuffer le = sector(l.bytesPerSector());
        byte[] b = le.array();
        boolean fat32 = l.type() == FsType.FAT32;
        int bootCode = fat32 ? 0x5A : 0x3E;
        b[0] = (byte) 0xEB;
        b[1] = (byte) (bootCode - 2);
        b[2] = (byte) 0x90;
        System.arraycopy("MICROSIM".getBytes(StandardCharsets.US_ASCII), 0, b, 3, 8);
        le.putShort(11, (short) l.bytesPerSector());
        b[13] = (byte) l.sectorsPerCluster();
        le.putShort(14, (short) l.reservedSectors());
        b[16] = (byte) FAT_COUNT;
        le.putShort(17, (short) l.rootEntries());
        boolean small = !fat32 && l.totalSectors() < 0x10000;
        le.putShort(19, (short) (small ? (int) l.totalSectors() : 0));
        b[21] = (byte) MEDIA;
        le.putShort(22, (short) (fat32 ? 0 : (int) l.fatSize()));
        le.putShort(24, (short) 63);
        le.putShort(26, (short) 255);
        le.putInt(28, (int) options.hiddenSectors());
        le.putInt(32, (int) (small ? 0 : l.totalSectors()));
        int ext = 36;
        if (fat32) {
            le.putInt(36, (int) l.fatSize());
            le.putInt(44, 2);
            le.putShort(48, (short) FS_INFO_SECTOR);
            le.putShort(50, (short) BACKUP_BOOT_SECTOR);
            ext = 64;
        }
        b[ext] = (byte) 0x80;
        b[ext + 2] = 0x29;
        le.putInt(ext + 3, (int) volumeId(options.seed()));
        System.arraycopy(label == null ? "NO NAME    ".getBytes(StandardCharsets.US_ASCII) : label, 0, b, ext + 7, 11);
        String fsType = String.format("%-8s", l.type().name());
        System.arraycopy(fsType.getBytes(StandardCharsets.US_ASCII), 0, b, ext + 18, 8);
        // int 18h ("no bootable disk"), then spin: what a BIOS booting this volume should do.
        b[bootCode] = (byte) 0xCD;
        b[bootCode + 1] = 0x18;
        b[bootCode + 2] = (byte) 0xEB;
        b[bootCode + 3] = (byte) 0xFE;
        b[510] = 0x55;
        b[511] = (byte) 0xAA;
        return b;
    }

    private static byte[] fsInfo(Layout l) {
        ByteBuffer info = sector(l.bytesPerSector());
        info.putInt(0, 0x41615252);
        info.putInt(484, 0x61417272);
        info.putInt(488, (int) (l.clusters() - 1));
        info.putInt(492, 3);
        info.putInt(508, 0xAA550000);
        return info.array();
    }

    /** A volume id from the seed: SplitMix64's finalizer, so that near seeds give unrelated ids. */
    private static long volumeId(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0xFFFFFFFFL;
    }

    private static FsException invalid(String why) {
        return new FsException(FsError.INVALID_REQUEST, why);
    }
}
