package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.hosttools.HostTools;
import org.microsim.images.PartitionWriter.GptPartition;
import org.microsim.images.PartitionWriter.MbrPartition;
import org.microsim.images.PartitionWriter;
import org.microsim.testkit.task.MemoryDisk;

/** Tables written by {@link PartitionWriter} satisfy sgdisk and sfdisk and read back exactly. */
class PartitionWriterTest {
    private static final long MIB = 2048;
    private static final UUID SWAP = UUID.fromString("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");

    @TempDir
    Path dir;

    static final List<GptPartition> GPT_LAYOUT = List.of(
            new GptPartition(PartitionWriter.EFI_SYSTEM, MIB, 4 * MIB, "EFI system"),
            new GptPartition(PartitionWriter.MICROSOFT_BASIC_DATA, 5 * MIB, 20 * MIB, "données"),
            new GptPartition(PartitionWriter.LINUX_FILESYSTEM, 25 * MIB, 30 * MIB, "a name of thirty-six characters!!!!!"),
            new GptPartition(SWAP, 60 * MIB, 3 * MIB + 7, ""));

    static final List<MbrPartition> PRIMARIES = List.of(
            new MbrPartition(0x0c, MIB, 10 * MIB, true),
            new MbrPartition(0x83, 11 * MIB, 5 * MIB, false),
            new MbrPartition(0x0f, 16 * MIB, 40 * MIB, false),
            new MbrPartition(0x06, 56 * MIB, 8 * MIB - 1, false));
    static final List<MbrPartition> LOGICALS = List.of(
            new MbrPartition(0x07, 16 * MIB + 2048, 10 * MIB, false),
            new MbrPartition(0x82, 27 * MIB + 1, 4 * MIB - 1, false),
            new MbrPartition(0x83, 31 * MIB + 1, 25 * MIB - 1, false));

    /** The tool's name, once it is known to be installed (skipped or, under CI, failed otherwise). */
    private static String tool(String name) {
        HostTools.require(name);
        return name;
    }

    private static String run(Object... command) throws IOException, InterruptedException {
        return HostTools.ok(command).out();
    }

    private Path file(MemoryDisk disk) throws IOException {
        Path image = dir.resolve("disk.img");
        Files.write(image, disk.bytes());
        return image;
    }

    private static MemoryDisk gptDisk(long seed) throws Exception {
        MemoryDisk disk = new MemoryDisk(512, 64 * MIB);
        PartitionWriter.writeGpt(disk, GPT_LAYOUT, seed);
        return disk;
    }

    private static List<Layouts.Found> found(PartitionTable table) {
        return table.partitions().stream().map(Layouts.Found::of).toList();
    }

    @Test
    void gptReadsBackExactly() throws Exception {
        PartitionTable table = PartitionTableReader.read(gptDisk(1));
        assertEquals(List.of(), table.problems());
        assertEquals(PartitionTable.Scheme.GPT, table.scheme());
        List<Layouts.Found> expected = new ArrayList<>();
        for (int i = 0; i < GPT_LAYOUT.size(); i++) {
            GptPartition p = GPT_LAYOUT.get(i);
            expected.add(new Layouts.Found(i + 1, p.firstLba(), p.blockCount(), new PartitionType.Gpt(p.type()),
                    p.name()));
        }
        assertEquals(expected, found(table));
    }

    @Test
    void sgdiskFindsNoProblemAndListsExactlyTheWrittenPartitions() throws Exception {
        String sgdisk = tool("sgdisk");
        Path image = file(gptDisk(1));
        String verify = run(sgdisk, "-v", image);
        assertTrue(verify.contains("No problems found"), verify);
        String listing = run(sgdisk, "-p", image);
        Matcher row = Pattern.compile("(?m)^\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s").matcher(listing);
        Set<String> uniques = new HashSet<>();
        int n = 0;
        while (row.find()) {
            GptPartition p = GPT_LAYOUT.get(n++);
            assertEquals(n, Integer.parseInt(row.group(1)), listing);
            assertEquals(p.firstLba(), Long.parseLong(row.group(2)), listing);
            assertEquals(p.firstLba() + p.blockCount() - 1, Long.parseLong(row.group(3)), listing);
            String info = run(sgdisk, "-i", n, image);
            assertTrue(info.contains("Partition GUID code: " + p.type().toString().toUpperCase(Locale.ROOT)), info);
            assertTrue(info.contains("Partition name: '" + p.name() + "'"), info);
            Matcher unique = Pattern.compile("Partition unique GUID: (\\S+)").matcher(info);
            assertTrue(unique.find(), info);
            uniques.add(unique.group(1));
        }
        assertEquals(GPT_LAYOUT.size(), n, listing);
        assertEquals(GPT_LAYOUT.size(), uniques.size(), "unique GUIDs " + uniques);
    }

