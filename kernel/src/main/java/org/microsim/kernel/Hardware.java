package org.microsim.kernel;

import java.util.List;
import org.microsim.abi.DmaBuffer;

/**
 * The machine as the kernel needs it: the devices to enumerate at boot and DMA memory. Kept this small so
 * that the kernel core does not depend on how devices are modelled.
 */
public interface Hardware {
    /** A machine with no devices and no DMA memory. */
    Hardware NONE = new Hardware() {
        @Override
        public List<HardwareDevice> devices() {
            return List.of();
        }

        @Override
        public DmaBuffer allocateDma(int size, Object owner) {
            return null;
        }

        @Override
        public void freeDma(Object owner) {
        }
    };

    List<HardwareDevice> devices();

    /** Zeroed contiguous DMA memory charged to {@code owner}, or null when there is none left. */
    DmaBuffer allocateDma(int size, Object owner);

    /** Frees everything charged to {@code owner} (a task that ended). */
    void freeDma(Object owner);
}
