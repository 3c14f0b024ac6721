package org.microsim.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.drivers.fatfsd.FatClock;
import org.microsim.drivers.fatfsd.FatVolume;
import org.microsim.drivers.partd.Partition;
import org.microsim.drivers.partd.PartitionTable;
import org.microsim.drivers.partd.PartitionTableReader;
import org.microsim.drivers.partd.PartitionType;
import org.microsim.drivers.partd.PartitionView;
import org.microsim.hosttools.HostTools;
import org.microsim.kernel.machine.MemoryImage;

/**
 * The demo disks hold the tables and files their javadoc promises, every volume passes fsck.fat and reads with
 * mtools, and every build gives the same bytes.
 */
class DemoDisksTest {
    private static List<MemoryImage> disks;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() {
        disks = DemoDisks.build();
    }

    private static PartitionTable table(MemoryImage image) {
        return PartitionTableReader.read(new DemoDisks.ImageDevice(image));
    }

    @Test
    void diskZeroHasAGptWithSystemAndData() {
        MemoryImage disk = disks.get(0);
        assertEquals(DemoDisks.GPT_DISK_SECTORS, disk.sectorCount());
        PartitionTable t = table(disk);
        assertEquals(PartitionTable.Scheme.GPT, t.scheme());
        assertEquals(List.of(), t.problems());
        PartitionType basicData = new PartitionType.Gpt(PartitionWriter.MICROSOFT_BASIC_DATA);
        assertEquals(List.of(
                new Partition(1, DemoDisks.SYSTEM_FIRST, DemoDisks.SYSTEM_SECTORS, basicData, PortSubclass.BLOCK_FAT32,
                        "Microsoft basic data", "SYSTEM"),
                new Partition(2, DemoDisks.DATA_FIRST, DemoDisks.DATA_SECTORS, basicData, PortSubclass.BLOCK_FAT32,
                        "Microsoft basic data", "DATA")), t.partitions());
    }

    @Test
    void diskOneHasAnMbrWithOneFat16Partition() {
        MemoryImage disk = disks.get(1);
        assertEquals(DemoDisks.MBR_DISK_SECTORS, disk.sectorCount());
        PartitionTable t = table(disk);
        assertEquals(PartitionTable.Scheme.MBR, t.scheme());
        assertEquals(List.of(), t.problems());
        assertEquals(1, t.partitions().size());
        Partition p = t.partitions().get(0);
        assertEquals(List.of(DemoDisks.HELLO_FIRST, DemoDisks.HELLO_SECTORS), List.of(p.firstLba(), p.blockCount()));
        assertEquals(new PartitionType.Mbr(DemoDisks.HELLO_TYPE), p.type());
    }

    private static FatVolume mount(MemoryImage disk, int partition) throws Exception {
        Partition p = table(disk).partitions().get(partition);
        return FatVolume.mount(PartitionView.of(new DemoDisks.ImageDevice(disk), p), new FatClock(() -> 0L));
    }

    private static byte[] read(FatVolume v, String path) throws Exception {
        FileStat stat = v.stat(path);
        byte[] b = new byte[(int) stat.size()];
        int fh = v.open(path, OpenFlags.READ);
        assertEquals(b.length, v.read(fh, 0, b, 0, b.length));
        v.close(fh);
        return b;
    }

    @Test
    void theVolumesHoldTheDescribedFiles() throws Exception {
        FatVolume system = mount(disks.get(0), 0);
        assertEquals(FsType.FAT32, system.type());
        assertEquals("SYSTEM", system.label());
        assertEquals(DemoDisks.README, new String(read(system, "/README.TXT"), StandardCharsets.UTF_8));
        assertEquals(0, read(system, "/EMPTY.TXT").length);
        assertTrue(new String(read(system, "/docs/design-notes.txt"), StandardCharsets.UTF_8).contains("microkernel"));
        assertEquals(DemoDisks.numbers(), new String(read(system, "/data/numbers.csv"), StandardCharsets.UTF_8));
        assertTrue(read(system, "/docs/deep/deeper/deepest/NOTE.TXT").length > 0);
        assertEquals(List.of("hello", "motd"), system.list("/bin").stream().map(FileStat::name).toList());
        assertEquals(List.of("README.TXT", "EMPTY.TXT", "docs", "bin", "data"),
                system.list("/").stream().map(FileStat::name).toList());

        FatVolume data = mount(disks.get(0), 1);
        assertEquals("DATA", data.label());
        assertArrayEquals(DemoDisks.pattern(), read(data, "/big/pattern.bin"));
        assertEquals(List.of(), data.list("/uploads"));
        assertTrue(read(data, "/logs/boot.log").length > 0);

        FatVolume hello = mount(disks.get(1), 0);
        assertEquals(FsType.FAT16, hello.type());
        assertEquals("HELLO", hello.label());
        assertTrue(new String(read(hello, "/HELLO.TXT"), StandardCharsets.UTF_8).startsWith("Hello from disk 1"));
        assertTrue(read(hello, "/notes/todo.txt").length > 0);
    }

    @Test
    void everyBuildGivesTheSameBytes() throws Exception {
        List<MemoryImage> again = DemoDisks.build();
        for (int i = 0; i < disks.size(); i++) {
            assertArrayEquals(digest(disks.get(i)), digest(again.get(i)), "disk " + i);
        }
    }

    private static byte[] digest(MemoryImage image) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 20];
        for (long at = 0; at < image.byteSize(); at += chunk.length) {
            int n = (int) Math.min(chunk.length, image.byteSize() - at);
            image.read(at, chunk, 0, n);
            sha.update(chunk, 0, n);
        }
        return sha.digest();
    }

    private Path partitionFile(MemoryImage disk, Partition p, String name) throws IOException {
        Path file = dir.resolve(name);
        byte[] chunk = new byte[1 << 20];
        long start = p.firstLba() * 512;
        long end = p.endLba() * 512;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long at = start; at < end; at += chunk.length) {
                int n = (int) Math.min(chunk.length, end - at);
                disk.read(at, chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
        return file;
    }

    @Test
    void everyVolumePassesFsckAndReadsWithMtools() throws Exception {
        HostTools.require("fsck.fat", "mcopy", "mdir");
        int n = 0;
        for (MemoryImage disk : disks) {
            for (Partition p : table(disk).partitions()) {
                Path file = partitionFile(disk, p, "part" + n++ + ".img");
                HostTools.Run check = HostTools.run("fsck.fat", "-n", "-v", file);
                String said = check.out() + check.stderr();
                assertEquals(0, check.exit(), said);
                assertTrue(!said.contains("differences") && !said.contains("Free cluster")
                        && !said.contains("Perform changes"), said);
                HostTools.Run listing = HostTools.run("mdir", "-i", file, "::/");
                assertEquals(0, listing.exit(), listing.stderr());
            }
        }
        Path system = partitionFile(disks.get(0), table(disks.get(0)).partitions().get(0), "system.img");
        HostTools.Run readme = HostTools.run("mcopy", "-i", system, "::/README.TXT", "-");
        assertEquals(0, readme.exit());
        assertEquals(DemoDisks.README, readme.out());
        HostTools.Run docs = HostTools.run("mdir", "-i", system, "::/docs");
        assertTrue(docs.out().contains("design-notes.txt"), docs.out());
    }
}
