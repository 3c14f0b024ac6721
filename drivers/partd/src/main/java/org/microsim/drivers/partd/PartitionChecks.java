package org.microsim.drivers.partd;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks both table formats share, applied to the entries a reader decoded: a partition must have at
 * least one block, must not start on block 0 (the table itself), must end inside the disk, and must not
 * overlap a partition accepted before it (the one that comes first in table order wins). An MBR extended
 * partition is a container, so the logical partitions inside it do not count as overlapping it.
 * A rejected entry is reported and left out; it is never served, so it can never expose another
 * partition's blocks.
 */
final class PartitionChecks {
    private PartitionChecks() {
    }

    static List<Partition> accept(List<Partition> candidates, long diskBlocks, List<String> problems) {
        List<Partition> accepted = new ArrayList<>();
        for (Partition p : candidates) {
            String problem = problem(p, diskBlocks, accepted);
            if (problem == null) {
                accepted.add(p);
            } else {
                problems.add("partition " + p.index() + " " + problem + "; ignored");
            }
        }
        return accepted;
    }

    private static String problem(Partition p, long diskBlocks, List<Partition> accepted) {
        if (p.blockCount() <= 0) {
            return "is empty (zero length)";
        }
        String where = "(LBA " + Long.toUnsignedString(p.firstLba()) + " + " + Long.toUnsignedString(p.blockCount())
                + ")";
        if (p.firstLba() <= 0) {
            return where + " starts over the partition table";
        }
        if (p.firstLba() >= diskBlocks || p.blockCount() > diskBlocks - p.firstLba()) {
            return where + " runs past the end of the disk (" + diskBlocks + " blocks)";
        }
        for (Partition q : accepted) {
            if (p.firstLba() < q.endLba() && q.firstLba() < p.endLba() && !nested(p, q) && !nested(q, p)) {
                return where + " overlaps partition " + q.index();
            }
        }
        return null;
    }

    /** True when {@code container} is the extended partition and {@code inner} one of its logicals. */
    private static boolean nested(Partition container, Partition inner) {
        return container.type() instanceof PartitionType.Mbr mbr && MbrTypes.isExtended(mbr.code())
                && inner.index() > MbrReader.PRIMARIES;
    }
}
