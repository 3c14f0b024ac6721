package org.microsim.drivers.ahci;

import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;

/**
 * DMA allocation with the one check the HBA imposes: without 64-bit addressing (CAP.S64A clear) every
 * structure and buffer must lie below 4 GiB. Remembers why the last allocation failed.
 */
final class Dma {
    private final boolean wideAddresses;
    private String problem = "";

    Dma(boolean wideAddresses) {
        this.wideAddresses = wideAddresses;
    }

    /** A zeroed buffer the HBA can reach, or null (see {@link #problem()}). */
    DmaBuffer allocate(Sys sys, int size) {
        return switch (sys.allocDma(size)) {
            case Result.Ok<DmaBuffer>(DmaBuffer buffer) -> {
                if (!wideAddresses && buffer.physAddress() + size > 1L << 32) {
                    problem = "DMA memory at 0x" + Long.toHexString(buffer.physAddress())
                            + " is above 4 GiB and the HBA has no 64-bit addressing";
                    yield null;
                }
                yield buffer;
            }
            case Result.Err<DmaBuffer>(var error) -> {
                problem = error.toString();
                yield null;
            }
        };
    }

    /** Why the last allocation failed. */
    String problem() {
        return problem;
    }
}
