package org.microsim.images;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockException;
import org.microsim.drivers.partd.GptTypes;
import org.microsim.drivers.partd.MbrTypes;
import org.microsim.drivers.partd.PartitionTableReader;

/**
 * Writes partition tables: an MBR with up to four primaries (one of them may be an extended partition holding
 * logical partitions), or a GUID partition table. What fdisk, sfdisk and sgdisk do when told exact sectors;
 * {@link PartitionTableReader} reads back exactly what was written.
 *
 * <h2>GPT</h2>
 * A protective MBR (one type 0xEE entry from LBA 1 over the whole disk, capped at 2^32 - 1 sectors), the primary
 * header at LBA 1 with its 128 entries of 128 bytes from LBA 2, and their copies at the end: the entries just
 * before the last LBA, the backup header in it. Both headers carry the CRC32 of the entry array and their own
 * (computed with the CRC field zeroed), as UEFI 2.x chapter 5 specifies. The usable area is what lies between
 * the two entry arrays; a partition outside it, overlapping another, or named in more than 36 UTF-16 units is
 * refused. The disk GUID and every partition's unique GUID are version-4 GUIDs drawn from a SplitMix64
 * sequence started at the caller's seed: unique, unrelated across seeds, and the same bytes every time.
 *
 * <h2>MBR</h2>
 * Four 16-byte entries at byte 446 with LBA start and length (32-bit, so a partition must end below 2^32) and
 * CHS fields computed for the usual 255-head, 63-sector geometry (saturated at cylinder 1023, as every tool
 * does past 8 GiB). The disk signature at byte 440 comes from the seed. Logical partitions are chained as Linux
 * reads them: the first EBR at the extended partition's first sector, each later one in the sector just before
 * its logical partition; each EBR's first entry is its logical partition (start relative to the EBR), its
 * second the link to the next EBR (start relative to the extended partition, length to the end of the next
 * logical partition).
 *
 * <p>Layouts come from code, not from a disk, so a bad one is a programming error: it gets an
 * {@link IllegalArgumentException} saying what is wrong, before anything is written.
 */
public final class PartitionWriter {
    private PartitionWriter() {
    }

    /** The GPT type of a FAT or NTFS volume ("Microsoft basic data"). */
    public static final UUID MICROSOFT_BASIC_DATA = GptTypes.BASIC_DATA;
    /** The GPT type of an EFI system partition. */
    public static final UUID EFI_SYSTEM = GptTypes.EFI_SYSTEM;
    /** The GPT type of a Linux filesystem. */
    public static final UUID LINUX_FILESYSTEM = GptTypes.LINUX_FILESYSTEM;
    /** The number of entries the GPT entry array has room for. */
    public static final int GPT_ENTRIES = 128;

    private static final int ENTRY_SIZE = 128;
    private static final int HEADER_SIZE = 92;
    private static final int NAME_UNITS = 36;
    private static final int MBR_TABLE = 446;
    private static final int EBR_LINK = 0x05;
    private static final long MAX_U32 = 0xFFFFFFFFL;

    /**
     * A GPT partition.
     *
     * @param type       its type GUID, for example {@link #MICROSOFT_BASIC_DATA}
     * @param firstLba   its first block
     * @param blockCount its length in blocks, at least 1
     * @param name       its name, up to 36 UTF-16 units
     */
    public record GptPartition(UUID type, long firstLba, long blockCount, String name) {
        long lastLba() {
            return firstLba + blockCount - 1;
        }
    }

    /**
     * An MBR partition: a primary, or a logical one inside the extended partition.
     *
     * @param type       its type byte, 0x01..0xff; 0x05 or 0x0f for the extended partition
     * @param firstLba   its first block
     * @param blockCount its length in blocks, at least 1
     * @param bootable   whether its status byte marks it active (0x80)
     */
    public record MbrPartition(int type, long firstLba, long blockCount, boolean bootable) {
        long endLba() {
            return firstLba + blockCount;
        }
    }

    /** The first LBA a GPT partition may start at on a disk of {@code blockSize}-byte blocks. */
    public static long gptFirstUsableLba(int blockSize) {
        return 2 + arrayBlocks(blockSize);
    }

    /** The last LBA a GPT partition may end at on {@code disk}. */
    public static long gptLastUsableLba(BlockDevice disk) {
        return disk.blockCount() - 2 - arrayBlocks(disk.blockSize());
    }

