package org.microsim.harness.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns one line into a {@link Statement}: the first word names a command of the {@link CommandSet}, or is
 * {@code expect} followed by one of the three checks. Everything that can be known wrong without running
 * anything (quotes, unknown command, malformed expectation, bad regular expression) is reported here, with
 * the column, so that a scenario with a typo on its last line fails before its first command runs.
 */
public final class StatementParser {
    /** The word that starts an expectation. */
    public static final String EXPECT = "expect";

    /** The three forms, for messages and help. */
    public static final String EXPECT_FORMS =
            "expect output contains \"TEXT\", expect output matches \"REGEX\" or expect error";

    private StatementParser() {
    }

    /**
     * Parses a line.
     *
     * @return empty for a blank or comment-only line
     * @throws BadLineException if the line cannot be run
     */
    public static Optional<Statement> parse(String line, CommandSet commands) throws BadLineException {
        List<Word> words = Lexer.split(line);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        Word first = words.get(0);
        if (first.text().equals(EXPECT)) {
            return Optional.of(expectation(words));
        }
        Command command = commands.find(first.text()).orElseThrow(() -> new BadLineException(
                "unknown command " + Lexer.quote(first.text()) + nearest(first.text(), commands)
                        .map(name -> " (did you mean " + name + "? help lists the commands)")
                        .orElse(" (help lists the commands)"), first.column()));
        List<String> args = words.subList(1, words.size()).stream().map(Word::text).toList();
        return Optional.of(new Invocation(command, args));
    }

    /**
     * The command a typo most likely meant: the nearest name by edit distance (insert, delete, replace, swap two
     * neighbours), if one is at most two edits away and nearer than any other. {@code expect} counts as a name.
     */
    static Optional<String> nearest(String word, CommandSet commands) {
        List<String> names = new ArrayList<>(commands.names());
        names.add(EXPECT);
        int best = Integer.MAX_VALUE;
        List<String> bestNames = new ArrayList<>();
        for (String name : names) {
            int d = distance(word, name);
            if (d < best) {
                best = d;
                bestNames.clear();
            }
            if (d == best) {
                bestNames.add(name);
            }
        }
        return best <= Math.min(2, word.length() - 1) && bestNames.size() == 1 ? Optional.of(bestNames.get(0))
                : Optional.empty();
    }

    /** The optimal string alignment distance: Levenshtein's, with a swap of two neighbours as one edit. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Expectation expectation(List<Word> words) throws BadLineException {
        if (words.size() < 2) {
            throw new BadLineException("expect what? Write " + EXPECT_FORMS, words.get(0).column());
        }
        Word what = words.get(1);
        switch (what.text()) {
            case "error" -> {
                requireNoMore(words, 2, "expect error");
                return new Expectation.Fails();
            }
            case "output" -> {
                return outputCheck(words);
            }
            default -> throw new BadLineException(
                    "unknown expectation " + Lexer.quote(what.text()) + "; write " + EXPECT_FORMS, what.column());
        }
    }

    private static Expectation outputCheck(List<Word> words) throws BadLineException {
        if (words.size() < 3) {
            throw new BadLineException("expect output needs contains \"TEXT\" or matches \"REGEX\"",
                    words.get(1).column());
        }
        Word check = words.get(2);
        if (!check.text().equals("contains") && !check.text().equals("matches")) {
            throw new BadLineException("unknown check " + Lexer.quote(check.text()) + "; use contains or matches",
                    check.column());
        }
        String form = "expect output " + check.text();
        if (words.size() < 4) {
            throw new BadLineException(form + " needs a quoted argument", check.column());
        }
        requireNoMore(words, 4, form + " \"...\"");
        Word argument = words.get(3);
        if (check.text().equals("contains")) {
            return new Expectation.Contains(argument.text());
        }
        try {
            return new Expectation.Matches(Pattern.compile(argument.text()));
        } catch (PatternSyntaxException e) {
            throw new BadLineException("bad regular expression: " + e.getDescription()
                    + " near index " + e.getIndex() + " of " + Lexer.quote(argument.text()), argument.column());
        }
    }

    private static void requireNoMore(List<Word> words, int count, String form) throws BadLineException {
        if (words.size() > count) {
            Word extra = words.get(count);
            throw new BadLineException(form + " takes nothing more, but " + Lexer.quote(extra.text())
                    + " follows (quote text that has spaces)", extra.column());
        }
    }
}
