package org.microsim.testkit.chain;

import java.util.ArrayList;
import java.util.List;
import org.microsim.testkit.CommandResult;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.assertions.FsOracle;
import org.microsim.testkit.action.Action;

/**
 * The state an action chain works on: the machine, the actions done to it so far, and the file-system oracle that
 * has seen each one and what the machine answered.
 */
public final class MachineState implements AutoCloseable {
    private final SimMachine machine;
    private final FsOracle files = new FsOracle();
    private final List<Action> done = new ArrayList<>();

    /** The state of a fresh machine, nothing done yet. */
    public MachineState(SimMachine machine) {
        this.machine = machine;
    }

    /** Runs the action's scenario line; the oracle takes note of it and of the answer. */
    public CommandResult apply(Action action) {
        done.add(action);
        CommandResult result = machine.command(action.toScenarioLine());
        files.observe(action, result);
        return result;
    }

    public SimMachine machine() {
        return machine;
    }

    /** What the file systems must hold, after what was done. */
    public FsOracle files() {
        return files;
    }

    /** The actions done so far, oldest first. */
    public List<Action> actions() {
        return List.copyOf(done);
    }

    @Override
    public void close() {
        machine.close();
    }
}
