package org.microsim.harness.script;

import java.util.List;

/**
 * A command with its arguments, ready to run.
 *
 * @param command the command named by the first word
 * @param args the other words
 */
public record Invocation(Command command, List<String> args) implements Statement {
    /** @param args copied, so the invocation stays as parsed */
    public Invocation {
        args = List.copyOf(args);
    }

    /**
     * Runs the command and says how it went. Never throws: an exception that escapes the command (a bug in
     * it) becomes a {@link Outcome.Crash} for the caller to report.
     */
    public Outcome run() {
        try {
            return new Outcome.Success(command.run(args));
        } catch (CommandException e) {
            return switch (e) {
                case UsageException misuse -> new Outcome.Misuse(misuse.getMessage(),
                        misuse.showsUsage() ? command.usage() : "");
                case CommandFailedException failure -> new Outcome.Failure(failure.getMessage());
            };
        } catch (RuntimeException | Error e) {
            // Whatever went wrong inside, the user gets a one-line report, never a stack trace.
            return new Outcome.Crash(e);
        }
    }
}