    @Test
    void sfdiskListsTheGptPartitions() throws Exception {
        Path image = file(gptDisk(1));
        String json = run(tool("sfdisk"), "--json", image);
        Matcher m = Pattern.compile("\"start\":\\s*(\\d+),\\s*\"size\":\\s*(\\d+),\\s*\"type\":\\s*\"([^\"]+)\","
                + "\\s*\"uuid\":\\s*\"([^\"]+)\"(?:,\\s*\"name\":\\s*\"([^\"]*)\")?").matcher(json);
        int n = 0;
        while (m.find()) {
            GptPartition p = GPT_LAYOUT.get(n++);
            assertEquals(p.firstLba(), Long.parseLong(m.group(1)), json);
            assertEquals(p.blockCount(), Long.parseLong(m.group(2)), json);
            assertEquals(p.type(), UUID.fromString(m.group(3)), json);
            assertEquals(p.name(), m.group(5) == null ? "" : m.group(5), json);
        }
        assertEquals(GPT_LAYOUT.size(), n, json);
        assertTrue(json.contains("\"label\":\"gpt\"") || json.contains("\"label\": \"gpt\""), json);
    }

    @Test
    void theSeedDecidesTheGuidsAndNothingElse() throws Exception {
        assertArrayEquals(gptDisk(5).bytes(), gptDisk(5).bytes());
        MemoryDisk a = gptDisk(5);
        MemoryDisk b = gptDisk(6);
        assertFalse(java.util.Arrays.equals(a.bytes(), b.bytes()));
        assertEquals(found(PartitionTableReader.read(a)), found(PartitionTableReader.read(b)));
    }

    private static MemoryDisk mbrDisk() throws Exception {
        MemoryDisk disk = new MemoryDisk(512, 64 * MIB);
        PartitionWriter.writeMbr(disk, PRIMARIES, LOGICALS, 3);
        return disk;
    }

    private static List<Layouts.Found> mbrExpected() {
        List<Layouts.Found> expected = new ArrayList<>();
        for (int i = 0; i < PRIMARIES.size(); i++) {
            MbrPartition p = PRIMARIES.get(i);
            expected.add(new Layouts.Found(i + 1, p.firstLba(), p.blockCount(), new PartitionType.Mbr(p.type()), ""));
        }
        for (int i = 0; i < LOGICALS.size(); i++) {
            MbrPartition p = LOGICALS.get(i);
            expected.add(new Layouts.Found(i + 5, p.firstLba(), p.blockCount(), new PartitionType.Mbr(p.type()), ""));
        }
        return expected;
    }

    @Test
    void mbrWithLogicalsReadsBackExactly() throws Exception {
        PartitionTable table = PartitionTableReader.read(mbrDisk());
        assertEquals(List.of(), table.problems());
        assertEquals(PartitionTable.Scheme.MBR, table.scheme());
        assertEquals(mbrExpected(), found(table));
    }

