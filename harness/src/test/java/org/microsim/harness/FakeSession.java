package org.microsim.harness;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.TaskId;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.TraceEvent;

/**
 * A session without a machine: {@code boot} answers from the options (or fails when a drive says
 * {@code file=broken}), and the trace holds one message from init to a driver.
 */
class FakeSession implements Session {
    final MachineOptions options;
    boolean closed;

    FakeSession(MachineOptions options) {
        this.options = options;
    }

    @Override
    public List<Command> commands() {
        return List.of(new Command() {
            @Override
            public String name() {
                return "boot";
            }

            @Override
            public String usage() {
                return "boot";
            }

            @Override
            public String help() {
                return "boot the fake machine";
            }

            @Override
            public String run(List<String> args) throws CommandFailedException {
                if (options.drives().contains("file=broken")) {
                    throw new CommandFailedException("no bootable drive");
                }
                return "booted with seed " + options.seed() + " drives " + options.drives();
            }
        });
    }

    @Override
    public List<TraceEvent> trace() {
        List<TraceEvent> events = new ArrayList<>();
        events.add(new TraceEvent(1000, new TaskId(1, 0), "init", TraceEvent.Kind.SEND, "hello", 1));
        events.add(new TraceEvent(2000, new TaskId(2, 0), "ahci", TraceEvent.Kind.RECEIVE, "hello", 1));
        return events;
    }

    @Override
    public void close() {
        closed = true;
    }
}
