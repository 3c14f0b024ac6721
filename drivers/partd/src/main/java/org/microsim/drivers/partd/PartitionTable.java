package org.microsim.drivers.partd;

import java.util.List;

/**
 * What {@link PartitionTableReader} found on a disk: the kind of table, the usable partitions in table order,
 * and every problem met on the way, as sentences. A table with problems may still list partitions: the ones
 * that passed every check.
 */
public record PartitionTable(Scheme scheme, List<Partition> partitions, List<String> problems) {
    /** The kind of partition table. */
    public enum Scheme {
        /** No partition table: the caller may offer the disk whole. */
        NONE,
        MBR,
        GPT
    }

    public PartitionTable {
        partitions = List.copyOf(partitions);
        problems = List.copyOf(problems);
    }
}