    @Test
    void sfdiskListsTheMbrPartitionsAndVerifiesThem() throws Exception {
        String sfdisk = tool("sfdisk");
        Path image = file(mbrDisk());
        String verify = run(sfdisk, "--verify", image);
        assertTrue(verify.contains("No errors detected"), verify);
        String json = run(sfdisk, "--json", image);
        Matcher m = Pattern.compile("\"node\":\\s*\"[^\"]*?(\\d+)\",\\s*\"start\":\\s*(\\d+),\\s*\"size\":\\s*(\\d+),"
                + "\\s*\"type\":\\s*\"([0-9a-f]+)\"(,\\s*\"bootable\":\\s*true)?").matcher(json);
        List<Layouts.Found> listed = new ArrayList<>();
        List<Boolean> bootable = new ArrayList<>();
        while (m.find()) {
            listed.add(new Layouts.Found(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), new PartitionType.Mbr(Integer.parseInt(m.group(4), 16)), ""));
            bootable.add(m.group(5) != null);
        }
        assertEquals(mbrExpected(), listed, json);
        assertEquals(List.of(true, false, false, false, false, false, false), bootable, json);
    }

    @Test
    void anMbrWithoutLogicalsGetsAnEmptyChain() throws Exception {
        MemoryDisk disk = new MemoryDisk(4096, 1000);
        PartitionWriter.writeMbr(disk, List.of(new MbrPartition(0x05, 100, 200, false),
                new MbrPartition(0x0e, 1, 99, false)), List.of(), 1);
        PartitionTable table = PartitionTableReader.read(disk);
        assertEquals(List.of(), table.problems());
        assertEquals(2, table.partitions().size());
    }

    @Test
    void badLayoutsAreRefusedBeforeAnythingIsWritten() {
        MemoryDisk disk = new MemoryDisk(512, 64 * MIB);
        List<List<GptPartition>> badGpts = List.of(
                List.of(new GptPartition(PartitionWriter.LINUX_FILESYSTEM, 33, 10, "")),
                List.of(new GptPartition(PartitionWriter.LINUX_FILESYSTEM, 64 * MIB - 40, 10, "")),
                List.of(new GptPartition(PartitionWriter.LINUX_FILESYSTEM, MIB, 10, ""),
                        new GptPartition(PartitionWriter.LINUX_FILESYSTEM, MIB + 9, 10, "")),
                List.of(new GptPartition(PartitionWriter.LINUX_FILESYSTEM, MIB, 10, "x".repeat(37))),
                List.of(new GptPartition(new UUID(0, 0), MIB, 10, "")),
                List.of(new GptPartition(PartitionWriter.LINUX_FILESYSTEM, MIB, 0, "")));
        for (List<GptPartition> bad : badGpts) {
            assertThrows(IllegalArgumentException.class, () -> PartitionWriter.writeGpt(disk, bad, 1), bad::toString);
        }
        MbrPartition a = new MbrPartition(0x83, MIB, MIB, false);
        List<List<MbrPartition>> badMbrs = List.of(
                List.of(a, a),
                List.of(a, a, a, a, a),
                List.of(new MbrPartition(0xee, MIB, MIB, false)),
                List.of(new MbrPartition(0x83, 0, MIB, false)),
                List.of(new MbrPartition(0x83, 64 * MIB - 1, 2, false)));
        for (List<MbrPartition> bad : badMbrs) {
            assertThrows(IllegalArgumentException.class, () -> PartitionWriter.writeMbr(disk, bad, List.of(), 1),
                    bad::toString);
        }
        assertThrows(IllegalArgumentException.class, () -> PartitionWriter.writeMbr(disk, List.of(a), List.of(a), 1));
        MbrPartition ext = new MbrPartition(0x05, 2 * MIB, 4 * MIB, false);
        assertThrows(IllegalArgumentException.class, () -> PartitionWriter.writeMbr(disk, List.of(ext),
                List.of(new MbrPartition(0x83, 2 * MIB, 10, false)), 1));
        assertThrows(IllegalArgumentException.class, () -> PartitionWriter.writeMbr(disk, List.of(ext),
                List.of(new MbrPartition(0x83, 2 * MIB + 1, 10, false), new MbrPartition(0x83, 2 * MIB + 11, 10,
                        false)), 1));
        assertThrows(IllegalArgumentException.class, () -> PartitionWriter.writeMbr(disk, List.of(ext),
                List.of(new MbrPartition(0x83, 2 * MIB + 1, 4 * MIB, false)), 1));
        assertEquals(0, java.util.Arrays.stream(new int[] {disk.bytes()[510], disk.bytes()[512]}).filter(b -> b != 0)
                .count(), "nothing written");
    }
}
