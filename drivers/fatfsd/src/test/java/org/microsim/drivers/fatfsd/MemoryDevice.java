package org.microsim.drivers.fatfsd;

import java.util.Arrays;
import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/** A block device in a byte array, counting calls so tests can tell run-sized I/O from sector-sized. */
final class MemoryDevice implements BlockDevice {
    final byte[] bytes;
    private final int blockSize;
    int reads;
    int writes;
    int flushes;
    boolean readOnly;

    MemoryDevice(byte[] bytes, int blockSize) {
        this.bytes = bytes;
        this.blockSize = blockSize;
    }

    MemoryDevice copy() {
        return new MemoryDevice(Arrays.copyOf(bytes, bytes.length), blockSize);
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
        return readOnly;
    }

    private void check(long lba, int count, byte[] buf, int offset) throws BlockException {
        if (lba < 0 || count < 0 || lba + count > blockCount()) {
            throw new BlockException(BlockError.OUT_OF_RANGE, "blocks " + lba + "+" + count + " outside "
                    + blockCount());
        }
        if (offset < 0 || offset + (long) count * blockSize > buf.length) {
            throw new BlockException(BlockError.INVALID_REQUEST, "buffer too small");
        }
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        check(lba, count, dst, offset);
        reads++;
        System.arraycopy(bytes, (int) (lba * blockSize), dst, offset, count * blockSize);
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        check(lba, count, src, offset);
        writes++;
        System.arraycopy(src, offset, bytes, (int) (lba * blockSize), count * blockSize);
    }

    @Override
    public void flush() {
        flushes++;
    }
}
