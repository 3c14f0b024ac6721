package org.microsim.harness.script;

import java.util.SortedSet;

/**
 * The commands of the language itself, there whatever the machine: {@code help}, {@code quit}, {@code exit}
 * and {@code echo}.
 */
public final class Builtins {
    private Builtins() {
    }

    /** A new set holding the built-in commands, to which machine commands are then added. */
    public static CommandSet commandSet() {
        CommandSet commands = new CommandSet();
        return commands
                .add(new HelpCommand(commands))
                .add(new QuitCommand("quit"))
                .add(new QuitCommand("exit"))
                .add(new EchoCommand());
    }

    /**
     * What {@code help} accepts as its argument in this set (command names and {@code expect}), for
     * completion.
     */
    public static SortedSet<String> helpTopics(CommandSet commands) {
        return new HelpCommand(commands).topics();
    }
}
