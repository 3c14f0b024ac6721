package org.microsim.harness.script;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of the language into words, and writes words so that it reads them back ({@link #word}): the
 * testkit prints the scenarios of its chains with it.
 *
 * <p>Words are separated by spaces or tabs. Double quotes keep spaces and {@code #} inside a word; inside
 * quotes {@code \"} is a quote and {@code \\} a backslash, and any other backslash is kept as it is, so that
 * regular expressions such as {@code "\d+"} need no doubling. Quoted and unquoted parts next to each other
 * make one word, as in a shell ({@code file="my disk.img"} is one word). As in a shell, a {@code #} at the
 * start of a word starts a comment that runs to the end of the line; inside a word it is a character, so
 * names like {@code plain#word} can be typed. A quote left open is an error pointing at the opening quote.
 */
public final class Lexer {
    private Lexer() {
    }

    /**
     * The words of a line; empty for a blank or comment-only line.
     *
     * @throws BadLineException if a double quote is not closed
     */
    public static List<Word> split(String line) throws BadLineException {
        List<Word> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int start = -1;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '#' && start < 0) {
                break;
            }
            if (c == ' ' || c == '\t') {
                if (start >= 0) {
                    words.add(new Word(word.toString(), start + 1));
                    word.setLength(0);
                    start = -1;
                }
                i++;
                continue;
            }
            if (start < 0) {
                start = i;
            }
            i = c == '"' ? quoted(line, i, word) : appendChar(line, i, word);
        }
        if (start >= 0) {
            words.add(new Word(word.toString(), start + 1));
        }
        return words;
    }

    /** Appends the quoted part that opens at {@code open} and returns the index after its closing quote. */
    private static int quoted(String line, int open, StringBuilder word) throws BadLineException {
        int i = open + 1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new BadLineException("unterminated double quote", open + 1);
    }

    private static int appendChar(String line, int i, StringBuilder word) {
        word.append(line.charAt(i));
        return i + 1;
    }

    /**
     * The word as a scenario writes it: bare when {@link #split} reads it back as it is, else in double quotes. Inside
     * quotes a backslash is doubled only before a quote, a backslash or the closing quote, the only places the lexer
     * reads it as an escape, so a regular expression's {@code \d} stays readable.
     */
    public static String word(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '#'
                || c == '\\')) {
            return word;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            char next = i + 1 < word.length() ? word.charAt(i + 1) : '"';
            if (c == '"' || c == '\\' && (next == '"' || next == '\\')) {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }

    /** The word written so that {@link #split} reads it back as one word: in double quotes, escaped. */
    public static String quote(String word) {
        return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
