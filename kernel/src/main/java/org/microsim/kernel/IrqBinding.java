package org.microsim.kernel;

/**
 * A device's interrupt line bound to a driver's port. Interrupts coalesce while one is queued and not yet
 * received, as a level-triggered line would: the driver reads the device's status registers to learn why.
 */
final class IrqBinding {
    final Port device;
    final Port target;
    /** An IRQ message is queued and not received yet. */
    boolean pending;

    IrqBinding(Port device, Port target) {
        this.device = device;
        this.target = target;
    }
}
