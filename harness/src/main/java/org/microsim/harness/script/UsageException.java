package org.microsim.harness.script;

/**
 * The command was given wrong arguments (missing, extra, not a number...). In a scenario this is bad input
 * (exit code 2); in the console the message is printed with the command's usage line.
 */
public final class UsageException extends CommandException {
    /** @param message what is wrong with the arguments, for example {@code "TASK must be a number"} */
    public UsageException(String message) {
        super(message);
    }
}
