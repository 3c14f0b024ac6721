package org.microsim.harness.session;

import java.util.List;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;

/** A command made of its words and a body: most machine commands are a few lines and need no class. */
record SimpleCommand(String name, String usage, String help, Body body) implements Command {
    @FunctionalInterface
    interface Body {
        String run(List<String> args) throws CommandException;
    }

    @Override
    public String run(List<String> args) throws CommandException {
        return body.run(args);
    }
}
