package org.microsim.kernel;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device's interrupt line. The model raises it; the kernel connects the handler that turns it into an
 * {@code IRQ} message on the port the owning driver bound. Unconnected, a raise is only counted.
 *
 * <p>A fault can make the line lose interrupts ({@link #drop}): each raise is then dropped with a probability,
 * drawn from a seeded source the harness gives, so a replay loses the same ones. The device's status registers
 * still say what happened; a driver that polls or times out finds it, one that waits only for the interrupt hangs.
 */
public final class InterruptLine {
    private final int line;
    private volatile Runnable handler;
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** The drop fault: the probability and where its draws come from; null when the line is sound. */
    private volatile Drop drop;

    private record Drop(double probability, SplittableRandom random) {
    }

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
        Drop d = drop;
        if (d != null && lost(d)) {
            dropped.incrementAndGet();
            return;
        }
        Runnable h = handler;
        if (h != null) {
            h.run();
        }
    }

    private static boolean lost(Drop d) {
        synchronized (d) {
            return d.random.nextDouble() < d.probability;
        }
    }

    /**
     * Drops each interrupt from now on with {@code probability} (0 makes the line sound again), drawing from a
     * source seeded with {@code seed}.
     */
    public void drop(double probability, long seed) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("a probability is from 0 to 1, not " + probability);
        }
        drop = probability == 0 ? null : new Drop(probability, new SplittableRandom(seed));
    }

    /** The probability with which the line drops an interrupt now: 0 when it is sound. */
    public double dropProbability() {
        Drop d = drop;
        return d == null ? 0 : d.probability;
    }

    /** How many interrupts the drop fault lost. */
    public long droppedCount() {
        return dropped.get();
    }

    /** How many times the device raised it. */
    public long raisedCount() {
        return raised.get();
    }
}
