package org.microsim.harness.script;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A check of the last command's outcome: {@code expect output contains "TEXT"}, {@code expect output matches
 * "REGEX"} or {@code expect error}. A failed command's message counts as its output, so a scenario can check
 * why it failed.
 */
public sealed interface Expectation extends Statement {
    /**
     * Checks the last outcome.
     *
     * @return empty if the expectation holds, else the sentence saying what was expected and what happened
     */
    Optional<String> check(Outcome last);

    /**
     * {@code expect output contains "TEXT"}.
     *
     * @param text what the output must contain
     */
    record Contains(String text) implements Expectation {
        @Override
        public Optional<String> check(Outcome last) {
            return last.text().contains(text)
                    ? Optional.empty()
                    : Optional.of("expected output to contain " + Lexer.quote(text) + ", but " + shown(last));
        }
    }

    /**
     * {@code expect output matches "REGEX"}: the regular expression is found anywhere in the output.
     *
     * @param regex the compiled regular expression
     */
    record Matches(Pattern regex) implements Expectation {
        @Override
        public Optional<String> check(Outcome last) {
            return regex.matcher(last.text()).find()
                    ? Optional.empty()
                    : Optional.of("expected output to match " + Lexer.quote(regex.pattern()) + ", but " + shown(last));
        }
    }

    /** {@code expect error}: the last command did not succeed. */
    record Fails() implements Expectation {
        @Override
        public Optional<String> check(Outcome last) {
            return !(last instanceof Outcome.Success)
                    ? Optional.empty()
                    : Optional.of("expected an error, but the command succeeded and " + shown(last));
        }
    }

    /** How many lines of output a failed expectation shows. */
    int SHOWN_LINES = 40;

    /**
     * "the output was ..." in a form that shows empty and multi-line outputs unambiguously, and long ones
     * cut after {@link #SHOWN_LINES} lines.
     */
    private static String shown(Outcome last) {
        String text = last.text();
        if (text.isEmpty()) {
            return "the output was empty";
        }
        if (!text.contains("\n")) {
            return "the output was: " + Lexer.quote(text);
        }
        List<String> lines = text.strip().lines().toList();
        String shown = String.join("\n    ", lines.subList(0, Math.min(lines.size(), SHOWN_LINES)));
        String cut = lines.size() > SHOWN_LINES ? "\n    ... (" + (lines.size() - SHOWN_LINES) + " more lines)" : "";
        return "the output was:\n    " + shown + cut;
    }
}
