package org.microsim.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jline.reader.CompletingParsedLine;
import org.jline.reader.Parser;
import org.junit.jupiter.api.Test;

class QuotingParserTest {
    private static String inserted(String line, String candidate, boolean complete) {
        CompletingParsedLine parsed = (CompletingParsedLine) new QuotingParser().parse(line, line.length(),
                Parser.ParseContext.COMPLETE);
        return parsed.escape(candidate, complete).toString();
    }

    @Test
    void namesWithSpacesAreInsertedInDoubleQuotes() {
        assertEquals("\"/vol/d/my files/", inserted("ls /vol/d/my", "/vol/d/my files/", false));
        assertEquals("\"/vol/d/a \\\"b\\\".txt\"", inserted("cat /vol/d/a", "/vol/d/a \"b\".txt", true));
        assertEquals("/vol/d/plain.txt", inserted("cat /vol/d/pl", "/vol/d/plain.txt", true));
    }
}
