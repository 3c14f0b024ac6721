package org.microsim.kernel.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.microsim.abi.DmaBuffer;

/**
 * One allocation of physical memory: a contiguous range backed by one array. The task side (this
 * {@link DmaBuffer}) checks its bounds and throws, as the abi says; the device side goes through
 * {@link PhysicalMemory}, which never throws.
 */
final class DmaRegion implements DmaBuffer {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final byte[] data;
    private final Object owner;
    /** Set when the memory frees it, so a device access that finds it in a cache finds nothing there. */
    private volatile boolean freed;

    DmaRegion(long base, int size, Object owner) {
        this.base = base;
        this.data = new byte[size];
        this.owner = owner;
    }

    byte[] data() {
        return data;
    }

    Object owner() {
        return owner;
    }

    long end() {
        return base + data.length;
    }

    /** Whether {@code address} is one of this region's bytes, and the region is still allocated. */
    boolean holds(long address) {
        return address >= base && address < base + data.length && !freed;
    }

    void markFreed() {
        freed = true;
    }

    @Override
    public long physAddress() {
        return base;
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    public void read(int offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        System.arraycopy(data, offset, dst, dstOffset, length);
    }

    @Override
    public void write(int offset, byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        System.arraycopy(src, srcOffset, data, offset, length);
    }

    @Override
    public int getInt(int offset) {
        Objects.checkFromIndexSize(offset, 4, data.length);
        return (int) INT.get(data, offset);
    }

    @Override
    public void putInt(int offset, int value) {
        Objects.checkFromIndexSize(offset, 4, data.length);
        INT.set(data, offset, value);
    }

    @Override
    public void clear(int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Arrays.fill(data, offset, offset + length, (byte) 0);
    }

    @Override
    public String toString() {
        return String.format("DmaBuffer[0x%x+%d]", base, data.length);
    }
}
