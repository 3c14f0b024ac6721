package org.microsim.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockRequestCheck;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsType;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.drivers.fatfsd.FatClock;
import org.microsim.drivers.fatfsd.FatVolume;
import org.microsim.drivers.partd.PartitionView;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.MemoryImage;

/**
 * The disks of the demo machine, the one {@code ./sim} boots with no arguments: something to {@code ls},
 * {@code cat} and {@code put} from the first prompt.
 *
 * <h2>Disk 0: 128 MiB, GPT</h2>
 * <ol>
 *   <li>Partition 1, "SYSTEM": LBA 2048, 48 MiB, Microsoft basic data, FAT32 labelled SYSTEM, holding
 *   <pre>
 *   /README.TXT                      what this machine is and what to try
 *   /EMPTY.TXT                       an empty file
 *   /docs/design-notes.txt           a long name: how the simulator is built, in brief
 *   /docs/deep/deeper/deepest/NOTE.TXT   at the bottom of nested directories
 *   /bin/hello                       two small text files standing in for programs
 *   /bin/motd
 *   /data/numbers.csv                n, n squared, n cubed for n = 1..200
 *   </pre></li>
 *   <li>Partition 2, "DATA": LBA 100352, 78 MiB (up to the last MiB), Microsoft basic data, FAT32 labelled
 *   DATA, holding
 *   <pre>
 *   /WELCOME.TXT                     "put your files here"
 *   /logs/boot.log                   a few lines of a pretend log
 *   /big/pattern.bin                 256 KiB of a counting pattern, to read across many clusters
 *   /uploads/                        an empty directory
 *   </pre></li>
 * </ol>
 *
 * <h2>Disk 1: 32 MiB, MBR</h2>
 * One primary partition, type 0x0e (FAT16, LBA), from LBA 2048 to the end, FAT16 labelled HELLO, holding
 * {@code /HELLO.TXT} and {@code /notes/todo.txt}.
 *
 * <h2>The USB stick: 16 MiB, MBR</h2>
 * One primary partition, type 0x0e (FAT16, LBA), from LBA 2048 to the end, FAT16 labelled STICK, holding
 * {@code /STICK.TXT} and {@code /photos/list.txt}: the demo machine has it on the xHCI controller's first port,
 * to be detached and attached again ({@code usb detach 1}).
 *
 * <p>The images are built afresh on each call, in memory, by this project's own {@link PartitionWriter},
 * {@link FatFormatter} and {@link FatVolume}: the tools the simulated system itself runs, so the demo also
 * shows them agreeing with each other. Nothing depends on the host: GUIDs and volume ids come from fixed seeds,
 * timestamps from a clock stopped at {@link FatClock#DEFAULT_BOOT}, so every build gives the same bytes. Only
 * metadata and files are written; the rest of each {@link MemoryImage} stays unallocated, so a build takes a
 * few megabytes and a few milliseconds.
 */
public final class DemoDisks {
    private DemoDisks() {
    }

    /** Size of disk 0 (GPT, two FAT32 partitions), in sectors. */
    public static final long GPT_DISK_SECTORS = 128L * 1024 * 1024 / DiskImage.SECTOR_SIZE;
    /** Size of disk 1 (MBR, one FAT16 partition), in sectors. */
    public static final long MBR_DISK_SECTORS = 32L * 1024 * 1024 / DiskImage.SECTOR_SIZE;

    static final long MIB = 2048;
    static final long SYSTEM_FIRST = MIB;
    static final long SYSTEM_SECTORS = 48 * MIB;
    static final long DATA_FIRST = SYSTEM_FIRST + SYSTEM_SECTORS;
    static final long DATA_SECTORS = GPT_DISK_SECTORS - MIB - DATA_FIRST;
    static final long HELLO_FIRST = MIB;
    static final long HELLO_SECTORS = MBR_DISK_SECTORS - HELLO_FIRST;
    static final int HELLO_TYPE = 0x0e;
    /** Size of the USB stick, in sectors. */
    public static final long STICK_SECTORS = 16L * 1024 * 1024 / DiskImage.SECTOR_SIZE;

    private static final long SEED = 0x6D6963726F73696DL;

    static final String README = """
            Welcome to microsim!

            This machine is simulated: a PCIe bus with AHCI and xHCI controllers and an e1000 NIC, driven by a
            microkernel whose drivers and filesystems are ordinary tasks talking over IPC. You are reading
            this file from the SYSTEM partition (FAT32) of disk 0, a 128 MiB disk with a GUID partition table.
            Nothing here touches your real disks: every disk of the demo machine lives in memory and is gone
            when the simulator exits.

            What is on the disks
              disk 0, partition 1  SYSTEM  FAT32  this file, /docs, /bin, /data
              disk 0, partition 2  DATA    FAT32  /WELCOME.TXT, /logs, /big, /uploads
              disk 1, partition 1  HELLO   FAT16  /HELLO.TXT, /notes (an MBR disk)
              USB stick msc0       STICK   FAT16  /STICK.TXT, /photos (on USB port 1)

            Things to try
              ls                    list a directory (try the nested /docs/deep/deeper/deepest)
              cat                   print a file, for example /docs/design-notes.txt
              put / get             copy a file from your computer into the machine, and back
              ps, ports             see the tasks and the ports they serve
              crash ahci            crash the disk driver: its supervisor restarts it, and reads go on
              lsusb, usb detach 1   see the USB stick, pull it out (its volume goes), plug one in again
              help                  the full list of commands and how to spell them

            Have fun breaking things: that is what a simulator is for.
            """;

