package org.microsim.drivers.partd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.microsim.testkit.task.MemoryDisk;

/** Random partition layouts, written with {@link TableWriter}, and what a correct reader must find in them. */
final class Layouts {
    private Layouts() {
    }

    /** A partition as a test compares it. */
    record Found(int index, long start, long size, PartitionType type, String label) {
        static Found of(Partition p) {
            return new Found(p.index(), p.firstLba(), p.blockCount(), p.type(), p.label());
        }
    }

    /** A disk with a table, what it holds, and the LBAs of its table sectors (where corruption hurts). */
    record Layout(MemoryDisk disk, List<Found> expected, List<Long> tableSectors) {
    }

    private static final int[] MBR_TYPES = {0x01, 0x04, 0x06, 0x07, 0x0b, 0x0c, 0x0e, 0x82, 0x83, 0xef, 0x42, 0xa5};
    private static final List<UUID> GPT_TYPES = List.of(GptTypes.EFI_SYSTEM, GptTypes.BASIC_DATA,
            GptTypes.LINUX_FILESYSTEM, GptTypes.LINUX_SWAP, GptTypes.BIOS_BOOT, GptTypes.LINUX_LVM,
            UUID.fromString("01234567-89AB-CDEF-0123-456789ABCDEF"));
    private static final String NAME_CHARS = "abcXYZ019 _-éß日本語Ω";

    static Layout mbr(Random rnd, int blockSize) {
        int primaries = rnd.nextInt(5);
        int extendedItem = primaries > 0 && rnd.nextBoolean() ? rnd.nextInt(primaries) : -1;
        List<Integer> slots = new ArrayList<>(List.of(0, 1, 2, 3));
        Collections.shuffle(slots, rnd);
        TableWriter.MbrEntry[] entries = new TableWriter.MbrEntry[4];
        List<TableWriter.Logical> logicals = new ArrayList<>();
        List<Long> tableSectors = new ArrayList<>(List.of(0L));
        long extendedStart = 0;
        long cursor = 1;
        for (int item = 0; item < primaries; item++) {
            long start = cursor + rnd.nextInt(33);
            if (item == extendedItem) {
                extendedStart = start;
                long ebr = start;
                int count = rnd.nextInt(7);
                for (int i = 0; i < count; i++) {
                    long first = ebr + 1 + rnd.nextInt(16);
                    long size = 1 + rnd.nextInt(200);
                    logicals.add(new TableWriter.Logical(ebr, MBR_TYPES[rnd.nextInt(MBR_TYPES.length)], first, size));
                    tableSectors.add(ebr);
                    ebr = first + size + rnd.nextInt(8);
                }
                cursor = Math.max(ebr, start + 1);
                entries[slots.get(item)] = new TableWriter.MbrEntry(0x05, start, cursor - start);
            } else {
                long size = 1 + rnd.nextInt(2000);
                entries[slots.get(item)] = new TableWriter.MbrEntry(MBR_TYPES[rnd.nextInt(MBR_TYPES.length)], start,
                        size);
                cursor = start + size;
            }
        }
        MemoryDisk disk = new MemoryDisk(blockSize, cursor + rnd.nextInt(100) + 1);
        // The chain may visit the EBRs in any disk order, but it starts at the extended partition's first block.
        Collections.shuffle(logicals, rnd);
        long head = extendedStart;
        logicals.sort((a, b) -> Boolean.compare(b.ebr() == head, a.ebr() == head));
        TableWriter.mbr(disk, entries, extendedStart, logicals);
        if (extendedItem >= 0 && logicals.isEmpty()) {
            byte[] ebr = new byte[blockSize];
            TableWriter.signature(ebr);
            System.arraycopy(ebr, 0, disk.bytes(), Math.toIntExact(extendedStart * blockSize), blockSize);
            tableSectors.add(extendedStart);
        }
        List<Found> expected = new ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
            TableWriter.MbrEntry e = entries[slot];
            if (e != null) {
                expected.add(new Found(slot + 1, e.start(), e.sectors(), new PartitionType.Mbr(e.type()), ""));
            }
        }
        for (int i = 0; i < logicals.size(); i++) {
            TableWriter.Logical l = logicals.get(i);
            expected.add(new Found(5 + i, l.start(), l.sectors(), new PartitionType.Mbr(l.type()), ""));
        }
        return new Layout(disk, expected, tableSectors);
    }

    static Layout gpt(Random rnd, int blockSize) {
        int entrySize = rnd.nextBoolean() ? 128 : 256;
        int entryCount = rnd.nextInt(4) == 0 ? 4 + rnd.nextInt(60) : 128;
        int count = rnd.nextInt(Math.min(entryCount, 12) + 1);
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < entryCount; i++) {
            slots.add(i);
        }
        Collections.shuffle(slots, rnd);
        int blocks = TableWriter.arrayBlocks(new MemoryDisk(blockSize, 1), entryCount, entrySize);
        long cursor = 2 + blocks;
        List<TableWriter.GptEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long first = cursor + rnd.nextInt(33);
            long size = 1 + rnd.nextInt(1000);
            StringBuilder name = new StringBuilder();
            for (int c = rnd.nextInt(37); c > 0; c--) {
                name.append(NAME_CHARS.charAt(rnd.nextInt(NAME_CHARS.length())));
            }
            entries.add(new TableWriter.GptEntry(slots.get(i), GPT_TYPES.get(rnd.nextInt(GPT_TYPES.size())), first,
                    first + size - 1, name.toString()));
            cursor = first + size;
        }
        MemoryDisk disk = new MemoryDisk(blockSize, cursor + rnd.nextInt(100) + 1 + blocks + 1);
        TableWriter.gpt(disk, entries, entryCount, entrySize);
        List<Found> expected = entries.stream().sorted((a, b) -> Integer.compare(a.slot(), b.slot()))
                .map(e -> new Found(e.slot() + 1, e.first(), e.last() - e.first() + 1, new PartitionType.Gpt(e.type()),
                        e.name()))
                .toList();
        List<Long> tableSectors = new ArrayList<>();
        long last = disk.blockCount() - 1;
        for (long lba = 0; lba < 2 + blocks; lba++) {
            tableSectors.add(lba);
            tableSectors.add(last - lba);
        }
        return new Layout(disk, expected, tableSectors);
    }
}