    /**
     * Writes a GPT holding {@code partitions}, as entries 1, 2, ... in list order.
     *
     * @throws IllegalArgumentException when the layout does not fit the disk (nothing is written then)
     * @throws BlockException           when a write fails
     */
    public static void writeGpt(BlockDevice disk, List<GptPartition> partitions, long seed) throws BlockException {
        int bs = checkedBlockSize(disk);
        int blocks = arrayBlocks(bs);
        long last = disk.blockCount() - 1;
        if (disk.blockCount() < 2L * blocks + 4) {
            throw new IllegalArgumentException("a disk of " + disk.blockCount() + " blocks is too small for a GPT");
        }
        checkGpt(partitions, gptFirstUsableLba(bs), gptLastUsableLba(disk));
        SplitMix guids = new SplitMix(seed);
        UUID diskGuid = guids.nextGuid();
        byte[] array = new byte[blocks * bs];
        for (int i = 0; i < partitions.size(); i++) {
            GptPartition p = partitions.get(i);
            int at = i * ENTRY_SIZE;
            putGuid(array, at, p.type());
            putGuid(array, at + 16, guids.nextGuid());
            put64(array, at + 32, p.firstLba());
            put64(array, at + 40, p.lastLba());
            byte[] name = p.name().getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(name, 0, array, at + 56, name.length);
        }
        long arrayCrc = crc(array, GPT_ENTRIES * ENTRY_SIZE);
        byte[] mbr = new byte[bs];
        putMbrEntry(mbr, 0, MbrTypes.GPT_PROTECTIVE, 1, Math.min(last, MAX_U32), false);
        // UEFI fixes the protective entry's CHS: start 0/0/2, end saturated.
        mbr[MBR_TABLE + 1] = 0;
        mbr[MBR_TABLE + 2] = 2;
        mbr[MBR_TABLE + 3] = 0;
        mbr[MBR_TABLE + 5] = (byte) 0xff;
        mbr[MBR_TABLE + 6] = (byte) 0xff;
        mbr[MBR_TABLE + 7] = (byte) 0xff;
        signature(mbr);
        Header h = new Header(gptFirstUsableLba(bs), gptLastUsableLba(disk), diskGuid, arrayCrc);
        disk.write(0, 1, mbr, 0);
        disk.write(1, 1, h.bytes(bs, 1, last, 2), 0);
        disk.write(2, blocks, array, 0);
        disk.write(last - blocks, blocks, array, 0);
        disk.write(last, 1, h.bytes(bs, last, 1, last - blocks), 0);
        disk.flush();
    }

    private record Header(long firstUsable, long lastUsable, UUID diskGuid, long arrayCrc) {
        byte[] bytes(int bs, long myLba, long alternateLba, long entryLba) {
            byte[] h = new byte[bs];
            System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
            put32(h, 8, 0x00010000);
            put32(h, 12, HEADER_SIZE);
            put64(h, 24, myLba);
            put64(h, 32, alternateLba);
            put64(h, 40, firstUsable);
            put64(h, 48, lastUsable);
            putGuid(h, 56, diskGuid);
            put64(h, 72, entryLba);
            put32(h, 80, GPT_ENTRIES);
            put32(h, 84, ENTRY_SIZE);
            put32(h, 88, arrayCrc);
            put32(h, 16, crc(h, HEADER_SIZE));
            return h;
        }
    }

    private static void checkGpt(List<GptPartition> partitions, long firstUsable, long lastUsable) {
        if (partitions.size() > GPT_ENTRIES) {
            throw new IllegalArgumentException(partitions.size() + " partitions; a GPT holds " + GPT_ENTRIES);
        }
        for (int i = 0; i < partitions.size(); i++) {
            GptPartition p = partitions.get(i);
            String which = "partition " + (i + 1) + " (LBA " + p.firstLba() + " + " + p.blockCount() + ")";
            if (p.type().equals(new UUID(0, 0))) {
                throw new IllegalArgumentException(which + " has the zero type GUID, which marks an unused entry");
            }
            if (p.blockCount() < 1 || p.firstLba() < firstUsable || p.firstLba() > lastUsable
                    || p.blockCount() > lastUsable - p.firstLba() + 1) {
                throw new IllegalArgumentException(which + " is not inside the usable area LBA " + firstUsable + ".."
                        + lastUsable);
            }
            if (p.name().length() > NAME_UNITS) {
                throw new IllegalArgumentException(which + " has a name longer than " + NAME_UNITS + " UTF-16 units");
            }
            for (int j = 0; j < i; j++) {
                GptPartition q = partitions.get(j);
                if (p.firstLba() <= q.lastLba() && q.firstLba() <= p.lastLba()) {
                    throw new IllegalArgumentException(which + " overlaps partition " + (j + 1));
                }
            }
        }
    }

