package org.microsim.kernel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A device's interrupt line. The model raises it; the kernel connects the handler that turns it into an
 * {@code IRQ} message on the port the owning driver bound. Unconnected, a raise is only counted.
 */
public final class InterruptLine {
    private final int line;
    private volatile Runnable handler;
    private final AtomicLong raised = new AtomicLong();

    /** A line with this number (the function's interrupt line register). */
    public InterruptLine(int line) {
        this.line = line;
    }

    /** The line's number. */
    public int line() {
        return line;
    }

    /** Connects the kernel's handler; a raise then runs it, on the raising thread. */
    public void connect(Runnable newHandler) {
        this.handler = newHandler;
    }

    /** Disconnects the handler (the owning driver is gone); raises are only counted. */
    public void disconnect() {
        this.handler = null;
    }

    /** Signals the interrupt (edge: a driver reads the device's status registers to learn why). */
    public void raise() {
        raised.incrementAndGet();
        Runnable h = handler;
        if (h != null) {
            h.run();
        }
    }

    /** How many times the device raised it. */
    public long raisedCount() {
        return raised.get();
    }
}
