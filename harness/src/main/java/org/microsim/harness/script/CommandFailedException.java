package org.microsim.harness.script;

/**
 * The command was well formed but failed (no such task, device not found...). The message is the command's
 * output for {@code expect output ...}, and the failure is what {@code expect error} checks for.
 */
public final class CommandFailedException extends CommandException {
    /** @param message why the command failed, for example {@code "no task 7"} */
    public CommandFailedException(String message) {
        super(message);
    }
}