    /**
     * Writes an MBR holding {@code primaries} in slots 1, 2, ... and, when {@code logicals} is not empty, the EBR
     * chain of the one extended primary (type 0x05 or 0x0f) describing them, numbered 5, 6, ... in list order.
     * Each logical partition after the first needs the sector before it free for its EBR; the first one's EBR is
     * the extended partition's first sector.
     *
     * @throws IllegalArgumentException when the layout does not fit the disk (nothing is written then)
     * @throws BlockException           when a write fails
     */
    public static void writeMbr(BlockDevice disk, List<MbrPartition> primaries, List<MbrPartition> logicals,
                                long seed) throws BlockException {
        int bs = checkedBlockSize(disk);
        MbrPartition extended = checkMbr(disk.blockCount(), primaries, logicals);
        byte[] mbr = new byte[bs];
        put32(mbr, 440, new SplitMix(seed).next());
        for (int slot = 0; slot < primaries.size(); slot++) {
            MbrPartition p = primaries.get(slot);
            putMbrEntry(mbr, slot, p.type(), p.firstLba(), p.blockCount(), p.bootable());
        }
        signature(mbr);
        disk.write(0, 1, mbr, 0);
        for (int i = 0; i < logicals.size(); i++) {
            MbrPartition l = logicals.get(i);
            long ebr = ebrOf(extended, logicals, i);
            byte[] sector = new byte[bs];
            putMbrEntry(sector, 0, l.type(), l.firstLba() - ebr, l.blockCount(), l.bootable(), l.firstLba());
            if (i + 1 < logicals.size()) {
                long next = ebrOf(extended, logicals, i + 1);
                putMbrEntry(sector, 1, EBR_LINK, next - extended.firstLba(), logicals.get(i + 1).endLba() - next,
                        false, next);
            }
            signature(sector);
            disk.write(ebr, 1, sector, 0);
        }
        if (extended != null && logicals.isEmpty()) {
            byte[] empty = new byte[bs];
            signature(empty);
            disk.write(extended.firstLba(), 1, empty, 0);
        }
        disk.flush();
    }

    private static long ebrOf(MbrPartition extended, List<MbrPartition> logicals, int i) {
        return i == 0 ? extended.firstLba() : logicals.get(i).firstLba() - 1;
    }

