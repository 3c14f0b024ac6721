package org.microsim.drivers.usbd;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Sys;

/**
 * DMA memory for devices that come and go. The kernel gives DMA memory back only when the task ends, so a driver
 * whose sticks are plugged in and out all day would grow without end; here a device's buffers return to the pool
 * when it leaves, and the next device of the same kind takes them, zeroed.
 */
final class DmaPool {
    private final Sys sys;
    private final Map<Integer, ArrayDeque<DmaBuffer>> free = new HashMap<>();

    DmaPool(Sys sys) {
        this.sys = sys;
    }

    /** A zeroed buffer of {@code size} bytes: one given back before, or a new one. */
    DmaBuffer take(int size) {
        ArrayDeque<DmaBuffer> kept = free.get(size);
        DmaBuffer b = kept == null ? null : kept.poll();
        if (b == null) {
            return sys.allocDma(size).orThrow();
        }
        b.clear(0, size);
        return b;
    }

    void give(DmaBuffer buffer) {
        free.computeIfAbsent(buffer.size(), k -> new ArrayDeque<>()).add(buffer);
    }
}
