package org.microsim.kernel.machine;

/**
 * Knobs of the device models.
 *
 * @param ahciCommandLatencyNanos virtual time each AHCI command takes, from start to completion
 * @param nicLatencyNanos         virtual time from a TDT write to the frames leaving the NIC
 * @param memoryBytes             the most physical memory drivers may hold in DMA buffers at once
 * @param usbLatencyNanos         virtual time each xHCI command and each USB transfer (TD) takes
 */
public record ModelOptions(long ahciCommandLatencyNanos, long nicLatencyNanos, long memoryBytes,
                           long usbLatencyNanos) {
    /** 20 us per disk command, 10 us per transmit, 4 GiB of memory, 10 us per USB command or transfer. */
    public static final ModelOptions DEFAULT = new ModelOptions(20_000, 10_000, 4L << 30, 10_000);

    /** Options with the default USB latency. */
    public ModelOptions(long ahciCommandLatencyNanos, long nicLatencyNanos, long memoryBytes) {
        this(ahciCommandLatencyNanos, nicLatencyNanos, memoryBytes, 10_000);
    }

    /** Checks that latencies are positive and there is memory. */
    public ModelOptions {
        if (ahciCommandLatencyNanos < 1 || nicLatencyNanos < 1 || usbLatencyNanos < 1) {
            throw new IllegalArgumentException("device latencies must be at least 1 ns");
        }
        if (memoryBytes < PhysicalMemory.PAGE) {
            throw new IllegalArgumentException("the machine needs at least one page of memory");
        }
    }
}
