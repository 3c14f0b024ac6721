package org.microsim.harness.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Timing for the end-to-end benchmarks: a warm-up round, then the median of several rounds, each round
 * returning the nanoseconds it measured itself (so set-up stays out of the figure). Benchmarks are programs
 * that print ratios against a baseline run in the same JVM; nothing here asserts a time.
 */
final class Measure {
    private Measure() {
    }

    /** The median of {@code rounds} runs of {@code round}, after one discarded warm-up run. */
    static long median(int rounds, LongSupplier round) {
        return median(1, rounds, round);
    }

    /**
     * The median of {@code rounds} runs of {@code round}, after {@code warmups} discarded runs: the JIT needs
     * a few runs of a long chain of tasks before it has compiled the paths that matter (JMH warms up too).
     */
    static long median(int warmups, int rounds, LongSupplier round) {
        for (int i = 0; i < warmups; i++) {
            round.getAsLong();
        }
        long[] times = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            times[i] = round.getAsLong();
        }
        Arrays.sort(times);
        return times[rounds / 2];
    }

    /**
     * The times of {@code rounds} runs of each of {@code runs}, taken in turn (a, b, a, b, ...) after one
     * warm-up run of each, so that a slow spell of a noisy machine falls on the kernel and its baselines
     * alike rather than on whichever happened to run then. One sorted row per run.
     */
    static long[][] interleaved(int rounds, LongSupplier... runs) {
        long[][] times = new long[runs.length][rounds];
        for (LongSupplier run : runs) {
            run.getAsLong();
        }
        for (int i = 0; i < rounds; i++) {
            for (int r = 0; r < runs.length; r++) {
                times[r][i] = runs[r].getAsLong();
            }
        }
        for (long[] row : times) {
            Arrays.sort(row);
        }
        return times;
    }

    /** The median of a sorted row of {@link #interleaved}. */
    static long median(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    static int intArg(String[] args, int index, int fallback) {
        try {
            return args.length > index ? Integer.parseInt(args[index]) : fallback;
        } catch (NumberFormatException e) {
            System.err.println("not a number: " + args[index] + "; using " + fallback);
            return fallback;
        }
    }

    static String perSecond(double count, long nanos) {
        return String.format("%,.0f/s", count * 1e9 / nanos);
    }
}