    /** Checks an MBR layout; returns its extended partition, or null. */
    private static MbrPartition checkMbr(long diskBlocks, List<MbrPartition> primaries, List<MbrPartition> logicals) {
        if (primaries.size() > PartitionTableReader.MBR_PRIMARIES) {
            throw new IllegalArgumentException(primaries.size() + " primary partitions; an MBR holds 4");
        }
        MbrPartition extended = null;
        List<MbrPartition> all = new ArrayList<>();
        for (MbrPartition p : primaries) {
            checkEntry(p, 1, Math.min(diskBlocks, MAX_U32 + 1), "primary");
            if (MbrTypes.isExtended(p.type())) {
                if (extended != null) {
                    throw new IllegalArgumentException("two extended partitions");
                }
                extended = p;
            } else {
                all.add(p);
            }
        }
        if (!logicals.isEmpty() && extended == null) {
            throw new IllegalArgumentException("logical partitions without an extended (0x05 or 0x0f) primary");
        }
        for (int i = 0; i < logicals.size(); i++) {
            MbrPartition l = logicals.get(i);
            long ebr = ebrOf(extended, logicals, i);
            checkEntry(l, ebr + 1, extended.endLba(), "logical");
            if (MbrTypes.isExtended(l.type())) {
                throw new IllegalArgumentException("logical partition " + (i + 5) + " is itself extended");
            }
            if (i > 0 && ebr < logicals.get(i - 1).endLba()) {
                throw new IllegalArgumentException("logical partition " + (i + 5) + " at LBA " + l.firstLba()
                        + " leaves no free sector for its EBR after partition " + (i + 4));
            }
        }
        all.addAll(logicals);
        if (extended != null) {
            all.add(new MbrPartition(extended.type(), extended.firstLba(), 1, false));
        }
        all.sort(Comparator.comparingLong(MbrPartition::firstLba));
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).firstLba() < all.get(i - 1).endLba()) {
                throw new IllegalArgumentException("partitions at LBA " + all.get(i - 1).firstLba() + " and "
                        + all.get(i).firstLba() + " overlap");
            }
        }
        if (extended != null) {
            for (MbrPartition p : primaries) {
                if (p != extended && p.firstLba() < extended.endLba() && extended.firstLba() < p.endLba()) {
                    throw new IllegalArgumentException("primary partition at LBA " + p.firstLba()
                            + " overlaps the extended partition");
                }
            }
        }
        return extended;
    }

    private static void checkEntry(MbrPartition p, long lowest, long end, String kind) {
        if (p.type() < 1 || p.type() > 0xff || p.type() == MbrTypes.GPT_PROTECTIVE) {
            throw new IllegalArgumentException(kind + " partition type " + p.type() + " is not 0x01..0xff (nor 0xee)");
        }
        if (p.blockCount() < 1 || p.firstLba() < lowest || p.firstLba() >= end || p.blockCount() > end - p.firstLba()) {
            throw new IllegalArgumentException(kind + " partition LBA " + p.firstLba() + " + " + p.blockCount()
                    + " is not inside LBA " + lowest + ".." + (end - 1));
        }
    }

    private static int checkedBlockSize(BlockDevice disk) {
        int bs = disk.blockSize();
        if (bs < PartitionTableReader.MIN_BLOCK_SIZE || Integer.bitCount(bs) != 1) {
            throw new IllegalArgumentException("block size " + bs + " cannot hold a partition table");
        }
        return bs;
    }

    private static int arrayBlocks(int blockSize) {
        return (GPT_ENTRIES * ENTRY_SIZE + blockSize - 1) / blockSize;
    }

    private static void putMbrEntry(byte[] sector, int slot, int type, long start, long count, boolean active) {
        putMbrEntry(sector, slot, type, start, count, active, start);
    }

    /** An entry whose start field is {@code start} (relative in EBRs) and which lies at {@code absolute} on disk. */
    private static void putMbrEntry(byte[] sector, int slot, int type, long start, long count, boolean active,
                                    long absolute) {
        int at = MBR_TABLE + 16 * slot;
        sector[at] = (byte) (active ? 0x80 : 0);
        putChs(sector, at + 1, absolute);
        sector[at + 4] = (byte) type;
        putChs(sector, at + 5, absolute + count - 1);
        put32(sector, at + 8, start);
        put32(sector, at + 12, count);
    }

    private static void putChs(byte[] b, int at, long lba) {
        long cylinder = lba / (255 * 63);
        int head = (int) (lba / 63 % 255);
        int sector = (int) (lba % 63) + 1;
        if (cylinder > 1023) {
            cylinder = 1023;
            head = 254;
            sector = 63;
        }
        b[at] = (byte) head;
        b[at + 1] = (byte) (sector | (cylinder >>> 2 & 0xc0));
        b[at + 2] = (byte) cylinder;
    }

    private static void signature(byte[] sector) {
        sector[510] = 0x55;
        sector[511] = (byte) 0xaa;
    }

    private static void put32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void put64(byte[] b, int at, long v) {
        put32(b, at, v);
        put32(b, at + 4, v >>> 32);
    }

    /** A GUID as GPT stores it: the first three fields little-endian, the last eight bytes in order. */
    private static void putGuid(byte[] b, int at, UUID u) {
        long hi = u.getMostSignificantBits();
        put32(b, at, hi >>> 32);
        b[at + 4] = (byte) (hi >>> 16);
        b[at + 5] = (byte) (hi >>> 24);
        b[at + 6] = (byte) hi;
        b[at + 7] = (byte) (hi >>> 8);
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[at + 8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
    }

    private static long crc(byte[] b, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, length);
        return crc.getValue();
    }

    /** SplitMix64: a seeded sequence of well-mixed longs, the source of GUIDs and the disk signature. */
    private static final class SplitMix {
        private long state;

        SplitMix(long seed) {
            state = seed;
        }

        long next() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** A random (version 4, RFC 4122 variant) GUID. */
        UUID nextGuid() {
            long hi = next() & ~0xF000L | 0x4000L;
            long lo = next() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
            return new UUID(hi, lo);
        }
    }
}
