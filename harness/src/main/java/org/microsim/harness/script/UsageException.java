package org.microsim.harness.script;

/**
 * The command was given wrong arguments (missing, extra, not a number...). In a scenario this is bad input
 * (exit code 2); in the console the message is printed with the command's usage line.
 */
public final class UsageException extends CommandException {
    private final boolean showsUsage;

    /** @param message what is wrong with the arguments, for example {@code "TASK must be a number"} */
    public UsageException(String message) {
        this(message, true);
    }

    private UsageException(String message, boolean showsUsage) {
        super(message);
        this.showsUsage = showsUsage;
    }

    /**
     * Bad input that the usage line would not help with: the words are right, what they name cannot be used
     * (a drive's image missing or held by another drive).
     */
    public static UsageException withoutUsage(String message) {
        return new UsageException(message, false);
    }

    /** Whether the command's usage line helps: printed after the message. */
    public boolean showsUsage() {
        return showsUsage;
    }
}
