package org.microsim.harness.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatementParserTest {
    private final CommandSet commands = FakeCommands.commandSet();

    private Statement parse(String line) throws BadLineException {
        return StatementParser.parse(line, commands).orElseThrow();
    }

    private BadLineException bad(String line) {
        return assertThrows(BadLineException.class, () -> StatementParser.parse(line, commands));
    }

    @Test
    void commandWithArguments() throws BadLineException {
        Invocation invocation = assertInstanceOf(Invocation.class, parse("echo \"a b\" c"));
        assertEquals("echo", invocation.command().name());
        assertEquals(List.of("a b", "c"), invocation.args());
    }

    @Test
    void blankLineIsNoStatement() throws BadLineException {
        assertEquals(Optional.empty(), StatementParser.parse("  # nothing", commands));
    }

    @Test
    void theThreeExpectations() throws BadLineException {
        assertEquals(new Expectation.Contains("a b"), parse("expect output contains \"a b\""));
        Expectation.Matches matches = assertInstanceOf(Expectation.Matches.class,
                parse("expect output matches \"\\d+ tasks\""));
        assertEquals("\\d+ tasks", matches.regex().pattern());
        assertEquals(new Expectation.Fails(), parse("expect error  # the kill must fail"));
    }

    @Test
    void unknownCommandPointsAtIt() {
        BadLineException e = bad("  ecko hi");
        assertEquals(3, e.column());
        assertTrue(e.reason().contains("unknown command \"ecko\""), e.reason());
    }

    @Test
    void malformedExpectations() {
        assertTrue(bad("expect").reason().startsWith("expect what?"));
        assertEquals(8, bad("expect nothing").column());
        assertEquals(15, bad("expect output equals \"x\"").column());
        assertTrue(bad("expect output contains").reason().contains("needs a quoted argument"));
        BadLineException extra = bad("expect output contains two words");
        assertEquals(28, extra.column());
        assertTrue(extra.reason().contains("quote text that has spaces"), extra.reason());
        assertEquals(14, bad("expect error please").column());
    }

    @Test
    void badRegularExpressionPointsAtIt() {
        BadLineException e = bad("expect output matches \"(unclosed\"");
        assertEquals(23, e.column());
        assertTrue(e.reason().startsWith("bad regular expression"), e.reason());
    }

    @Test
    void expectationsCheckTheLastOutcome() {
        Outcome hello = new Outcome.Success("hello\nworld");
        assertEquals(Optional.empty(), new Expectation.Contains("o\nw").check(hello));
        assertEquals(Optional.of("expected output to contain \"bye\", but the output was:\n    hello\n    world"),
                new Expectation.Contains("bye").check(hello));
        assertEquals(Optional.of("expected output to contain \"x\", but the output was empty"),
                new Expectation.Contains("x").check(new Outcome.Success("")));
        Outcome failure = new Outcome.Failure("no task 7");
        assertEquals(Optional.empty(), new Expectation.Fails().check(failure));
        assertEquals(Optional.empty(), new Expectation.Contains("task 7").check(failure));
        assertEquals(Optional.of("expected an error, but the command succeeded and the output was: \"ok\""),
                new Expectation.Fails().check(new Outcome.Success("ok")));
    }

    @Test
    void aTypoSuggestsTheNearestCommand() {
        CommandSet commands = Builtins.commandSet();
        BadLineException typo = assertThrows(BadLineException.class,
                () -> StatementParser.parse("hlep", commands));
        assertTrue(typo.getMessage().contains("unknown command \"hlep\" (did you mean help?"), typo.getMessage());
        assertEquals(Optional.of("expect"), StatementParser.nearest("expcet", commands));
        assertEquals(Optional.empty(), StatementParser.nearest("zzzzzz", commands));
    }
}
