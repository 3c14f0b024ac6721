package org.microsim.services.devd;

/** A rule text that does not parse: the line number, the offending word and why. */
public final class RuleSyntaxException extends Exception {
    private final int line;
    private final String word;

    /** An error at {@code line} (1-based) about {@code word}. */
    public RuleSyntaxException(int line, String word, String why) {
        super("line " + line + ": '" + word + "': " + why);
        this.line = line;
        this.word = word;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** The word the parser stopped at (empty at the end of a line). */
    public String word() {
        return word;
    }
}
