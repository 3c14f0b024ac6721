package org.microsim.harness.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void controlCharactersAreShownNotObeyed() {
        assertEquals("label \\x1b[2J\\x07 ok\\x7f\\x9b", Text.printable("label \u001b[2J\u0007 ok\u007f\u009b"));
        assertEquals("line one\n\tline two é", Text.printable("line one\n\tline two é"));
    }

    @Test
    void wrapKeepsLinesWithinTheWidthAndLongWordsWhole() {
        List<String> lines = Text.wrap("one two three four five six seven " + "x".repeat(30), 12);
        assertEquals(List.of("one two", "three four", "five six", "seven", "x".repeat(30)), lines);
    }

    @Test
    void helpFitsAnEightyColumnTerminal() throws CommandException {
        CommandSet commands = Builtins.commandSet();
        for (String topic : List.of("", "expect")) {
            String help = commands.find("help").orElseThrow().run(topic.isEmpty() ? List.of() : List.of(topic));
            help.lines().forEach(line -> assertTrue(line.length() <= Text.DEFAULT_WIDTH, line));
        }
    }

    @Test
    void helpFollowsTheTerminalWidth() throws CommandException {
        CommandSet commands = Builtins.commandSet();
        commands.width(40);
        commands.find("help").orElseThrow().run(List.of()).lines()
                .forEach(line -> assertTrue(line.length() <= 40, line));
    }

    @Test
    void aCountErrorSaysWhatIsWrong() {
        assertEquals("ls takes at most 1 argument, got 3",
                org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                        () -> Arity.check(List.of("a", "b", "c"), 0, 1, "ls")).getMessage());
        assertEquals("mv takes 2 arguments, got 1",
                org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                        () -> Arity.check(List.of("a"), 2, 2, "mv")).getMessage());
    }
}
