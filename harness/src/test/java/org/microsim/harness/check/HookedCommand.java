package org.microsim.harness.check;

import java.util.List;
import java.util.function.UnaryOperator;
import org.microsim.harness.Session;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.kernel.TraceEvent;

/**
 * A machine's command with something done before and after it: how the tests plant bugs in a real machine
 * without shipping them.
 *
 * @param inner the real command
 * @param before what runs first, with the command's words
 * @param after what runs after it succeeded
 */
record HookedCommand(Command inner, Hook before, Hook after) implements Command {
    /** Something to do around a command. */
    @FunctionalInterface
    interface Hook {
        Hook NOTHING = args -> { };

        void run(List<String> args) throws CommandException;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String usage() {
        return inner.usage();
    }

    @Override
    public String help() {
        return inner.help();
    }

    @Override
    public String run(List<String> args) throws CommandException {
        before.run(args);
        String output = inner.run(args);
        after.run(args);
        return output;
    }

    /** The command of {@code commands} named {@code name}. */
    static Command find(List<Command> commands, String name) {
        return commands.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** {@code real} with its commands replaced by what {@code rewire} makes of them. */
    static Session rewired(Session real, UnaryOperator<List<Command>> rewire) {
        List<Command> commands = rewire.apply(real.commands());
        return new Session() {
            @Override
            public List<Command> commands() {
                return commands;
            }

            @Override
            public List<TraceEvent> trace() {
                return real.trace();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }
}
