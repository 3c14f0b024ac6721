package org.microsim.drivers.partd;

/**
 * One partition found in a table.
 *
 * @param index      the number Linux gives it: MBR primaries by slot (1-4), logicals from 5 in chain order,
 *                   GPT partitions by entry number (1-based)
 * @param firstLba   its first block on the disk
 * @param blockCount its length in blocks, at least 1
 * @param type       the type as the table stores it
 * @param subclass   the {@link org.microsim.abi.PortSubclass} its block port gets
 * @param typeName   a name for people ({@code lsblk}): "FAT32 (LBA)", "Linux", "EFI System" ...
 * @param label      the GPT partition name; empty for MBR partitions
 */
public record Partition(int index, long firstLba, long blockCount, PartitionType type, int subclass,
                        String typeName, String label) {
    /** The first block after the partition. */
    public long endLba() {
        return firstLba + blockCount;
    }
}
