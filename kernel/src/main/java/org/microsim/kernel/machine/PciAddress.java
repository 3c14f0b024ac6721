package org.microsim.kernel.machine;

/** A PCIe function's bus, device and function numbers; prints as lspci does, {@code 00:1f.2}. */
record PciAddress(int bus, int device, int function) {
    /** Checks the ranges: bus 0-255, device 0-31, function 0-7. */
    public PciAddress {
        if (bus < 0 || bus > 255 || device < 0 || device > 31 || function < 0 || function > 7) {
            throw new IllegalArgumentException("no such PCI address " + bus + ":" + device + "." + function);
        }
    }

    @Override
    public String toString() {
        return String.format("%02x:%02x.%x", bus, device, function);
    }
}
