package org.microsim.drivers.partd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.microsim.abi.MalformedException;

/**
 * Reads a GUID partition table (UEFI 2.x, chapter 5).
 *
 * <p>The header is at LBA 1, its backup at the last LBA:
 * <pre>
 *  0 "EFI PART"  8 revision u32  12 header size u32  16 header CRC32 u32  20 reserved u32
 * 24 my LBA u64  32 alternate LBA u64  40 first usable LBA u64  48 last usable LBA u64  56 disk GUID[16]
 * 72 entry array LBA u64  80 entry count u32  84 entry size u32  88 entry array CRC32 u32
 * </pre>
 * Each entry: type GUID[16], unique GUID[16], first LBA u64, last LBA u64 (inclusive), attributes u64,
 * name UTF-16LE[72]. GUIDs store their first three fields little-endian.
 *
 * <p>A header is used only if its signature, size, header CRC32 (computed with the CRC field zeroed), own
 * LBA, entry geometry and entry-array CRC32 all check out. The primary is tried first; when it is sound,
 * the backup it points to is checked too and any damage reported (the partitions still come from the
 * primary). When the primary fails, the backup at the last LBA is used and the failure reported. When both
 * fail the table is reported as unreadable and no partition is served.
 *
 * <p>Absurd geometry is refused before anything is read: entries must be 128 * 2^n bytes and the array
 * at most {@link #MAX_ARRAY_BYTES}, so a hostile header cannot make the reader allocate or loop without
 * bound. Entries with a zero type GUID are unused; entries outside the usable area are reported and
 * ignored.
 */
final class GptReader {
    private GptReader() {
    }

    static final int MAX_ARRAY_BYTES = 1 << 20;
    private static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    private static final int MIN_HEADER = 92;
    private static final int NAME_BYTES = 72;
    private static final UUID UNUSED = new UUID(0, 0);

    record Header(long myLba, long alternateLba, long firstUsable, long lastUsable, long entryLba, int entryCount,
                  int entrySize, long entryCrc) {
        int arrayBytes() {
            return entryCount * entrySize;
        }
    }

