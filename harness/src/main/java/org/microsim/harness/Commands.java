package org.microsim.harness;

import org.microsim.harness.script.Builtins;
import org.microsim.harness.script.CommandSet;

/**
 * The one place where the commands of a session are put together: the language's built-ins and then the
 * machine's. The console, {@code sim run} and the tests of the sample scenarios all take their commands
 * from here, so a command the machine adds is available everywhere at once.
 */
public final class Commands {
    private Commands() {
    }

    /** The built-ins plus the session's commands. */
    public static CommandSet of(Session session) {
        CommandSet commands = Builtins.commandSet();
        session.commands().forEach(commands::add);
        session.attach(commands.foreground());
        commands.completeArgumentsWith(session::complete);
        return commands;
    }
}
