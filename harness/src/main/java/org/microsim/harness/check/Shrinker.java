package org.microsim.harness.check;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shrinks a failing scenario to a small one that still fails the same way.
 *
 * <p>First delta debugging over the lines (Zeller's ddmin, the complement half: cut the list into n chunks, drop
 * any chunk whose removal keeps the failure, and cut finer when none can go), always keeping the first line,
 * which boots. Then the fault parameters: every number in a {@code sleep}, {@code lan} or {@code fault} line is
 * tried at zero and at half, so a 300 ms outage becomes the shortest that still breaks the run, and a loss of
 * 0.5 the lowest. The two passes repeat until neither changes anything or the budget of runs is spent. Each
 * candidate is run under the same seed, and counts only when it fails the <em>same</em> invariant: a shrink
 * that slides to another failure would explain nothing about the first.
 *
 * <p>The oracle is the caller's, so {@code sim check} and a testkit property share this class.
 */
public final class Shrinker {
    /** Whether a candidate scenario, run under the seed, fails the same invariant as the original. */
    @FunctionalInterface
    public interface Oracle {
        /** @return true when {@code lines} under {@code seed} still fail the same way */
        boolean failsSame(List<String> lines, long seed);
    }

    private static final Pattern PARAMETRIC = Pattern.compile("^\\s*(sleep|lan|fault)\\b.*");
    /** A number in a word: after {@code =} or at the word's start, with an optional unit after it. */
    private static final Pattern NUMBER = Pattern.compile("(?<=^|=|\\s)(\\d+(?:\\.\\d+)?)(?=[a-z%]*(?:\\s|,|$))");

    private final int budget;
    private int runs;

    /** @param budget how many candidate runs a shrink may take at most */
    public Shrinker(int budget) {
        this.budget = budget;
    }

    /**
     * Shrinks {@code lines}, which fail under {@code seed}.
     *
     * @return the smallest failing scenario found (the input if nothing smaller fails the same way)
     */
    public List<String> shrink(List<String> lines, long seed, Oracle oracle) {
        runs = 0;
        List<String> current = List.copyOf(lines);
        boolean changed = true;
        while (changed && runs < budget) {
            List<String> shorter = lines(current, seed, oracle);
            List<String> smaller = parameters(shorter, seed, oracle);
            changed = !smaller.equals(current);
            current = smaller;
        }
        return current;
    }

    /** How many candidates the last shrink ran. */
    public int runs() {
        return runs;
    }

    private List<String> lines(List<String> lines, long seed, Oracle oracle) {
        if (lines.size() < 2) {
            return lines;
        }
        String first = lines.getFirst();
        List<String> rest = new ArrayList<>(lines.subList(1, lines.size()));
        int chunks = 2;
        while (rest.size() >= 1 && runs < budget) {
            int n = Math.min(chunks, rest.size());
            boolean removed = false;
            for (int i = 0; i < n && runs < budget; i++) {
                int from = i * rest.size() / n;
                int to = (i + 1) * rest.size() / n;
                List<String> candidate = new ArrayList<>(rest.subList(0, from));
                candidate.addAll(rest.subList(to, rest.size()));
                if (fails(first, candidate, seed, oracle)) {
                    rest = candidate;
                    chunks = Math.max(n - 1, 2);
                    removed = true;
                    break;
                }
            }
            if (!removed) {
                if (n >= rest.size()) {
                    break;
                }
                chunks = Math.min(n * 2, rest.size());
            }
        }
        List<String> result = new ArrayList<>(List.of(first));
        result.addAll(rest);
        return result;
    }

    private List<String> parameters(List<String> lines, long seed, Oracle oracle) {
        List<String> current = new ArrayList<>(lines);
        for (int i = 1; i < current.size() && runs < budget; i++) {
            if (!PARAMETRIC.matcher(current.get(i)).matches()) {
                continue;
            }
            boolean smaller = true;
            while (smaller && runs < budget) {
                smaller = false;
                for (String candidate : smallerVariants(current.get(i))) {
                    List<String> trial = new ArrayList<>(current);
                    trial.set(i, candidate);
                    if (runs < budget && fails(trial, seed, oracle)) {
                        current = trial;
                        smaller = true;
                        break;
                    }
                }
            }
        }
        return current;
    }

    /** The line with one of its numbers at zero, or halved, for each number in it. */
    static List<String> smallerVariants(String line) {
        List<String> variants = new ArrayList<>();
        Matcher m = NUMBER.matcher(line);
        while (m.find()) {
            BigDecimal value = new BigDecimal(m.group(1));
            if (value.signum() == 0) {
                continue;
            }
            BigDecimal half = value.scale() == 0 ? value.divide(BigDecimal.TWO, 0, RoundingMode.DOWN)
                    : value.divide(BigDecimal.TWO, value.scale() + 1, RoundingMode.DOWN).stripTrailingZeros();
            for (BigDecimal smaller : List.of(BigDecimal.ZERO, half)) {
                if (smaller.compareTo(value) < 0) {
                    String candidate = line.substring(0, m.start(1)) + smaller.toPlainString() + line.substring(m.end(1));
                    if (!variants.contains(candidate)) {
                        variants.add(candidate);
                    }
                }
            }
        }
        return variants;
    }

    private boolean fails(String first, List<String> rest, long seed, Oracle oracle) {
        List<String> candidate = new ArrayList<>(List.of(first));
        candidate.addAll(rest);
        return fails(candidate, seed, oracle);
    }

    private boolean fails(List<String> candidate, long seed, Oracle oracle) {
        runs++;
        return oracle.failsSame(List.copyOf(candidate), seed);
    }
}
