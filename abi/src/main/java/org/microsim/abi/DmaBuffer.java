package org.microsim.abi;

/**
 * Memory allocated for DMA: a physically contiguous range of simulated memory that the task reads and
 * writes here and hands to a device by its {@link #physAddress()}. Accesses outside the buffer throw
 * {@link IndexOutOfBoundsException}: a driver bug that crashes the driver, never the machine.
 */
public interface DmaBuffer {
    long physAddress();

    int size();

    void read(int offset, byte[] dst, int dstOffset, int length);

    void write(int offset, byte[] src, int srcOffset, int length);

    int getInt(int offset);

    void putInt(int offset, int value);

    default long getLong(int offset) {
        return (getInt(offset) & 0xffffffffL) | (long) getInt(offset + 4) << 32;
    }

    default void putLong(int offset, long value) {
        putInt(offset, (int) value);
        putInt(offset + 4, (int) (value >>> 32));
    }

    /** Zeroes {@code length} bytes from {@code offset}. */
    void clear(int offset, int length);
}