    /** True when {@code block} starts with the GPT header signature. */
    static boolean hasSignature(byte[] block) {
        return block != null && block.length >= SIGNATURE.length
                && Arrays.equals(block, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
    }

    /** A header that passed every check, with its entry array. */
    private record Loaded(Header header, byte[] array) {
    }

    /** The partitions of the GPT on {@code disk}, in entry order, before the shared checks. */
    static List<Partition> read(Sectors disk) {
        long last = disk.blockCount() - 1;
        Loaded primary = load(disk, 1, "primary");
        if (primary != null) {
            long backup = primary.header().alternateLba();
            if (backup <= 1 || backup >= disk.blockCount()) {
                disk.problem("primary GPT header puts its backup at LBA " + Long.toUnsignedString(backup)
                        + ", outside the disk");
            } else {
                load(disk, backup, "backup");
            }
            return entries(primary, disk);
        }
        Loaded backup = last > 1 ? load(disk, last, "backup") : null;
        if (backup != null) {
            disk.problem("using the backup GPT header at LBA " + last);
            return entries(backup, disk);
        }
        disk.problem("both GPT headers are bad; no partition is served");
        return List.of();
    }

    /** The header at {@code lba} and its entries, or null with the reason reported. */
    private static Loaded load(Sectors disk, long lba, String which) {
        byte[] block = disk.block(lba, which + " GPT header");
        if (block == null) {
            return null;
        }
        try {
            Header h = header(block, lba, disk.blockCount(), disk.blockSize());
            byte[] array = disk.blocks(h.entryLba(), arrayBlocks(h, disk.blockSize()), which + " GPT entries");
            if (array == null) {
                return null;
            }
            checkArray(h, array);
            return new Loaded(h, array);
        } catch (MalformedException e) {
            disk.problem(which + " GPT header at LBA " + lba + " is bad: " + e.getMessage());
            return null;
        }
    }

    static Header header(byte[] b, long lba, long diskBlocks, int blockSize) throws MalformedException {
        if (!hasSignature(b)) {
            throw new MalformedException("no 'EFI PART' signature");
        }
        long size = Bytes.u32(b, 12);
        if (size < MIN_HEADER || size > blockSize) {
            throw new MalformedException("header size " + size + " is not between " + MIN_HEADER + " and "
                    + blockSize);
        }
        byte[] copy = Arrays.copyOf(b, (int) size);
        Arrays.fill(copy, 16, 20, (byte) 0);
        long stored = Bytes.u32(b, 16);
        long actual = crc(copy, copy.length);
        if (stored != actual) {
            throw new MalformedException(String.format("header CRC32 is %08x, the header sums to %08x", stored,
                    actual));
        }
        long myLba = Bytes.u64(b, 24);
        if (myLba != lba) {
            throw new MalformedException("header says it is at LBA " + Long.toUnsignedString(myLba));
        }
        long count = Bytes.u32(b, 80);
        long entrySize = Bytes.u32(b, 84);
        if (entrySize < 128 || entrySize % 128 != 0 || Long.bitCount(entrySize / 128) != 1) {
            throw new MalformedException("entry size " + entrySize + " is not 128 * 2^n");
        }
        if (count * entrySize > MAX_ARRAY_BYTES) {
            throw new MalformedException(count + " entries of " + entrySize + " bytes exceed the "
                    + MAX_ARRAY_BYTES + "-byte limit");
        }
        Header h = new Header(myLba, Bytes.u64(b, 32), Bytes.u64(b, 40), Bytes.u64(b, 48), Bytes.u64(b, 72),
                (int) count, (int) entrySize, Bytes.u32(b, 88));
        if (h.firstUsable() < 0 || h.lastUsable() < 0 || h.firstUsable() > h.lastUsable() + 1) {
            throw new MalformedException("usable area LBA " + Long.toUnsignedString(h.firstUsable()) + ".."
                    + Long.toUnsignedString(h.lastUsable()) + " is inverted");
        }
        int blocks = arrayBlocks(h, blockSize);
        if (h.entryLba() < 1 || h.entryLba() >= diskBlocks || blocks > diskBlocks - h.entryLba()) {
            throw new MalformedException("entry array at LBA " + Long.toUnsignedString(h.entryLba()) + " (" + blocks
                    + " blocks) is outside the disk");
        }
        if (lba >= h.entryLba() && lba < h.entryLba() + blocks) {
            throw new MalformedException("entry array at LBA " + h.entryLba() + " covers the header");
        }
        return h;
    }

    private static int arrayBlocks(Header h, int blockSize) {
        return Math.max(1, (h.arrayBytes() + blockSize - 1) / blockSize);
    }

    private static void checkArray(Header h, byte[] array) throws MalformedException {
        long actual = crc(array, h.arrayBytes());
        if (actual != h.entryCrc()) {
            throw new MalformedException(String.format("entry array CRC32 is %08x, the entries sum to %08x",
                    h.entryCrc(), actual));
        }
    }

    private static List<Partition> entries(Loaded loaded, Sectors disk) {
        Header h = loaded.header();
        byte[] array = loaded.array();
        List<Partition> found = new ArrayList<>();
        for (int i = 0; i < h.entryCount(); i++) {
            int at = i * h.entrySize();
            UUID type = GptTypes.guid(array, at);
            if (type.equals(UNUSED)) {
                continue;
            }
            long first = Bytes.u64(array, at + 32);
            long last = Bytes.u64(array, at + 40);
            long count = last >= first && first >= 0 ? last - first + 1 : 0;
            if (count > 0 && (first < h.firstUsable() || last > h.lastUsable())) {
                disk.problem("partition " + (i + 1) + " (LBA " + first + ".." + last + ") lies outside the usable area "
                        + h.firstUsable() + ".." + h.lastUsable() + "; ignored");
                continue;
            }
            found.add(new Partition(i + 1, first, count, new PartitionType.Gpt(type), GptTypes.subclass(type),
                    GptTypes.name(type), name(array, at + 56)));
        }
        return found;
    }

    private static String name(byte[] b, int at) {
        int units = 0;
        while (units < NAME_BYTES / 2 && Bytes.u16(b, at + 2 * units) != 0) {
            units++;
        }
        return new String(b, at, 2 * units, StandardCharsets.UTF_16LE);
    }

    private static long crc(byte[] b, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, length);
        return crc.getValue();
    }
}
