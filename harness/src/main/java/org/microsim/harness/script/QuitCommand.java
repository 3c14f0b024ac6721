package org.microsim.harness.script;

import java.util.List;

/** {@code quit} and its twin {@code exit}: end the console or the scenario. */
final class QuitCommand implements Command {
    private final String name;

    /** @param name {@code quit} or {@code exit}: two spellings people reach for */
    QuitCommand(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String usage() {
        return name;
    }

    @Override
    public String help() {
        return "end the console, or the scenario here";
    }

    @Override
    public String run(List<String> args) throws UsageException {
        Arity.check(args, 0, 0, name);
        return "";
    }

    @Override
    public boolean endsSession() {
        return true;
    }
}
