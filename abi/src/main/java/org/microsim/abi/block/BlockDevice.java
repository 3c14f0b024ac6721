package org.microsim.abi.block;

/**
 * A block device as code that reads partition tables or filesystems sees it, whatever is behind it: a block
 * port over IPC (in the simulator), an image in a test. Reads and writes are whole blocks.
 */
public interface BlockDevice {
    /** The size of one block in bytes. */
    int blockSize();

    /** How many blocks the device has; valid LBAs are {@code 0 .. blockCount() - 1}. */
    long blockCount();

    /** True when every write fails with {@link BlockError#READ_ONLY}. */
    boolean readOnly();

    /**
     * Reads {@code count} blocks from {@code lba} into {@code dst} at {@code offset}.
     *
     * @throws BlockException with {@link BlockError#OUT_OF_RANGE} for blocks outside the device, or whatever
     *                        else went wrong
     */
    void read(long lba, int count, byte[] dst, int offset) throws BlockException;

    /**
     * Writes {@code count} blocks at {@code lba} from {@code src} at {@code offset}.
     *
     * @throws BlockException with {@link BlockError#OUT_OF_RANGE} for blocks outside the device,
     *                        {@link BlockError#READ_ONLY} on a read-only device, or whatever else went wrong
     */
    void write(long lba, int count, byte[] src, int offset) throws BlockException;

    /** Makes every acknowledged write durable. */
    void flush() throws BlockException;
}
