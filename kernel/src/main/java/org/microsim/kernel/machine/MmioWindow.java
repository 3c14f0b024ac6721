package org.microsim.kernel.machine;

import java.util.function.IntUnaryOperator;
import org.microsim.abi.Mmio;

/**
 * A memory BAR as a driver maps it: bounds and alignment are checked here, once for every model, so an
 * access outside the BAR or not on a 4-byte boundary reads all ones and writes nothing, as a PCIe master
 * abort does, and never reaches the model.
 */
final class MmioWindow implements Mmio {
    private final long size;
    private final IntUnaryOperator reader;
    private final RegisterWriter writer;

    MmioWindow(long size, IntUnaryOperator reader, RegisterWriter writer) {
        this.size = size;
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read32(long offset) {
        return valid(offset) ? reader.applyAsInt((int) offset) : -1;
    }

    @Override
    public void write32(long offset, int value) {
        if (valid(offset)) {
            writer.write((int) offset, value);
        }
    }

    private boolean valid(long offset) {
        return offset >= 0 && offset <= size - 4 && (offset & 3) == 0;
    }

    /** A model's register write, at an offset already known to be inside the BAR and aligned. */
    @FunctionalInterface
    interface RegisterWriter {
        void write(int offset, int value);
    }
}
