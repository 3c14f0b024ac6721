package org.microsim.harness.script;

import java.util.List;

/**
 * One command of the scenario and console language, such as {@code echo}, {@code ps} or {@code kill}.
 *
 * <p>The seam between the language and what it acts on: the language (parsing, expectations, the runner, the
 * console) knows commands only through this interface, and the simulated machine contributes its commands as
 * implementations of it. A command either returns its output text, or throws a {@link CommandException}:
 * {@link UsageException} when the line itself is wrong (bad arguments: the user's mistake in writing the
 * command) and {@link CommandFailedException} when the command was well formed but could not do its job
 * (no such task, disk full). The runner treats the first as bad input and the second as a result that a
 * scenario can expect with {@code expect error}.
 */
public interface Command {
    /** The word that invokes the command: lower case, no spaces. */
    String name();

    /** The usage line, starting with the name, for example {@code "kill TASK"}. */
    String usage();

    /** One line saying what the command does. */
    String help();

    /**
     * Runs the command.
     *
     * @param args the words after the command name, quotes already removed
     * @return the output text (may be empty; lines separated by {@code \n})
     * @throws UsageException when the arguments are wrong
     * @throws CommandFailedException when the command could not do its job
     */
    String run(List<String> args) throws CommandException;

    /** Whether a successful run ends the console or scenario ({@code quit} and {@code exit}). */
    default boolean endsSession() {
        return false;
    }
}
