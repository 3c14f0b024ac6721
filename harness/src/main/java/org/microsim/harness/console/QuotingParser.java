package org.microsim.harness.console;

import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;

/**
 * JLine's parser for the language, with completions quoted as the language quotes: a completed name with a
 * space, {@code #} or {@code "} in it ({@code my files/}) is inserted in double quotes, with {@code \"} and
 * {@code \\} inside, the closing quote only once the word is complete (a directory's names come next). JLine
 * would escape it with backslashes, which the language has only inside quotes; a word already opened with a
 * quote is left to JLine, which closes it.
 */
final class QuotingParser extends DefaultParser {
    QuotingParser() {
        // The language has no backslash escapes outside quotes, and an open quote is an error, not a
        // continuation line.
        setEscapeChars(new char[0]);
        setEofOnUnclosedQuote(false);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        ParsedLine parsed = super.parse(line, cursor, context);
        return parsed instanceof ArgumentList words ? new Quoted(words) : parsed;
    }

    /** The words of a line, which quote what completion inserts. */
    private final class Quoted extends ArgumentList {
        private final boolean opened;

        Quoted(ArgumentList words) {
            this(words, words.cursor() - words.rawWordCursor());
        }

        private Quoted(ArgumentList words, int start) {
            this(words, start < words.line().length() && words.line().charAt(start) == '"');
        }

        private Quoted(ArgumentList words, boolean opened) {
            super(words.line(), words.words(), words.wordIndex(), words.wordCursor(), words.cursor(),
                    opened ? "\"" : null, words.rawWordCursor(), words.rawWordLength());
            this.opened = opened;
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            String text = candidate.toString();
            if (opened || text.chars().noneMatch(c -> c == ' ' || c == '#' || c == '"')) {
                return super.escape(candidate, complete);
            }
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + (complete ? "\"" : "");
        }
    }
}
