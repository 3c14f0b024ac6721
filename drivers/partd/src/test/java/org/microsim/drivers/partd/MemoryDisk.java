package org.microsim.drivers.partd;

import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/**
 * A disk in a byte array that refuses out-of-range requests, as a real device does, counts reads and remembers
 * the extent of what it was asked for.
 */
class MemoryDisk implements BlockDevice {
    final byte[] bytes;
    private final int blockSize;
    int reads;
    /** The lowest block and the end of the highest range any request asked for. */
    long lowestAsked = Long.MAX_VALUE;
    long highestEndAsked = Long.MIN_VALUE;

    MemoryDisk(int blockSize, long blocks) {
        this.blockSize = blockSize;
        this.bytes = new byte[Math.toIntExact(blocks * blockSize)];
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return bytes.length / blockSize;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    private int at(long lba, int count) throws BlockException {
        lowestAsked = Math.min(lowestAsked, lba);
        highestEndAsked = Math.max(highestEndAsked, lba + count);
        if (lba < 0 || count < 0 || lba + count > blockCount()) {
            throw new BlockException(BlockError.OUT_OF_RANGE, "blocks " + lba + "+" + count + " outside the disk");
        }
        return Math.toIntExact(lba * blockSize);
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        reads++;
        System.arraycopy(bytes, at(lba, count), dst, offset, count * blockSize);
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        System.arraycopy(src, offset, bytes, at(lba, count), count * blockSize);
    }

    @Override
    public void flush() {
    }
}
