package org.microsim.drivers.partd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.block.BlockDevice;

/**
 * Finds the partitions of a disk: the entry point of partd's table code.
 *
 * <p>LBA 0 decides the format. Without the 0x55AA signature there is no table ({@link
 * PartitionTable.Scheme#NONE}: the caller may offer the disk whole), unless LBA 1 holds a GPT header, which is
 * then read with a problem noted. An MBR with a type 0xEE entry is a protective (or hybrid) MBR and the GPT
 * is read instead; otherwise it is an MBR when {@link MbrReader#isMbr} accepts it, else no table.
 * The entries are then put through {@link PartitionChecks}, and partitions whose type does not say what they
 * hold get their subclass from their first sector ({@link FatSniffer}).
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
        return new PartitionTable(PartitionTable.Scheme.MBR, sniffed(found, sectors), problems);
    }

    private static PartitionTable gpt(Sectors sectors, List<String> problems) {
        List<Partition> found = PartitionChecks.accept(GptReader.read(sectors), sectors.blockCount(), problems);
        return new PartitionTable(PartitionTable.Scheme.GPT, sniffed(found, sectors), problems);
    }

    /**
     * The partitions with the subclass their first sector shows, for the types that do not say what they hold
     * (basic data, EFI System, Linux data): an EFI System partition is FAT by the UEFI specification, and
     * tools format Linux-typed partitions with anything. When the sector is no FAT or NTFS boot sector, a
     * typed partition keeps its type's subclass, so an unformatted EFI System partition stays {@code efi_system}.
     */
    private static List<Partition> sniffed(List<Partition> found, Sectors sectors) {
        List<Partition> out = new ArrayList<>();
        for (Partition p : found) {
            boolean sniff = switch (p.type()) {
                case PartitionType.Gpt g -> GptTypes.needsSniffing(g.guid());
                case PartitionType.Mbr m -> MbrTypes.needsSniffing(m.code());
            };
            byte[] boot = sniff ? sectors.block(p.firstLba(), "partition " + p.index() + " boot sector") : null;
            int seen = boot == null ? PortSubclass.BLOCK_UNKNOWN : FatSniffer.subclass(boot);
            boolean keep = boot == null || seen == PortSubclass.BLOCK_UNKNOWN && p.subclass() != PortSubclass.BLOCK_UNKNOWN;
            out.add(keep ? p : new Partition(p.index(), p.firstLba(), p.blockCount(), p.type(), seen, p.typeName(),
                    p.label()));
        }
        return out;
    }
}
