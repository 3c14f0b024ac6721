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
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            char next = i + 1 < word.length() ? word.charAt(i + 1) : '"';
            // Inside quotes the lexer reads \" and \\ as escapes and keeps any other backslash: a regular expression's
            // \d stays as it is, and only a backslash before a quote, a backslash or the closing quote is doubled.
            if (c == '"' || c == '\\' && (next == '"' || next == '\\')) {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }
}
