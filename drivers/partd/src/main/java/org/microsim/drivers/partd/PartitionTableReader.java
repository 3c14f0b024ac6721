package org.microsim.drivers.partd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.block.BlockDevice;

/**
 * Finds the partitions of a disk: the entry point of partd's table code.
 *
 * <p>LBA 0 decides the format. Without the 0x55AA signature there is no table ({@link
 * PartitionTable.Scheme#NONE}: the caller may offer the disk whole), unless LBA 1 holds a GPT header, which is
 * then read with a problem noted. An MBR with a type 0xEE entry is a protective (or hybrid) MBR and the GPT
 * is read instead; otherwise it is an MBR when {@link MbrReader#isMbr} accepts it, else no table.
 * The entries are then put through {@link PartitionChecks}, and "Microsoft basic data" partitions get their
 * subclass from their first sector ({@link FatSniffer}).
 *
 * <p>Nothing on the disk can make this throw or loop without bound: every problem, a failed read included,
 * becomes a sentence in {@link PartitionTable#problems()}.
 */
public final class PartitionTableReader {
    private PartitionTableReader() {
    }

    /** The smallest block size a partition table can be read from. */
    public static final int MIN_BLOCK_SIZE = 512;
    /** How many primary partitions an MBR holds. */
    public static final int MBR_PRIMARIES = 4;

    /** Reads the partition table of {@code disk}. */
    public static PartitionTable read(BlockDevice disk) {
        List<String> problems = new ArrayList<>();
        if (disk.blockSize() < MIN_BLOCK_SIZE || disk.blockCount() < 1) {
            problems.add("a disk of " + disk.blockCount() + " blocks of " + disk.blockSize()
                    + " bytes cannot hold a partition table");
            return new PartitionTable(PartitionTable.Scheme.NONE, List.of(), problems);
        }
        Sectors sectors = new Sectors(disk, problems);
        byte[] first = sectors.block(0, "MBR");
        if (first == null) {
            return new PartitionTable(PartitionTable.Scheme.NONE, List.of(), problems);
        }
        if (!Bytes.bootSignature(first)) {
            if (disk.blockCount() > 2 && GptReader.hasSignature(sectors.block(1, "GPT header"))) {
                problems.add("LBA 0 has no protective MBR but LBA 1 holds a GPT header");
                return gpt(sectors, problems);
            }
            return new PartitionTable(PartitionTable.Scheme.NONE, List.of(), problems);
        }
        if (MbrReader.entries(first).stream().anyMatch(e -> e.type() == MbrTypes.GPT_PROTECTIVE)) {
            return gpt(sectors, problems);
        }
        if (!MbrReader.isMbr(first)) {
            return new PartitionTable(PartitionTable.Scheme.NONE, List.of(), problems);
        }
        List<Partition> found = PartitionChecks.accept(MbrReader.read(sectors, first), disk.blockCount(), problems);
        return new PartitionTable(PartitionTable.Scheme.MBR, found, problems);
    }

    private static PartitionTable gpt(Sectors sectors, List<String> problems) {
        List<Partition> found = new ArrayList<>();
        for (Partition p : PartitionChecks.accept(GptReader.read(sectors), sectors.blockCount(), problems)) {
            boolean basicData = p.type() instanceof PartitionType.Gpt g && GptTypes.needsSniffing(g.guid());
            found.add(basicData ? sniffed(p, sectors) : p);
        }
        return new PartitionTable(PartitionTable.Scheme.GPT, found, problems);
    }

    private static Partition sniffed(Partition p, Sectors sectors) {
        byte[] boot = sectors.block(p.firstLba(), "partition " + p.index() + " boot sector");
        if (boot == null) {
            return p;
        }
        return new Partition(p.index(), p.firstLba(), p.blockCount(), p.type(), FatSniffer.subclass(boot), p.typeName(),
                p.label());
    }
}
