package org.microsim.testkit.task;

import org.microsim.abi.block.BlockDevice;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;

/**
 * A block device in a byte array, for testing code that reads partition tables or filesystems without any
 * kernel. It behaves as a real device does where tests need it to (out-of-range requests and too-small buffers
 * are refused, a read-only disk refuses writes) and tells what it was asked: how many reads, writes and flushes
 * (so a test can tell run-sized I/O from sector-sized), and the extent of every block asked for, refused
 * requests included (so a test can tell that a view never strays outside its window). A test can make every
 * later read and write fail, as a dying disk does, or only the next few, as a drive's transient error does.
 *
 * <p>The array is the disk, not a copy: what the code under test writes is there for the test to read, and what
 * the test puts there the code reads.
 */
public final class MemoryDisk implements BlockDevice {
    private final byte[] bytes;
    private final int blockSize;
    private boolean readOnly;
    private BlockException failure;
    /** How many more reads and writes fail with {@link #failure} before it ends; negative: it never ends. */
    private int failuresLeft = -1;
    private int reads;
    private int writes;
    private int flushes;
    private long lowestAsked = Long.MAX_VALUE;
    private long highestEndAsked = Long.MIN_VALUE;

    /** A zeroed disk of {@code blocks} blocks of {@code blockSize} bytes. */
    public MemoryDisk(int blockSize, long blocks) {
        this(new byte[Math.toIntExact(blocks * blockSize)], blockSize);
    }

    private MemoryDisk(byte[] bytes, int blockSize) {
        if (blockSize <= 0 || bytes.length % blockSize != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes are not whole blocks of " + blockSize);
        }
        this.bytes = bytes;
        this.blockSize = blockSize;
    }

    /** A disk that is {@code bytes} itself (not a copy), in blocks of {@code blockSize}. */
    public static MemoryDisk of(byte[] bytes, int blockSize) {
        return new MemoryDisk(bytes, blockSize);
    }

    /** The disk's contents: the array itself, as the code under test left it. */
    public byte[] bytes() {
        return bytes;
    }

    /** Makes the disk read-only (every write then fails with {@link BlockError#READ_ONLY}) or writable again. */
    public void setReadOnly(boolean value) {
        readOnly = value;
    }

    /** Makes every later read and write fail with {@code error}, as a medium error would. */
    public void failWith(BlockError error, String detail) {
        failure = new BlockException(error, detail);
        failuresLeft = -1;
    }

    /** Makes the next {@code count} reads or writes fail with {@code error}, then works again. */
    public void failNext(int count, BlockError error, String detail) {
        failure = count > 0 ? new BlockException(error, detail) : null;
        failuresLeft = count;
    }

    /** Reads asked for since the start or the last {@link #resetCounts}, refused ones included. */
    public int reads() {
        return reads;
    }

    /** Writes asked for since the start or the last {@link #resetCounts}, refused ones included. */
    public int writes() {
        return writes;
    }

    /** Flushes asked for since the start or the last {@link #resetCounts}. */
    public int flushes() {
        return flushes;
    }

    /** Starts counting reads, writes and flushes afresh. */
    public void resetCounts() {
        reads = 0;
        writes = 0;
        flushes = 0;
    }

    /** The lowest block any read or write asked for; {@link Long#MAX_VALUE} when none was asked for. */
    public long lowestAsked() {
        return lowestAsked;
    }

    /** The end (exclusive) of the highest range asked for; {@link Long#MIN_VALUE} when none was. */
    public long highestEndAsked() {
        return highestEndAsked;
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

    /** Records the extent asked for, then refuses what a real disk would; returns the byte offset. */
    private int at(long lba, int count, byte[] buf, int offset) throws BlockException {
        lowestAsked = Math.min(lowestAsked, lba);
        highestEndAsked = Math.max(highestEndAsked, lba + count);
        if (failure != null) {
            BlockException thrown = failure;
            if (failuresLeft > 0 && --failuresLeft == 0) {
                failure = null;
            }
            throw thrown;
        }
        if (lba < 0 || count < 0 || lba + count > blockCount()) {
            throw new BlockException(BlockError.OUT_OF_RANGE, "blocks " + lba + "+" + count + " outside "
                    + blockCount());
        }
        if (offset < 0 || offset + (long) count * blockSize > buf.length) {
            throw new BlockException(BlockError.INVALID_REQUEST, "buffer too small");
        }
        return Math.toIntExact(lba * blockSize);
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        reads++;
        System.arraycopy(bytes, at(lba, count, dst, offset), dst, offset, count * blockSize);
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        writes++;
        int at = at(lba, count, src, offset);
        if (readOnly) {
            throw new BlockException(BlockError.READ_ONLY, "the disk is read-only");
        }
        System.arraycopy(src, offset, bytes, at, count * blockSize);
    }

    @Override
    public void flush() {
        flushes++;
    }
}
