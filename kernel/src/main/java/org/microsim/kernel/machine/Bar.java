package org.microsim.kernel.machine;

import org.microsim.abi.Mmio;

/**
 * A memory BAR of a PCIe function: its index (0-5), the physical address firmware assigned, its size, and
 * the register window the kernel hands to the driver it granted the BAR to.
 */
record Bar(int index, long address, long size, Mmio mmio) {
    /** True when {@code physAddress} falls inside this BAR. */
    public boolean contains(long physAddress) {
        return physAddress >= address && physAddress - address < size;
    }
}
