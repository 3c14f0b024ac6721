package org.microsim.abi.block;

import org.microsim.abi.Lease;
import org.microsim.abi.ReplyRight;

/**
 * A block device reached over IPC, which can move data straight between the device and the lease of a call
 * the caller holds, by lending a window of that lease on ({@link Lease.Forward}) instead of copying it
 * through the caller. A filesystem server that is given one serves whole clusters without touching their
 * bytes; given a plain {@link BlockDevice} (an image in a test), it copies.
 */
public interface LendableBlockDevice extends BlockDevice {
    /**
     * Moves {@code count} blocks at {@code lba} between the device and a window of the lease of a call this
     * task holds.
     *
     * @param right       the held call whose lease is lent
     * @param leaseOffset where in that lease the window starts
     * @param read        true to read from the device into the lease, false to write the lease to the device
     */
    void lend(long lba, int count, ReplyRight right, long leaseOffset, boolean read) throws BlockException;
}
