package org.microsim.harness.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LexerTest {
    private static List<String> texts(String line) throws BadLineException {
        return Lexer.split(line).stream().map(Word::text).toList();
    }

    @Test
    void wordsAreSeparatedBySpacesAndTabs() throws BadLineException {
        assertEquals(List.of("echo", "a", "b"), texts("  echo a\t  b  "));
        assertEquals(List.of(new Word("echo", 3), new Word("a", 8)), Lexer.split("  echo a"));
    }

    @Test
    void blankAndCommentLinesHaveNoWords() throws BadLineException {
        assertEquals(List.of(), texts(""));
        assertEquals(List.of(), texts("   \t "));
        assertEquals(List.of(), texts("# a comment \"with a quote"));
        assertEquals(List.of(), texts("   # indented comment"));
    }

    @Test
    void commentEndsTheLineOutsideQuotesOnly() throws BadLineException {
        assertEquals(List.of("echo", "a"), texts("echo a # rest"));
        assertEquals(List.of("echo", "a#rest"), texts("echo a#rest"));
        assertEquals(List.of("echo", "# not a comment"), texts("echo \"# not a comment\""));
    }

    @Test
    void quotesKeepSpacesAndJoinAdjacentParts() throws BadLineException {
        assertEquals(List.of("echo", "a  b"), texts("echo \"a  b\""));
        assertEquals(List.of("file=my disk.img,if=ahci"), texts("file=\"my disk.img\",if=ahci"));
        assertEquals(List.of("echo", ""), texts("echo \"\""));
    }

    @Test
    void escapesInsideQuotes() throws BadLineException {
        assertEquals(List.of("say \"hi\""), texts("\"say \\\"hi\\\"\""));
        assertEquals(List.of("a\\b"), texts("\"a\\\\b\""));
        // Other backslashes stay, so regular expressions read naturally.
        assertEquals(List.of("\\d+\\s"), texts("\"\\d+\\s\""));
        // Outside quotes a backslash is an ordinary character.
        assertEquals(List.of("C:\\x"), texts("C:\\x"));
    }

    @Test
    void unterminatedQuoteIsAnErrorAtTheOpeningQuote() {
        BadLineException e = assertThrows(BadLineException.class, () -> Lexer.split("echo \"abc"));
        assertEquals(6, e.column());
        assertEquals("column 6: unterminated double quote", e.getMessage());
        BadLineException escaped = assertThrows(BadLineException.class, () -> Lexer.split("echo \"abc\\\""));
        assertEquals(6, escaped.column());
        assertThrows(BadLineException.class, () -> Lexer.split("echo ok \"a # b"));
    }

    @Property(tries = 200)
    void quoteIsReadBackAsTheSameWord(@ForAll String word) throws BadLineException {
        assertEquals(List.of(word), texts(Lexer.quote(word)));
    }
}
