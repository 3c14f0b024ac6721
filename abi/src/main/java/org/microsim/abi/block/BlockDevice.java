package org.microsim.abi.block;

/**
 * A block device as code that reads partition tables or filesystems sees it, whatever is behind it: a block
 * port over IPC (in the simulator), an image in a test. Reads and writes are whole blocks.
 */
public interface BlockDevice {
    int blockSize();

    long blockCount();

    boolean readOnly();

    /** Reads {@code count} blocks from {@code lba} into {@code dst} at {@code offset}. */
    void read(long lba, int count, byte[] dst, int offset) throws BlockException;

    /** Writes {@code count} blocks at {@code lba} from {@code src} at {@code offset}. */
    void write(long lba, int count, byte[] src, int offset) throws BlockException;

    /** Makes every acknowledged write durable. */
    void flush() throws BlockException;
}
