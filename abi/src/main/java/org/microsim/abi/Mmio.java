package org.microsim.abi;

/**
 * A mapped memory BAR of a device granted to the task. Reads and writes go straight to the device model's
 * registers. As on real hardware, an access outside the BAR or misaligned reads all ones and writes nothing
 * (and the kernel traces it); it never throws.
 */
public interface Mmio {
    /** The BAR's size in bytes. */
    long size();

    int read32(long offset);

    void write32(long offset, int value);

    /** Two 32-bit accesses, low dword first, as a 32-bit driver would do it. */
    default long read64(long offset) {
        return (read32(offset) & 0xffffffffL) | (long) read32(offset + 4) << 32;
    }

    default void write64(long offset, long value) {
        write32(offset, (int) value);
        write32(offset + 4, (int) (value >>> 32));
    }
}
