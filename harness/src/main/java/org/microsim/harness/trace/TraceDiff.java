package org.microsim.harness.trace;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code sim trace diff A.json B.json}: where two runs part. Two runs of the same seed and scenario give the same
 * trace, so the first event where two traces differ is where a change (to the code, the seed, the scenario)
 * first made a difference: that event and the few before it are the place to start looking.
 *
 * <p>It reads the files {@link ChromeTrace} writes, one event per line in the order they happened, and compares
 * the events line by line; the track names (metadata lines, listed first) are left out, since they only repeat
 * what the events say.
 */
public final class TraceDiff {
    private static final int CONTEXT = 3;
    private static final int WIDTH = 240;

    private TraceDiff() {
    }

    /**
     * Compares two trace files and prints the first difference.
     *
     * @return 0 when their events are the same, 1 when they differ, 2 when one cannot be read
     */
    public static int run(Path a, Path b, PrintStream out, PrintStream err) {
        List<String> first;
        List<String> second;
        try {
            first = events(a);
            second = events(b);
        } catch (IOException e) {
            err.println("sim: trace diff: " + e.getMessage());
            return 2;
        }
        int common = Math.min(first.size(), second.size());
        int i = 0;
        while (i < common && first.get(i).equals(second.get(i))) {
            i++;
        }
        if (i == first.size() && i == second.size()) {
            out.println("the traces are the same: " + first.size() + " events");
            return 0;
        }
        out.println("the runs diverge at event " + (i + 1) + " (" + first.size() + " events in " + a + ", "
                + second.size() + " in " + b + ")");
        for (int j = Math.max(0, i - CONTEXT); j < i; j++) {
            out.println("  " + cut(first.get(j)));
        }
        out.println("- " + (i < first.size() ? cut(first.get(i)) : "(" + a + " ends here)"));
        out.println("+ " + (i < second.size() ? cut(second.get(i)) : "(" + b + " ends here)"));
        return 1;
    }

    /** The event lines of a trace file, without the separating commas. */
    private static List<String> events(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new IOException(file + " is not a trace of sim (not UTF-8 text)");
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + (Files.exists(file) ? e.getMessage()
                    : "no such file"));
        }
        if (lines.isEmpty() || !lines.getFirst().contains("\"traceEvents\"")) {
            throw new IOException(file + " is not a trace of sim (written by --trace FILE)");
        }
        return lines.stream().skip(1).map(l -> l.endsWith(",") ? l.substring(0, l.length() - 1) : l)
                .filter(l -> l.startsWith("{") && !l.contains("\"ph\":\"M\"")).toList();
    }

    private static String cut(String line) {
        return line.length() > WIDTH ? line.substring(0, WIDTH) + "..." : line;
    }
}
