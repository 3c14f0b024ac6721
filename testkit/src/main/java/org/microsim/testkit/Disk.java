package org.microsim.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.drivers.fatfsd.FatClock;
import org.microsim.drivers.fatfsd.FatVolume;
import org.microsim.drivers.partd.PartitionView;
import org.microsim.images.DemoDisks;
import org.microsim.images.FatFormatter;
import org.microsim.images.PartitionWriter;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.FileImage;
import org.microsim.kernel.machine.MachineException;

/**
 * A disk described in a line: a partition table and FAT volumes holding files, for example
 * {@code Disk.gpt().fat32("DATA", 64 * Disk.MIB).file("/a.txt", "hello")}. Each volume follows the one before, from
 * the disk's second MiB; the disk is as large as its volumes plus a MiB before and after. {@link #fat16} without a
 * table gives a volume over the whole disk ({@code ahci0:disk0p0}).
 *
 * <p>It is built by the {@code images} module's own writers ({@link PartitionWriter}, {@link FatFormatter}) and the
 * file system the machine runs ({@link FatVolume}), into a sparse image file, with fixed seeds and a stopped clock:
 * the same description gives the same bytes.
 */
public final class Disk {
    /** A mebibyte, for sizes: {@code 64 * Disk.MIB}. */
    public static final long MIB = 1L << 20;
    private static final long FIRST = MIB / DiskImage.SECTOR_SIZE;
    private static final long SEED = 0x7465_7374_6b69_74L;

    private enum Table { GPT, MBR, NONE }

    private record Volume(FsType type, String label, long bytes, Map<String, byte[]> files) {
    }

    private final Table table;
    private final List<Volume> volumes = new ArrayList<>();

    private Disk(Table table) {
        this.table = table;
    }

    /** A disk with a GUID partition table; its volumes are Microsoft basic data partitions. */
    public static Disk gpt() {
        return new Disk(Table.GPT);
    }

    /** A disk with an MBR; its volumes are primary partitions of type 0x0c (FAT32) or 0x0e (FAT16). */
    public static Disk mbr() {
        return new Disk(Table.MBR);
    }

    /** A disk that is one FAT16 volume, no partition table (as {@code mkfs.fat} of a whole image). */
    public static Disk fat16(String label, long bytes) {
        Disk d = new Disk(Table.NONE);
        d.volumes.add(new Volume(FsType.FAT16, label, bytes, new LinkedHashMap<>()));
        return d;
    }

    /** Adds a FAT32 volume of {@code bytes} (at least 33 MiB, as FAT32 needs 65525 clusters). */
    public Disk fat32(String label, long bytes) {
        return volume(FsType.FAT32, label, bytes);
    }

    /** Adds a FAT16 volume of {@code bytes}. */
    public Disk fat16Volume(String label, long bytes) {
        return volume(FsType.FAT16, label, bytes);
    }

    private Disk volume(FsType type, String label, long bytes) {
        if (table == Table.NONE) {
            throw new IllegalArgumentException("a disk without a partition table is one volume");
        }
        volumes.add(new Volume(type, label, bytes, new LinkedHashMap<>()));
        return this;
    }

    /** Puts a file (directories on its path are made) into the last volume added. */
    public Disk file(String path, byte[] content) {
        if (volumes.isEmpty()) {
            throw new IllegalArgumentException("add a volume before its files");
        }
        volumes.getLast().files().put(path, content.clone());
        return this;
    }

    /** Puts a UTF-8 text file into the last volume added. */
    public Disk file(String path, String text) {
        return file(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** How many volumes the disk holds: they are mounted as {@code p1}, {@code p2}... ({@code p0} without a table). */
    public int volumeCount() {
        return volumes.size();
    }

    /** The description, as it would be written in code: {@code gpt fat16 ONE 16 MiB [/a.txt]}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(table.name().toLowerCase(java.util.Locale.ROOT));
        for (Volume v : volumes) {
            s.append(' ').append(v.type().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(v.label())
                    .append(' ').append(v.bytes() / MIB).append(" MiB ").append(v.files().keySet());
        }
        return s.toString();
    }

    /**
     * Writes the disk to a sparse image file at {@code image} (made or replaced): for a stick to {@code usb attach}
     * later, or to keep.
     */
    public void writeTo(Path image) throws IOException {
        long sectors = table == Table.NONE ? volumes.getFirst().bytes() / DiskImage.SECTOR_SIZE
                : 2 * FIRST + volumes.stream().mapToLong(v -> v.bytes() / DiskImage.SECTOR_SIZE).sum();
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(sectors * DiskImage.SECTOR_SIZE);
        }
        try (FileImage file = FileImage.open(image, false, true)) {
            build(new DemoDisks.ImageDevice(file));
        } catch (MachineException | BlockException | FsException e) {
            throw new IllegalArgumentException("the disk cannot be built: " + e.getMessage(), e);
        }
    }

    private void build(BlockDevice disk) throws BlockException, FsException, IOException {
        if (table == Table.NONE) {
            fill(disk, 0, disk.blockCount(), volumes.getFirst(), 1);
            return;
        }
        List<PartitionWriter.GptPartition> gpt = new ArrayList<>();
        List<PartitionWriter.MbrPartition> mbr = new ArrayList<>();
        long at = FIRST;
        for (Volume v : volumes) {
            long n = v.bytes() / DiskImage.SECTOR_SIZE;
            gpt.add(new PartitionWriter.GptPartition(PartitionWriter.MICROSOFT_BASIC_DATA, at, n, v.label()));
            mbr.add(new PartitionWriter.MbrPartition(v.type() == FsType.FAT32 ? 0x0c : 0x0e, at, n, false));
            at += n;
        }
        if (table == Table.GPT) {
            PartitionWriter.writeGpt(disk, gpt, SEED);
        } else {
            PartitionWriter.writeMbr(disk, mbr, List.of(), SEED);
        }
        at = FIRST;
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            long n = v.bytes() / DiskImage.SECTOR_SIZE;
            fill(disk, at, n, v, i + 1);
            at += n;
        }
    }

    private static void fill(BlockDevice disk, long first, long sectors, Volume v, int index) throws FsException {
        FatClock clock = new FatClock(() -> 0L);
        PartitionView partition = new PartitionView(disk, first, sectors);
        FatFormatter.format(partition, FatFormatter.Options.of(v.type(), v.label(), SEED + index).at(first), clock);
        FatVolume volume = FatVolume.mount(partition, clock);
        for (Map.Entry<String, byte[]> e : v.files().entrySet()) {
            makeParents(volume, e.getKey());
            int fh = volume.open(e.getKey(), OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNCATE);
            volume.write(fh, 0, e.getValue(), 0, e.getValue().length);
            volume.close(fh);
        }
        volume.sync();
    }

    private static void makeParents(FatVolume volume, String path) throws FsException {
        int slash = path.indexOf('/', 1);
        while (slash > 0) {
            try {
                volume.mkdir(path.substring(0, slash));
            } catch (FsException e) {
                if (e.error() != org.microsim.abi.fs.FsError.EXISTS) {
                    throw e;
                }
            }
            slash = path.indexOf('/', slash + 1);
        }
    }
}
