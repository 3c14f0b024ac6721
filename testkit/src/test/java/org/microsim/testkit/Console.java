package org.microsim.testkit;

import org.microsim.harness.script.Lexer;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A machine driven word by word, as the moved whole-machine properties drive it: each command's words are quoted as
 * the language wants, and every command's text is kept for a failure's message, with the replayable scenario.
 */
final class Console {
    private final SimMachine machine;
    private final List<String> transcript = new ArrayList<>();

    Console(SimMachine machine) {
        this.machine = machine;
    }

    /** Runs a command that must succeed; its output. */
    String run(String... words) {
        CommandResult r = invoke(words);
        assertTrue(r.ok(), this::log);
        return r.output();
    }

    /**
     * Runs a command that may fail as a command does (a crash of a task that is down, a file on a volume whose driver
     * is stopped): true when it succeeded. An internal error is never a command's failure: {@link SimMachine#command}
     * throws it.
     */
    boolean tryRun(String... words) {
        return invoke(words).ok();
    }

    private CommandResult invoke(String... words) {
        String line = String.join(" ", Arrays.stream(words).map(Lexer::word).toList());
        CommandResult r = machine.command(line);
        transcript.add("> " + line + "\n" + r.output());
        return r;
    }

    /** Every command and its output, then how to replay the run. */
    String log() {
        return String.join("\n", transcript) + "\nreplay: " + machine.replayCommand() + " with FILE.scn:\n"
                + machine.scenario();
    }
}
