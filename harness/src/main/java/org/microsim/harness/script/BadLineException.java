package org.microsim.harness.script;

/**
 * A line of the language that cannot be run: an unterminated quote, an unknown command, a malformed
 * {@code expect}, a bad regular expression. Carries the column (1-based) where the trouble is.
 */
public final class BadLineException extends Exception {
    private final int column;
    private final String reason;

    /**
     * @param reason what is wrong, without position
     * @param column 1-based column of the offending character or word
     */
    public BadLineException(String reason, int column) {
        super("column " + column + ": " + reason);
        this.reason = reason;
        this.column = column;
    }

    /** The 1-based column of the offending character or word. */
    public int column() {
        return column;
    }

    /** What is wrong, without position. */
    public String reason() {
        return reason;
    }
}
