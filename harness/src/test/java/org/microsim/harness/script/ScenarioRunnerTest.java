package org.microsim.harness.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioRunnerTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String scenario, boolean debug) {
        ScenarioRunner runner = new ScenarioRunner(FakeCommands.commandSet(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                debug);
        return runner.run("t.scn", new StringReader(scenario));
    }

    private int run(String scenario) {
        return run(scenario, false);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void passingScenarioExitsZeroWithATranscript() {
        int code = run("""
                # a comment
                echo "hello world"   # trailing comment
                expect output contains "hello"
                expect output matches "w.r+ld$"

                fail "no task 7"
                expect error
                expect output contains "task 7"
                """);
        assertEquals(ScenarioRunner.PASSED, code, err());
        assertEquals("", err());
        assertEquals("""
                > echo "hello world"   # trailing comment
                  hello world
                > expect output contains "hello"
                  ok
                > expect output matches "w.r+ld$"
                  ok
                > fail "no task 7"
                  error: no task 7
                > expect error
                  ok
                > expect output contains "task 7"
                  ok
                t.scn: passed (2 commands, 4 expectations)
                """, out());
    }

    @Test
    void failedContainsExitsOneWithFileLineExpectedAndActual() {
        assertEquals(ScenarioRunner.FAILED, run("echo a\necho hello\nexpect output contains \"bye\"\necho never\n"));
        assertEquals("t.scn:3: expected output to contain \"bye\", but the output was: \"hello\"\n", err());
        assertFalse(out().contains("never"), "the run stops at the first failed expectation");
    }

    @Test
    void failedMatchesAndMultiLineOutput() {
        assertEquals(ScenarioRunner.FAILED, run("lines 2\nexpect output matches \"line 3\"\n"));
        assertEquals("t.scn:2: expected output to match \"line 3\", but the output was:\n    line 1\n    line 2\n",
                err());
    }

    @Test
    void longOutputIsCutInTheMessage() {
        assertEquals(ScenarioRunner.FAILED, run("lines 100\nexpect output contains \"line 101\"\n"));
        assertTrue(err().contains("    line 40\n    ... (60 more lines)\n"), err());
        assertFalse(err().contains("line 41"), err());
    }

    @Test
    void byteOrderMarkIsIgnored() {
        assertEquals(ScenarioRunner.PASSED, run("\uFEFFecho ok\n"), err());
    }

    @Test
    void expectErrorAfterSuccessFails() {
        assertEquals(ScenarioRunner.FAILED, run("echo fine\nexpect error\n"));
        assertEquals("t.scn:2: expected an error, but the command succeeded and the output was: \"fine\"\n", err());
    }

    @Test
    void unacknowledgedFailureFailsAtTheCommandsLine() {
        assertEquals(ScenarioRunner.FAILED, run("echo a\nfail disk gone\necho b\n"));
        assertTrue(err().startsWith("t.scn:2: fail failed: disk gone"), err());
        assertFalse(out().contains("> echo b"), "nothing runs after an unexpected failure");
    }

    @Test
    void unacknowledgedFailureAtTheEndFails() {
        assertEquals(ScenarioRunner.FAILED, run("fail late\nexpect output contains \"late\"\n"));
        assertTrue(err().startsWith("t.scn:1: fail failed: late"), err());
    }

    @Test
    void expectErrorMayComeAfterOtherExpectations() {
        assertEquals(ScenarioRunner.PASSED, run("fail x y\nexpect output contains \"x y\"\nexpect error\necho z\n"),
                err());
    }

    @Test
    void unknownCommandIsBadInputBeforeAnythingRuns() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("echo first\n\necho ok\n  ecko hi\n"));
        assertEquals("t.scn:4: column 3: unknown command \"ecko\" (did you mean echo? help lists the commands)\n", err());
        assertFalse(out().contains("first"), "a scenario with bad input does not start");
    }

    @Test
    void parseErrorIsBadInputWithLineAndColumn() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("echo ok\necho \"open\n"));
        assertEquals("t.scn:2: column 6: unterminated double quote\n", err());
    }

    @Test
    void badRegexIsBadInput() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("echo ok\nexpect output matches \"[a-\"\n"));
        assertTrue(err().startsWith("t.scn:2: column 23: bad regular expression"), err());
    }

    @Test
    void expectWithNothingBeforeItIsBadInput() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("# only a comment\nexpect error\n"));
        assertEquals("t.scn:2: expect needs a command before it to check\n", err());
    }

    @Test
    void badArgumentsAreBadInputWithUsage() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("echo ok\none\n"));
        assertEquals("t.scn:2: one takes exactly one ARG (usage: one ARG)\n", err());
    }

    @Test
    void exceptionInACommandIsAnInternalErrorWithoutStackTrace() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("echo ok\nboom\n"));
        assertEquals("t.scn:2: internal error in boom: IllegalStateException: kaboom\n", err());
    }

    @Test
    void debugShowsTheStackTrace() {
        assertEquals(ScenarioRunner.BAD_INPUT, run("boom\n", true));
        assertTrue(err().contains("\tat "), err());
        assertTrue(err().endsWith("t.scn:1: internal error in boom: IllegalStateException: kaboom\n"), err());
    }

    @Test
    void quitEndsTheScenario() {
        assertEquals(ScenarioRunner.PASSED, run("echo a\nquit\necho never\nexpect output contains \"nope\"\n"));
        assertFalse(out().contains("never"));
    }

    @Test
    void helpListsCommandsSortedWithUsage() {
        assertEquals(ScenarioRunner.PASSED, run("""
                help
                expect output matches "boom[\\s\\S]*echo TEXT\\.\\.\\.[\\s\\S]*exit[\\s\\S]*fail MESSAGE"
                expect output contains "expect output matches \\"REGEX\\""
                help echo
                expect output contains "usage: echo TEXT..."
                help expect
                expect output contains "expect error"
                """), err() + out());
        assertEquals(ScenarioRunner.FAILED, run("help nosuch\n"));
        assertEquals(ScenarioRunner.BAD_INPUT, run("help a b\n"));
    }

    @Test
    void fileScenarioIsNamedByItsPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.scn");
        Files.writeString(file, "echo hi\nexpect output contains \"ho\"\n");
        ScenarioRunner runner = new ScenarioRunner(FakeCommands.commandSet(), new PrintStream(out),
                new PrintStream(err), false);
        assertEquals(ScenarioRunner.FAILED, runner.run(file));
        assertTrue(err().startsWith(file + ":2: expected output to contain \"ho\""), err());
    }

    @Test
    void unreadableFileIsBadInput(@TempDir Path dir) {
        ScenarioRunner runner = new ScenarioRunner(FakeCommands.commandSet(), new PrintStream(out),
                new PrintStream(err), false);
        assertEquals(ScenarioRunner.BAD_INPUT, runner.run(dir.resolve("missing.scn")));
        assertTrue(err().startsWith(dir.resolve("missing.scn") + ": cannot read"), err());
    }
}
