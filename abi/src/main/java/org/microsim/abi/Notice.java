package org.microsim.abi;

/**
 * Whatever reaches a server that is not a call, as the {@link Server} runtime hands it to the handler's
 * {@link Handler#notice}: one sealed type, so a handler takes all of it in one {@code switch}.
 */
public sealed interface Notice {
    /** An event the kernel posted (task ended, port registered or removed, name wanted), decoded. */
    record Kernel(KernelNotice event) implements Notice {
    }

    /** An interrupt of the device bound to {@code port} with {@link Sys#bindIrq}; {@code line} is its IRQ line. */
    record Interrupt(Handle port, int line) implements Notice {
    }

    /**
     * A message a task sent without waiting for an answer (devd's driver-available notice, msg 100). The
     * sender is the kernel's stamp, so it can be believed; the bytes cannot.
     */
    record Sent(Received message) implements Notice {
    }

    /** The time the handler asked to be woken at ({@link Handler#wakeAt}) has come. */
    record Deadline(long now) implements Notice {
    }
}
