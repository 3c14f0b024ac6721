package org.microsim.kernel.machine;

/**
 * A device's interrupt line. The model raises it; the kernel connects the handler that turns it into an
 * {@code IRQ} message on the port the owning driver bound. Unconnected, a raise is only counted.
 */
public final class InterruptLine {
    private final int line;
    private volatile Runnable handler;
    private volatile long raised;

    public InterruptLine(int line) {
        this.line = line;
    }

    public int line() {
        return line;
    }

    public void connect(Runnable newHandler) {
        this.handler = newHandler;
    }

    public void disconnect() {
        this.handler = null;
    }

    /** Signals the interrupt (edge: a driver reads the device's status registers to learn why). */
    public void raise() {
        raised++;
        Runnable h = handler;
        if (h != null) {
            h.run();
        }
    }

    /** How many times the device raised it. */
    public long raisedCount() {
        return raised;
    }
}
