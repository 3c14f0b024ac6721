package org.microsim.drivers.partd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.microsim.abi.PortSubclass;

/**
 * Reads an MBR partition table and the logical partitions of its extended partition.
 *
 * <p>The MBR holds four 16-byte entries at byte 446 (status, CHS start, type, CHS end, LBA start u32,
 * sector count u32); CHS fields are ignored, as every modern system does. An extended partition (type
 * 0x05, 0x0f or 0x85) holds a chain of EBRs: each EBR is a sector laid out like an MBR whose first entry is
 * one logical partition, its start relative to that EBR, and whose second entry points to the next EBR,
 * its start relative to the first EBR (the extended partition's start); an empty second entry ends the
 * chain. Logical partitions are numbered from 5 in chain order, as Linux numbers them.
 *
 * <p>The chain is on-disk data and can be anything, so the walk is bounded: at most {@link #MAX_EBRS}
 * EBRs, never the same EBR twice (a loop), never an EBR outside the extended partition. A broken link ends
 * the walk with a problem; the logical partitions found before it stay.
 */
final class MbrReader {
    private MbrReader() {
    }

    static final int PRIMARIES = PartitionTableReader.MBR_PRIMARIES;
    static final int MAX_EBRS = 256;
    private static final int TABLE = 446;

    /** One 16-byte table entry. */
    record Entry(int status, int type, long start, long sectors) {
    }

    static List<Entry> entries(byte[] sector) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < PRIMARIES; i++) {
            int at = TABLE + 16 * i;
            entries.add(new Entry(Bytes.u8(sector, at), Bytes.u8(sector, at + 4), Bytes.u32(sector, at + 8),
                    Bytes.u32(sector, at + 12)));
        }
        return entries;
    }

    /**
     * True when LBA 0 can be an MBR: every status byte is 0x00 or 0x80 (as Linux requires), and it is not a
     * FAT or NTFS boot sector with an empty table (a volume written to the whole disk) or with an entry that
     * starts at LBA 0, over the table itself: {@code mkfs.fat --mbr=y} writes such an entry into the boot
     * sector of a whole-disk volume for systems that want a table, and Linux, finding it, reads the boot
     * sector as the volume (blkid sees vfat, partx no table); so does partd.
     */
    static boolean isMbr(byte[] sector) {
        List<Entry> entries = entries(sector);
        if (entries.stream().anyMatch(e -> e.status() != 0 && e.status() != 0x80)) {
            return false;
        }
        if (FatSniffer.subclass(sector) == PortSubclass.BLOCK_UNKNOWN) {
            return true;
        }
        List<Entry> used = entries.stream().filter(e -> e.type() != MbrTypes.EMPTY).toList();
        return !used.isEmpty() && used.stream().noneMatch(e -> e.start() == 0);
    }

    /** The partitions of the MBR in {@code sector}, primaries by slot then logicals, before the shared checks. */
    static List<Partition> read(Sectors disk, byte[] sector) {
        List<Partition> found = new ArrayList<>();
        Partition extended = null;
        List<Entry> entries = entries(sector);
        for (int slot = 0; slot < PRIMARIES; slot++) {
            Entry e = entries.get(slot);
            if (e.type() == MbrTypes.EMPTY) {
                continue;
            }
            Partition p = partition(slot + 1, e.start(), e.sectors(), e.type());
            found.add(p);
            if (MbrTypes.isExtended(e.type())) {
                if (extended == null) {
                    extended = p;
                } else {
                    disk.problem("partition " + p.index() + " is a second extended partition; its chain is not read");
                }
            }
        }
        if (extended != null) {
            found.addAll(logicals(disk, extended));
        }
        return found;
    }

    private static List<Partition> logicals(Sectors disk, Partition extended) {
        List<Partition> logicals = new ArrayList<>();
        long base = extended.firstLba();
        long end = Math.min(extended.endLba(), disk.blockCount());
        Set<Long> seen = new HashSet<>();
        long ebr = base;
        int number = PRIMARIES + 1;
        for (int hops = 0; hops < MAX_EBRS; hops++) {
            if (ebr < base || ebr >= end || base == 0) {
                disk.problem("EBR at LBA " + ebr + " lies outside extended partition " + extended.index()
                        + " (LBA " + base + ".." + (end - 1) + "); chain ends");
                return logicals;
            }
            if (!seen.add(ebr)) {
                disk.problem("EBR chain loops back to LBA " + ebr + "; chain ends");
                return logicals;
            }
            byte[] sector = disk.block(ebr, "EBR");
            if (sector == null) {
                return logicals;
            }
            if (!Bytes.bootSignature(sector)) {
                disk.problem("EBR at LBA " + ebr + " has no 0x55AA signature; chain ends");
                return logicals;
            }
            List<Entry> entries = entries(sector);
            Entry data = entries.get(0);
            if (data.type() != MbrTypes.EMPTY && data.sectors() == 0) {
                disk.problem("EBR at LBA " + ebr + " holds an empty (zero-length) logical partition; ignored");
            } else if (data.type() != MbrTypes.EMPTY) {
                Partition p = partition(number++, ebr + data.start(), data.sectors(), data.type());
                if (p.firstLba() < base || p.endLba() > extended.endLba()) {
                    disk.problem("logical partition " + p.index() + " (LBA " + p.firstLba() + " + " + p.blockCount()
                            + ") is not inside extended partition " + extended.index() + "; ignored");
                } else {
                    logicals.add(p);
                }
            }
            Entry next = entries.get(1);
            if (next.type() == MbrTypes.EMPTY) {
                return logicals;
            }
            if (!MbrTypes.isExtended(next.type())) {
                disk.problem("EBR at LBA " + ebr + " links to a type " + new PartitionType.Mbr(next.type())
                        + " entry instead of an EBR; chain ends");
                return logicals;
            }
            ebr = base + next.start();
        }
        disk.problem("EBR chain longer than " + MAX_EBRS + " links; the rest is not read");
        return logicals;
    }

    private static Partition partition(int index, long start, long sectors, int type) {
        return new Partition(index, start, sectors, new PartitionType.Mbr(type), MbrTypes.subclass(type),
                MbrTypes.name(type), "");
    }
}
