package org.microsim.drivers.partd;

import java.util.List;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockException;

/**
 * The disk as the table readers see it: reads that turn a failed or out-of-range read into a problem
 * sentence and a null, so a reader stops what it was doing and reports instead of throwing.
 */
final class Sectors {
    private final BlockDevice disk;
    private final List<String> problems;

    Sectors(BlockDevice disk, List<String> problems) {
        this.disk = disk;
        this.problems = problems;
    }

    long blockCount() {
        return disk.blockCount();
    }

    int blockSize() {
        return disk.blockSize();
    }

    void problem(String text) {
        problems.add(text);
    }

    /** Block {@code lba}, or null (with a problem) when it cannot be read. */
    byte[] block(long lba, String what) {
        return blocks(lba, 1, what);
    }

    /** {@code count} blocks from {@code lba}, or null (with a problem) when they cannot be read. */
    byte[] blocks(long lba, int count, String what) {
        if (lba < 0 || count <= 0 || lba >= disk.blockCount() || count > disk.blockCount() - lba
                || (long) count * disk.blockSize() > Integer.MAX_VALUE) {
            problems.add(what + ": blocks " + lba + "+" + count + " are outside the disk's " + disk.blockCount()
                    + " blocks");
            return null;
        }
        byte[] out = new byte[count * disk.blockSize()];
        try {
            disk.read(lba, count, out, 0);
            return out;
        } catch (BlockException e) {
            problems.add(what + ": cannot read LBA " + lba + ": " + e.getMessage());
            return null;
        }
    }
}
