package org.microsim.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;
import org.microsim.harness.script.Builtins;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.FakeCommands;

class ConsoleTest {
    /** {@code kill TASK} that always fails, and {@code crash} that throws: enough to see how they print. */
    private static CommandSet commands() {
        return Builtins.commandSet()
                .add(FakeCommands.simple("kill", "kill TASK", args -> {
                    throw new CommandFailedException("no task " + String.join(" ", args));
                }))
                .add(FakeCommands.simple("crash", "crash", args -> {
                    throw new IllegalStateException("bug");
                }));
    }

    private static String session(String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Console console = Console.onStreams(commands(),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, false)) {
            console.run();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsPipedLinesAndPrintsOutputs() throws IOException {
        String out = session("""
                echo "hello   world"
                expect output contains "world"
                expect output contains "moon"
                kill 7
                expect error
                crash
                help echo
                """);
        assertTrue(out.contains("hello   world\n"), out);
        assertTrue(out.contains("ok\n"), out);
        assertTrue(out.contains("expectation failed: expected output to contain \"moon\""), out);
        assertTrue(out.contains("error: no task 7\n"), out);
        assertTrue(out.contains("internal error in crash: IllegalStateException: bug"), out);
        assertFalse(out.contains("\tat "), "no stack trace without --debug");
        assertTrue(out.contains("usage: echo TEXT..."), out);
    }

    @Test
    void badLinesArePointedAtAndTheConsoleGoesOn() throws IOException {
        String out = session("echo \"open\necko\necho after\n");
        assertTrue(out.contains(" ".repeat(Console.PROMPT.length() + 5) + "^ unterminated double quote"), out);
        assertTrue(out.contains("^ unknown command \"ecko\""), out);
        assertTrue(out.contains("after\n"), out);
    }

    @Test
    void ctrlCStopsTheCommandAndTheConsoleGoesOn() throws IOException {
        CommandSet commands = commands();
        Console[] console = new Console[1];
        // Works in steps, and is interrupted at the third.
        commands.add(FakeCommands.simple("steps", "steps", args -> {
            for (int step = 1; step <= 10; step++) {
                commands.foreground().offer("step " + step);
                if (step == 3) {
                    console[0].controlC();
                }
                commands.foreground().check();
            }
            return "all ten steps";
        }));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Console c = Console.onStreams(commands,
                new ByteArrayInputStream("steps\necho after\n".getBytes(StandardCharsets.UTF_8)), out, false)) {
            console[0] = c;
            c.run();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("step 1\nstep 2\nstep 3\n^C: the command stops"), text);
        assertTrue(text.contains("error: interrupted (Ctrl-C)\n" + Console.PROMPT + "echo after\nafter\n"), text);
        assertFalse(text.contains("step 4") || text.contains("all ten steps"), text);
    }

    @Test
    void quitEndsTheConsole() throws IOException {
        String out = session("echo one\nquit\necho two\n");
        assertTrue(out.startsWith(Console.PROMPT + "echo one\none\n" + Console.PROMPT + "quit\n"), out);
        assertFalse(out.contains("two\n"), out);
    }

    @Test
    void misuseShowsUsage() throws IOException {
        String out = session("quit now\n");
        assertTrue(out.contains("error: quit takes no arguments, got 1\nusage: quit"), out);
    }

    @Test
    void expectBeforeAnyCommandIsExplained() throws IOException {
        assertTrue(session("expect error\n").contains("nothing to check yet"));
    }

    @Test
    void endOfInputEndsTheConsole() throws IOException {
        assertEquals(Console.PROMPT + "\n", session(""));
    }

    @Test
    void completesCommandNamesAndHelpTopics() {
        CommandCompleter completer = new CommandCompleter(commands());
        DefaultParser parser = new DefaultParser();
        assertEquals(List.of("crash", "echo", "exit", "expect", "help", "kill", "quit"),
                complete(completer, parser, "").stream().sorted().toList());
        assertTrue(complete(completer, parser, "help ").containsAll(List.of("kill", "expect", "echo")));
        assertEquals(List.of("error", "output"), complete(completer, parser, "expect ").stream().sorted().toList());
        assertEquals(List.of("contains", "matches"),
                complete(completer, parser, "expect output ").stream().sorted().toList());
        assertEquals(List.of(), complete(completer, parser, "echo "));
    }

    private static List<String> complete(CommandCompleter completer, DefaultParser parser, String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, parser.parse(line, line.length()), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }
}
