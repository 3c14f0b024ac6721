package org.microsim.drivers.partd;

import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * One partition as a block device of its own: block 0 is the partition's first block. Every request is
 * checked against the partition's length before it is translated, so nothing done through a view can
 * reach a block of the parent outside the partition, whatever the caller asks.
 */
public final class PartitionView implements BlockDevice {
    private final BlockDevice parent;
    private final long firstLba;
    private final long blockCount;

    /**
     * A view of {@code blockCount} blocks of {@code parent} from {@code firstLba}.
     *
     * @throws IllegalArgumentException when that range is empty or not inside the parent
     */
    public PartitionView(BlockDevice parent, long firstLba, long blockCount) {
        if (firstLba < 0 || blockCount <= 0 || firstLba > parent.blockCount() - blockCount) {
            throw new IllegalArgumentException("blocks " + firstLba + "+" + blockCount + " are not inside a device of "
                    + parent.blockCount() + " blocks");
        }
        this.parent = parent;
        this.firstLba = firstLba;
        this.blockCount = blockCount;
    }

    /** The view of a partition found on {@code parent}. */
    public static PartitionView of(BlockDevice parent, Partition partition) {
        return new PartitionView(parent, partition.firstLba(), partition.blockCount());
    }

    @Override
    public int blockSize() {
        return parent.blockSize();
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public boolean readOnly() {
        return parent.readOnly();
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        parent.read(translate(lba, count, dst, offset), count, dst, offset);
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        if (parent.readOnly()) {
            throw new BlockException(BlockError.READ_ONLY, "the partition is read-only");
        }
        parent.write(translate(lba, count, src, offset), count, src, offset);
    }

    @Override
    public void flush() throws BlockException {
        parent.flush();
    }

    /** The parent's LBA for {@code lba}, once the range is known to lie inside the partition. */
    public long translate(long lba, int count) throws BlockException {
        BlockRequestCheck.range(lba, count, blockCount);
        return firstLba + lba;
    }

    private long translate(long lba, int count, byte[] buffer, int offset) throws BlockException {
        BlockRequestCheck.buffer(count, blockSize(), buffer.length, offset);
        return translate(lba, count);
    }
}
