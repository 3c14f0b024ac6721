package org.microsim.drivers.partd;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.microsim.testkit.task.MemoryDisk;

/** Writes partition tables into a {@link MemoryDisk} for tests: an independent writer the reader is checked against. */
final class TableWriter {
    private TableWriter() {
    }

    /** An MBR entry: slot 0-3 for primaries. */
    record MbrEntry(int type, long start, long sectors) {
    }

    /** A logical partition and the LBA of the EBR that describes it. */
    record Logical(long ebr, int type, long start, long sectors) {
    }

    /** A GPT entry at {@code slot} (0-based). */
    record GptEntry(int slot, UUID type, long first, long last, String name) {
    }

    static void put32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    static void put64(byte[] b, int at, long v) {
        put32(b, at, v);
        put32(b, at + 4, v >>> 32);
    }

    static void entry(byte[] sector, int slot, int type, long start, long sectors) {
        int at = 446 + 16 * slot;
        sector[at + 4] = (byte) type;
        put32(sector, at + 8, start);
        put32(sector, at + 12, sectors);
    }

    static void signature(byte[] sector) {
        sector[510] = 0x55;
        sector[511] = (byte) 0xaa;
    }

    private static byte[] sector(MemoryDisk disk) {
        return new byte[disk.blockSize()];
    }

    private static void put(MemoryDisk disk, long lba, byte[] data) {
        System.arraycopy(data, 0, disk.bytes(), Math.toIntExact(lba * disk.blockSize()), data.length);
    }

    /**
     * Writes an MBR with {@code primaries} (null = empty slot) and, when {@code logicals} is not empty, the
     * EBR chain of the extended partition {@code extendedStart}, in list order.
     */
    static void mbr(MemoryDisk disk, MbrEntry[] primaries, long extendedStart, List<Logical> logicals) {
        byte[] mbr = sector(disk);
        for (int slot = 0; slot < 4; slot++) {
            if (primaries[slot] != null) {
                entry(mbr, slot, primaries[slot].type(), primaries[slot].start(), primaries[slot].sectors());
            }
        }
        signature(mbr);
        put(disk, 0, mbr);
        for (int i = 0; i < logicals.size(); i++) {
            Logical l = logicals.get(i);
            byte[] ebr = sector(disk);
            entry(ebr, 0, l.type(), l.start() - l.ebr(), l.sectors());
            if (i + 1 < logicals.size()) {
                Logical next = logicals.get(i + 1);
                entry(ebr, 1, 0x05, next.ebr() - extendedStart, next.sectors() + next.start() - next.ebr());
            }
            signature(ebr);
            put(disk, l.ebr(), ebr);
        }
    }

    static void guid(byte[] b, int at, UUID u) {
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

    static long crc(byte[] b, int length) {
        CRC32 c = new CRC32();
        c.update(b, 0, length);
        return c.getValue();
    }

    /** The number of blocks the entry array takes. */
    static int arrayBlocks(MemoryDisk disk, int entryCount, int entrySize) {
        return Math.max(1, (entryCount * entrySize + disk.blockSize() - 1) / disk.blockSize());
    }

    /** Writes a protective MBR, the primary GPT at LBA 1, its entries from LBA 2, and the backup at the end. */
    static void gpt(MemoryDisk disk, List<GptEntry> entries, int entryCount, int entrySize) {
        long last = disk.blockCount() - 1;
        int blocks = arrayBlocks(disk, entryCount, entrySize);
        byte[] mbr = sector(disk);
        entry(mbr, 0, 0xee, 1, Math.min(last, 0xffffffffL));
        signature(mbr);
        put(disk, 0, mbr);
        byte[] array = new byte[blocks * disk.blockSize()];
        for (GptEntry e : entries) {
            int at = e.slot() * entrySize;
            guid(array, at, e.type());
            guid(array, at + 16, UUID.nameUUIDFromBytes(e.name().getBytes(StandardCharsets.UTF_8)));
            put64(array, at + 32, e.first());
            put64(array, at + 40, e.last());
            byte[] name = e.name().getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(name, 0, array, at + 56, Math.min(name.length, 72));
        }
        long firstUsable = 2 + blocks;
        long lastUsable = last - 1 - blocks;
        put(disk, 2, array);
        put(disk, last - blocks, array);
        long arrayCrc = crc(array, entryCount * entrySize);
        put(disk, 1, header(disk, 1, last, firstUsable, lastUsable, 2, entryCount, entrySize, arrayCrc));
        put(disk, last, header(disk, last, 1, firstUsable, lastUsable, last - blocks, entryCount, entrySize, arrayCrc));
    }

    static byte[] header(MemoryDisk disk, long my, long alternate, long firstUsable, long lastUsable, long entryLba,
                         int entryCount, int entrySize, long arrayCrc) {
        byte[] h = sector(disk);
        System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
        put32(h, 8, 0x00010000);
        put32(h, 12, 92);
        put64(h, 24, my);
        put64(h, 32, alternate);
        put64(h, 40, firstUsable);
        put64(h, 48, lastUsable);
        guid(h, 56, UUID.nameUUIDFromBytes(new byte[] {1}));
        put64(h, 72, entryLba);
        put32(h, 80, entryCount);
        put32(h, 84, entrySize);
        put32(h, 88, arrayCrc);
        put32(h, 16, crc(h, 92));
        return h;
    }
}
