package org.microsim.harness.script;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in scenarios: {@code 250ms}, {@code 10s}, {@code 1.5s}, {@code 2m}, {@code 40us}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses a duration such as {@code 250ms}.
     *
     * @throws UsageException if it is not one, with a sentence saying how to write one
     */
    public static Duration parse(String text) throws UsageException {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new UsageException("'" + text + "' is not a duration: write a number and a unit, like 250ms or 10s"
                    + " (units ns, us, ms, s, m, h)");
        }
        double value = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        double nanos = value * nanosPerUnit;
        if (nanos > 365 * 24 * 3600e9) {
            throw new UsageException("'" + text + "' is longer than a year of virtual time");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** A duration as a word {@link #parse} reads back exactly: in the largest unit that divides it ({@code 250ms}). */
    public static String word(Duration d) {
        long nanos = d.toNanos();
        long[] sizes = {3600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] units = {"h", "m", "s", "ms", "us"};
        for (int i = 0; i < sizes.length; i++) {
            if (nanos != 0 && nanos % sizes[i] == 0) {
                return nanos / sizes[i] + units[i];
            }
        }
        return nanos + "ns";
    }

    /** Virtual time for people: seconds with microseconds, as {@code 1.250000s}. */
    public static String format(long nanos) {
        return String.format("%d.%06ds", nanos / 1_000_000_000L, (nanos % 1_000_000_000L) / 1000);
    }
}
