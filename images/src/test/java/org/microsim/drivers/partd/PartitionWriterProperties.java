package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.microsim.images.PartitionWriter.GptPartition;
import org.microsim.images.PartitionWriter.MbrPartition;
import org.microsim.images.PartitionWriter;
import org.microsim.testkit.task.MemoryDisk;

/** Random layouts written by {@link PartitionWriter} are read back exactly by {@link PartitionTableReader}. */
class PartitionWriterProperties {
    private static final List<UUID> GPT_TYPES = List.of(PartitionWriter.EFI_SYSTEM,
            PartitionWriter.MICROSOFT_BASIC_DATA, PartitionWriter.LINUX_FILESYSTEM,
            UUID.fromString("01234567-89AB-CDEF-0123-456789ABCDEF"));
    private static final int[] MBR_TYPES = {0x01, 0x06, 0x07, 0x0b, 0x0c, 0x0e, 0x82, 0x83, 0xef, 0xa5};
    private static final String NAME_CHARS = "abcXYZ019 _-éß日本語Ω";

    private static int blockSize(Random rnd) {
        return rnd.nextInt(4) == 0 ? 4096 : 512;
    }

    private static List<Layouts.Found> found(PartitionTable table) {
        return table.partitions().stream().map(Layouts.Found::of).toList();
    }

    @Property(tries = 100)
    void gptLayoutsReadBackExactly(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        int bs = blockSize(rnd);
        long cursor = PartitionWriter.gptFirstUsableLba(bs);
        List<GptPartition> parts = new ArrayList<>();
        List<Layouts.Found> expected = new ArrayList<>();
        for (int i = rnd.nextInt(13); i > 0; i--) {
            long first = cursor + rnd.nextInt(33);
            long size = 1 + rnd.nextInt(1000);
            StringBuilder name = new StringBuilder();
            for (int c = rnd.nextInt(37); c > 0; c--) {
                name.append(NAME_CHARS.charAt(rnd.nextInt(NAME_CHARS.length())));
            }
            GptPartition p = new GptPartition(GPT_TYPES.get(rnd.nextInt(GPT_TYPES.size())), first, size,
                    name.toString());
            parts.add(p);
            expected.add(new Layouts.Found(parts.size(), first, size, new PartitionType.Gpt(p.type()), p.name()));
            cursor = first + size;
        }
        MemoryDisk disk = new MemoryDisk(bs, cursor + rnd.nextInt(50) + PartitionWriter.gptFirstUsableLba(bs));
        PartitionWriter.writeGpt(disk, parts, seed);
        PartitionTable table = PartitionTableReader.read(disk);
        assertEquals(List.of(), table.problems());
        assertEquals(PartitionTable.Scheme.GPT, table.scheme());
        assertEquals(expected, found(table));
    }

    @Property(tries = 100)
    void mbrLayoutsReadBackExactly(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        int bs = blockSize(rnd);
        int count = rnd.nextInt(5);
        int extendedItem = count > 0 && rnd.nextBoolean() ? rnd.nextInt(count) : -1;
        List<MbrPartition> primaries = new ArrayList<>();
        List<MbrPartition> logicals = new ArrayList<>();
        long cursor = 1;
        for (int item = 0; item < count; item++) {
            long start = cursor + rnd.nextInt(33);
            if (item == extendedItem) {
                long next = start + 1;
                for (int i = rnd.nextInt(6); i > 0; i--) {
                    long first = next + rnd.nextInt(8);
                    long size = 1 + rnd.nextInt(200);
                    logicals.add(new MbrPartition(MBR_TYPES[rnd.nextInt(MBR_TYPES.length)], first, size,
                            rnd.nextInt(8) == 0));
                    next = first + size + 1;
                }
                cursor = next + rnd.nextInt(4);
                primaries.add(new MbrPartition(rnd.nextBoolean() ? 0x05 : 0x0f, start, cursor - start, false));
            } else {
                long size = 1 + rnd.nextInt(2000);
                primaries.add(new MbrPartition(MBR_TYPES[rnd.nextInt(MBR_TYPES.length)], start, size,
                        rnd.nextInt(4) == 0));
                cursor = start + size;
            }
        }
        MemoryDisk disk = new MemoryDisk(bs, cursor + rnd.nextInt(50) + 1);
        PartitionWriter.writeMbr(disk, primaries, logicals, seed);
        List<Layouts.Found> expected = new ArrayList<>();
        for (int i = 0; i < primaries.size(); i++) {
            MbrPartition p = primaries.get(i);
            expected.add(new Layouts.Found(i + 1, p.firstLba(), p.blockCount(), new PartitionType.Mbr(p.type()), ""));
        }
        for (int i = 0; i < logicals.size(); i++) {
            MbrPartition p = logicals.get(i);
            expected.add(new Layouts.Found(i + 5, p.firstLba(), p.blockCount(), new PartitionType.Mbr(p.type()), ""));
        }
        PartitionTable table = PartitionTableReader.read(disk);
        assertEquals(List.of(), table.problems());
        assertEquals(PartitionTable.Scheme.MBR, table.scheme());
        assertEquals(expected, found(table));
    }
}