    private static final String DESIGN_NOTES = """
            Design notes, in brief

            A microkernel keeps only scheduling, memory leases, IPC and interrupts. Everything else is a task:
            the AHCI driver owns the disk controller, partd reads partition tables and serves one block port per
            partition, fatfsd mounts a FAT volume on such a port and serves files. A task sees the kernel only
            through the abi system calls, and time only through the kernel's virtual clock, so a run with the
            same seed replays exactly.

            When a task crashes, its supervisor restarts it; its clients see an error on the calls in flight and
            reconnect. Filesystems write so that a crash leaves the last synced state on disk, never a mixture.

            This disk was made by the simulator's own partition writer and FAT formatter, and filled through the
            same FAT library fatfsd runs.
            """;

    /** The files of each volume, in creation order; a path ending in '/' is a directory. */
    private static final Map<String, String> SYSTEM_FILES = ordered(
            "/README.TXT", README,
            "/EMPTY.TXT", "",
            "/docs/", "",
            "/docs/design-notes.txt", DESIGN_NOTES,
            "/docs/deep/", "",
            "/docs/deep/deeper/", "",
            "/docs/deep/deeper/deepest/", "",
            "/docs/deep/deeper/deepest/NOTE.TXT", "You found the bottom. There is nothing else down here.\n",
            "/bin/", "",
            "/bin/hello", "#!/bin/sh\necho \"hello from the SYSTEM partition\"\n",
            "/bin/motd", "Message of the day: every crash is a lesson.\n",
            "/data/", "",
            "/data/numbers.csv", numbers());
    private static final Map<String, String> DATA_FILES = ordered(
            "/WELCOME.TXT", "This is the DATA partition of disk 0. It is nearly empty: put your files here.\n",
            "/logs/", "",
            "/logs/boot.log", """
                    0.000 kernel: boot
                    0.001 pcie: 00:01.0 AHCI controller, 00:02.0 e1000
                    0.004 ahci: port 0: disk of 262144 sectors
                    0.006 partd: disk 0: GPT, 2 partitions
                    0.009 fatfsd: SYSTEM and DATA mounted
                    """,
            "/big/", "",
            "/uploads/", "");
    private static final Map<String, String> HELLO_FILES = ordered(
            "/HELLO.TXT", "Hello from disk 1, a 32 MiB disk with an MBR and one FAT16 partition.\n",
            "/notes/", "",
            "/notes/todo.txt", "- ls this directory\n- cat this file\n- put something next to it\n");

    private static final Map<String, String> STICK_FILES = ordered(
            "/STICK.TXT", "Hello from the USB stick: xHCI, usbd, partd and fatfsd brought you this file.\n",
            "/photos/", "",
            "/photos/list.txt", "beach.jpg\nmountain.jpg\n(only the list: the photos stayed at home)\n");

    /** Size of /big/pattern.bin on the DATA partition. */
    static final int PATTERN_BYTES = 256 * 1024;

    /**
     * Builds the demo machine's disks: disk 0 (GPT, SYSTEM and DATA) then disk 1 (MBR, HELLO), writable, with
     * the contents described above.
     */
    public static List<MemoryImage> build() {
        try {
            return List.of(gptDisk(), mbrDisk());
        } catch (BlockException | FsException e) {
            // The layout and files are constants that fit, so this is a bug in the code that writes them.
            throw new IllegalStateException("the demo disks could not be built: " + e.getMessage(), e);
        }
    }

    private static MemoryImage gptDisk() throws BlockException, FsException {
        MemoryImage image = new MemoryImage(GPT_DISK_SECTORS);
        ImageDevice disk = new ImageDevice(image);
        PartitionWriter.writeGpt(disk, List.of(
                new PartitionWriter.GptPartition(PartitionWriter.MICROSOFT_BASIC_DATA, SYSTEM_FIRST, SYSTEM_SECTORS,
                        "SYSTEM"),
                new PartitionWriter.GptPartition(PartitionWriter.MICROSOFT_BASIC_DATA, DATA_FIRST, DATA_SECTORS,
                        "DATA")), SEED);
        FatVolume system = volume(disk, SYSTEM_FIRST, SYSTEM_SECTORS, FsType.FAT32, "SYSTEM", 1);
        fill(system, SYSTEM_FILES);
        system.sync();
        FatVolume data = volume(disk, DATA_FIRST, DATA_SECTORS, FsType.FAT32, "DATA", 2);
        fill(data, DATA_FILES);
        write(data, "/big/pattern.bin", pattern());
        data.sync();
        return image;
    }

