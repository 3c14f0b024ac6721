package org.microsim.drivers.partd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.hosttools.HostTools;
import org.microsim.testkit.task.FileDisk;
import org.microsim.testkit.task.MemoryDisk;
import org.microsim.testkit.task.ScriptedSys;

/** Images partitioned by sfdisk and sgdisk are read exactly as those tools describe them. */
class ToolImagesTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** What a tool says of one partition. */
    record Expected(int index, long start, long size, String type, String label) {
    }

    /** The tool's name, once it is known to be installed (skipped or, under CI, failed otherwise). */
    private static String tool(String name) {
        HostTools.require(name);
        return name;
    }

    private static String run(String stdin, Object... command) throws IOException, InterruptedException {
        return HostTools.ok(stdin.getBytes(StandardCharsets.UTF_8), command).out();
    }

    private Path image(String name, long bytes) throws IOException {
        Path image = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return image;
    }

    private static PartitionTable read(Path image) throws IOException {
        try (FileDisk disk = FileDisk.openReadOnly(image)) {
            return PartitionTableReader.read(disk);
        }
    }

    private static List<Expected> actual(PartitionTable table, boolean gpt) {
        return table.partitions().stream().map(p -> new Expected(p.index(), p.firstLba(), p.blockCount(),
                gpt ? p.type().toString() : Integer.toHexString(((PartitionType.Mbr) p.type()).code()),
                p.label())).toList();
    }

    @Test
    void mbrWithLogicalsMatchesSfdisk() throws Exception {
        String sfdisk = tool("sfdisk");
        Path image = image("mbr.img", 64 * MIB);
        run("""
                label: dos
                unit: sectors

                size=20480, type=c
                size=10240, type=83
                size=4096, type=ef
                size=61440, type=5
                size=8192, type=83
                size=6144, type=82
                size=4096, type=6
                size=2048, type=7
                """, sfdisk, "-q", image);
        String json = run("", sfdisk, "--json", image);
        Matcher m = Pattern.compile("\"node\":\\s*\"[^\"]*?(\\d+)\",\\s*\"start\":\\s*(\\d+),\\s*\"size\":\\s*(\\d+),"
                + "\\s*\"type\":\\s*\"([0-9a-f]+)\"").matcher(json);
        List<Expected> expected = new ArrayList<>();
        while (m.find()) {
            expected.add(new Expected(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)), m.group(4), ""));
        }
        assertEquals(8, expected.size(), json);

        PartitionTable table = read(image);
        assertEquals(PartitionTable.Scheme.MBR, table.scheme());
        assertEquals(List.of(), table.problems());
        assertEquals(expected, actual(table, false));
        List<Partition> p = table.partitions();
        assertEquals(List.of(PortSubclass.BLOCK_FAT32_LBA, PortSubclass.BLOCK_LINUX, PortSubclass.BLOCK_EFI_SYSTEM,
                        PortSubclass.BLOCK_EXTENDED, PortSubclass.BLOCK_LINUX, PortSubclass.BLOCK_LINUX_SWAP,
                        PortSubclass.BLOCK_FAT16, PortSubclass.BLOCK_NTFS),
                p.stream().map(Partition::subclass).toList());
        assertEquals("FAT32 (LBA)", p.get(0).typeName());
        assertEquals("Linux", p.get(1).typeName());
        assertEquals("EFI System", p.get(2).typeName());
    }

    /** Seven partitions of six types, an unused entry (7) between them, two formatted FAT volumes. */
    private Path sgdiskImage() throws Exception {
        String sgdisk = tool("sgdisk");
        Path image = image("gpt.img", 96 * MIB);
        run("", sgdisk, "-n", "1:2048:+4M", "-t", "1:ef00", "-c", "1:EFI system",
                "-n", "2:0:+4M", "-t", "2:8300", "-c", "2:root",
                "-n", "3:0:+8M", "-t", "3:0700", "-c", "3:data16",
                "-n", "4:0:+40M", "-t", "4:0700", "-c", "4:données32",
                "-n", "5:0:+2M", "-t", "5:8200",
                "-n", "6:0:+1M", "-t", "6:ef02",
                "-n", "8:0:+1M", "-t", "8:0700", image);
        return image;
    }

    private static List<Expected> sgdiskSays(Path image) throws Exception {
        String sgdisk = tool("sgdisk");
        String listing = run("", sgdisk, "-p", image);
        Matcher row = Pattern.compile("(?m)^\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s").matcher(listing);
        List<Expected> expected = new ArrayList<>();
        while (row.find()) {
            int n = Integer.parseInt(row.group(1));
            String info = run("", sgdisk, "-i", n, image);
            Matcher guid = Pattern.compile("Partition GUID code: (\\S+)").matcher(info);
            Matcher name = Pattern.compile("Partition name: '(.*)'").matcher(info);
            assertTrue(guid.find() && name.find(), info);
            long start = Long.parseLong(row.group(2));
            expected.add(new Expected(n, start, Long.parseLong(row.group(3)) - start + 1,
                    guid.group(1).toUpperCase(Locale.ROOT), name.group(1)));
        }
        return expected;
    }

    @Test
    void gptMatchesSgdiskAndSniffsBasicData() throws Exception {
        Path image = sgdiskImage();
        String mkfs = tool("mkfs.fat");
        run("", mkfs, "-F", "16", "-s", "1", "--offset", "18432", image, "8192");
        run("", mkfs, "-F", "32", "-s", "1", "--offset", "34816", image, "40960");
        List<Expected> expected = sgdiskSays(image);
        assertEquals(7, expected.size());

        PartitionTable table = read(image);
        assertEquals(PartitionTable.Scheme.GPT, table.scheme());
        assertEquals(List.of(), table.problems());
        assertEquals(expected, actual(table, true));
        assertEquals(List.of(PortSubclass.BLOCK_EFI_SYSTEM, PortSubclass.BLOCK_LINUX, PortSubclass.BLOCK_FAT16,
                        PortSubclass.BLOCK_FAT32, PortSubclass.BLOCK_LINUX_SWAP, PortSubclass.BLOCK_UNKNOWN,
                        PortSubclass.BLOCK_UNKNOWN),
                table.partitions().stream().map(Partition::subclass).toList());
        assertEquals(List.of("EFI System", "Linux filesystem", "Microsoft basic data", "Microsoft basic data",
                        "Linux swap", "BIOS boot", "Microsoft basic data"),
                table.partitions().stream().map(Partition::typeName).toList());
        assertEquals(new PartitionType.Gpt(UUID.fromString("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")),
                table.partitions().get(0).type());
    }

    private static void corrupt(Path image, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        }
    }

    @Test
    void corruptPrimaryHeaderFallsBackToTheBackup() throws Exception {
        Path image = sgdiskImage();
        List<Expected> expected = sgdiskSays(image);
        corrupt(image, 512 + 40);
        PartitionTable table = read(image);
        assertEquals(expected, actual(table, true));
        assertEquals(2, table.problems().size(), table.problems().toString());
        assertTrue(table.problems().get(0).startsWith("primary GPT header at LBA 1 is bad: header CRC32"),
                table.problems().toString());
        assertTrue(table.problems().get(1).startsWith("using the backup GPT header at LBA "),
                table.problems().toString());
    }

    @Test
    void corruptPrimaryEntriesFallBackToTheBackup() throws Exception {
        Path image = sgdiskImage();
        List<Expected> expected = sgdiskSays(image);
        corrupt(image, 1024 + 128 + 33);
        PartitionTable table = read(image);
        assertEquals(expected, actual(table, true));
        assertTrue(table.problems().get(0).contains("entry array CRC32"), table.problems().toString());
    }

    @Test
    void corruptBackupIsReportedWhileThePrimaryServes() throws Exception {
        Path image = sgdiskImage();
        List<Expected> expected = sgdiskSays(image);
        long last = Files.size(image) / 512 - 1;
        corrupt(image, last * 512 + 60);
        PartitionTable table = read(image);
        assertEquals(expected, actual(table, true));
        assertEquals(List.of("backup GPT header at LBA " + last + " is bad: header CRC32"),
                table.problems().stream().map(p -> p.substring(0, p.indexOf("CRC32") + 5)).toList());
    }

    @Test
    void bothHeadersBadServesNothing() throws Exception {
        Path image = sgdiskImage();
        corrupt(image, 512 + 8);
        corrupt(image, Files.size(image) - 512 + 24);
        PartitionTable table = read(image);
        assertEquals(PartitionTable.Scheme.GPT, table.scheme());
        assertEquals(List.of(), table.partitions());
        assertTrue(table.problems().get(2).startsWith("both GPT headers are bad"), table.problems().toString());
        assertTrue(table.problems().get(1).contains("header says it is at LBA")
                || table.problems().get(1).contains("CRC32"), table.problems().toString());
    }

    @Test
    void blankAndWholeDiskFatHaveNoTable() throws Exception {
        Path blank = image("blank.img", 8 * MIB);
        assertEquals(new PartitionTable(PartitionTable.Scheme.NONE, List.of(), List.of()), read(blank));
        Path fat = image("fat.img", 8 * MIB);
        run("", tool("mkfs.fat"), "-F", "12", fat);
        assertEquals(new PartitionTable(PartitionTable.Scheme.NONE, List.of(), List.of()), read(fat));
    }

    /**
     * A FAT volume made straight on a whole disk is offered whole, as partition 0, to fatfsd: plain, with the
     * partition entry {@code --mbr=y} writes over its own boot sector (Linux too reads the boot sector then:
     * blkid says vfat, partx finds no table), and a FAT32 below the specification's 65525 clusters.
     */
    @ParameterizedTest(name = "mkfs.fat {0}")
    @CsvSource(delimiter = '|', value = {
            "-F 12 -C {} 8192 | fat12",
            "-F 16 -s 1 --mbr=y -C {} 16384 | fat16",
            "-F 32 -s 1 -C {} 1024 | fat32",
            "-F 32 -s 1 --mbr=y -C {} 1024 | fat32"})
    void partdOffersAWholeDiskFatVolumeAsOnePartition(String options, String type) throws Exception {
        Path fat = dir.resolve("whole.img");
        List<Object> command = new ArrayList<>(List.of(tool("mkfs.fat")));
        for (String word : options.split(" ")) {
            command.add(word.equals("{}") ? fat.toString() : word);
        }
        run("", command.toArray());
        assertEquals(new PartitionTable(PartitionTable.Scheme.NONE, List.of(), List.of()), read(fat));
        List<PortInfo> ports = partdPorts(fat);
        assertEquals(1, ports.size(), ports.toString());
        assertEquals(PartdTest.DISK + "p0", ports.get(0).name());
        assertEquals(switch (type) {
            case "fat12" -> PortSubclass.BLOCK_FAT12;
            case "fat16" -> PortSubclass.BLOCK_FAT16;
            default -> PortSubclass.BLOCK_FAT32;
        }, ports.get(0).subclass());
    }

    /**
     * FAT in partitions whose type does not say which filesystem they hold, EFI System and Linux data, in a GPT
     * (sgdisk) and an MBR (sfdisk): the boot sector decides, and a blank one keeps its type's subclass.
     */
    @Test
    void fatInEfiSystemAndLinuxPartitionsIsFoundByItsBootSector() throws Exception {
        Path gpt = image("efi-gpt.img", 16 * MIB);
        run("", tool("sgdisk"), "-n", "1:2048:+4M", "-t", "1:ef00", "-n", "2:0:+4M", "-t", "2:8300",
                "-n", "3:0:+2M", "-t", "3:ef00", "-n", "4:0:+2M", "-t", "4:8300", gpt);
        Path mbr = image("efi-mbr.img", 16 * MIB);
        run("""
                label: dos
                unit: sectors
                start=2048, size=8192, type=ef
                start=10240, size=8192, type=83
                start=18432, size=4096, type=ef
                start=22528, size=4096, type=83
                """, tool("sfdisk"), mbr);
        for (Path image : List.of(gpt, mbr)) {
            run("", tool("mkfs.fat"), "-F", "12", "--offset", "2048", image, "4096");
            run("", tool("mkfs.fat"), "-F", "16", "-s", "1", "--offset", "10240", image, "4096");
            PartitionTable table = read(image);
            assertEquals(List.of(), table.problems());
            assertEquals(List.of(PortSubclass.BLOCK_FAT12, PortSubclass.BLOCK_FAT16, PortSubclass.BLOCK_EFI_SYSTEM,
                    PortSubclass.BLOCK_LINUX), table.partitions().stream().map(Partition::subclass).toList(),
                    image.getFileName().toString());
        }
    }

    /** The ports partd registers for the disk image {@code image}. */
    private static List<PortInfo> partdPorts(Path image) throws IOException {
        byte[] content = Files.readAllBytes(image);
        MemoryDisk disk = new MemoryDisk(512, content.length / 512);
        System.arraycopy(content, 0, disk.bytes(), 0, content.length);
        ScriptedSys sys = PartdTest.world(disk);
        assertThrows(ScriptedSys.Finished.class, () -> new Partd().run(sys));
        return List.copyOf(sys.ports().values());
    }
}
