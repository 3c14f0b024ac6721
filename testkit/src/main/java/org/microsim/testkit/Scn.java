package org.microsim.testkit;

/** Writing words of the scenario language: a word with a space, a quote or a {@code #} is quoted. */
public final class Scn {
    private Scn() {
    }

    /** {@code word} as the lexer reads it back: bare when it can be, else in double quotes. */
    public static String word(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '#'
                || c == '\\')) {
            return word;
        }
        return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