    /** Builds the demo machine's USB stick (MBR, STICK), writable, with the contents described above. */
    public static MemoryImage stick() {
        try {
            return mbrDisk(STICK_SECTORS, "STICK", STICK_FILES, 4, SEED + 4);
        } catch (BlockException | FsException e) {
            throw new IllegalStateException("the demo stick could not be built: " + e.getMessage(), e);
        }
    }

    private static MemoryImage mbrDisk() throws BlockException, FsException {
        return mbrDisk(MBR_DISK_SECTORS, "HELLO", HELLO_FILES, 3, SEED);
    }

    /**
     * An MBR disk with one FAT16 (LBA) partition from its second MiB to its end, holding {@code files}; the disk
     * signature comes from {@code signatureSeed}, the volume id from {@code seed}.
     */
    private static MemoryImage mbrDisk(long sectors, String label, Map<String, String> files, long seed,
                                       long signatureSeed)
            throws BlockException, FsException {
        MemoryImage image = new MemoryImage(sectors);
        ImageDevice disk = new ImageDevice(image);
        long size = sectors - HELLO_FIRST;
        PartitionWriter.writeMbr(disk, List.of(new PartitionWriter.MbrPartition(HELLO_TYPE, HELLO_FIRST, size,
                false)), List.of(), signatureSeed);
        FatVolume volume = volume(disk, HELLO_FIRST, size, FsType.FAT16, label, seed);
        fill(volume, files);
        volume.sync();
        return image;
    }

    private static FatVolume volume(BlockDevice disk, long first, long sectors, FsType type, String label, long seed)
            throws FsException {
        FatClock clock = new FatClock(() -> 0L);
        PartitionView partition = new PartitionView(disk, first, sectors);
        FatFormatter.format(partition, FatFormatter.Options.of(type, label, SEED + seed).at(first), clock);
        return FatVolume.mount(partition, clock);
    }

    private static void fill(FatVolume volume, Map<String, String> files) throws FsException {
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (e.getKey().endsWith("/")) {
                volume.mkdir(e.getKey().substring(0, e.getKey().length() - 1));
            } else {
                write(volume, e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void write(FatVolume volume, String path, byte[] content) throws FsException {
        int fh = volume.open(path, OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.EXCLUSIVE);
        volume.write(fh, 0, content, 0, content.length);
        volume.close(fh);
    }

    private static Map<String, String> ordered(String... pathsAndContents) {
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            map.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    static String numbers() {
        StringBuilder csv = new StringBuilder("n,square,cube\n");
        for (long n = 1; n <= 200; n++) {
            csv.append(n).append(',').append(n * n).append(',').append(n * n * n).append('\n');
        }
        return csv.toString();
    }

    /** Each 4-byte word holds its own offset, big-endian: a misplaced cluster shows in a hex dump. */
    static byte[] pattern() {
        byte[] b = new byte[PATTERN_BYTES];
        for (int at = 0; at < b.length; at += 4) {
            b[at] = (byte) (at >>> 24);
            b[at + 1] = (byte) (at >>> 16);
            b[at + 2] = (byte) (at >>> 8);
            b[at + 3] = (byte) at;
        }
        return b;
    }

    /**
     * A disk image as a block device of 512-byte blocks: how the builders above reach it, and how a benchmark
     * writes a partition table into an image file.
     */
    public static final class ImageDevice implements BlockDevice {
        private final DiskImage image;

        public ImageDevice(DiskImage image) {
            this.image = image;
        }

        @Override
        public int blockSize() {
            return DiskImage.SECTOR_SIZE;
        }

        @Override
        public long blockCount() {
            return image.sectorCount();
        }

        @Override
        public boolean readOnly() {
            return image.readOnly();
        }

        @Override
        public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
            check(lba, count, dst, offset);
            try {
                image.read(lba * DiskImage.SECTOR_SIZE, dst, offset, count * DiskImage.SECTOR_SIZE);
            } catch (IOException e) {
                throw new BlockException(BlockError.IO_ERROR, e.getMessage());
            }
        }

        @Override
        public void write(long lba, int count, byte[] src, int offset) throws BlockException {
            check(lba, count, src, offset);
            try {
                image.write(lba * DiskImage.SECTOR_SIZE, src, offset, count * DiskImage.SECTOR_SIZE);
            } catch (IOException e) {
                throw new BlockException(image.readOnly() ? BlockError.READ_ONLY : BlockError.IO_ERROR,
                        e.getMessage());
            }
        }

        @Override
        public void flush() {
            // A memory image has nowhere more durable to go.
        }

        private void check(long lba, int count, byte[] buffer, int offset) throws BlockException {
            BlockRequestCheck.range(lba, count, blockCount());
            BlockRequestCheck.buffer(count, blockSize(), buffer.length, offset);
        }
    }
}
