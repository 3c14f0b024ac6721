package org.microsim.harness.script;

import java.util.List;

/** {@code echo TEXT...}: prints its arguments separated by spaces; handy for testing the language itself. */
final class EchoCommand implements Command {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String usage() {
        return "echo TEXT...";
    }

    @Override
    public String help() {
        return "print the words, separated by one space";
    }

    @Override
    public String run(List<String> args) {
        return String.join(" ", args);
    }
}
