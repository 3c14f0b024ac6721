package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.microsim.harness.Commands;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.SessionException;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Invocation;
import org.microsim.harness.script.Outcome;

/** A booted machine for a test, driven by console commands as a user drives it. */
final class ConsoleMachine implements AutoCloseable {
    private final Session session;
    private final CommandSet commands;

    private ConsoleMachine(MachineOptions options, boolean boot) throws SessionException {
        session = SessionFactory.installed().open(options);
        commands = Commands.of(session);
        if (boot) {
            run("boot");
        }
    }

    private ConsoleMachine(MachineOptions options) throws SessionException {
        this(options, true);
    }

    /** The machine the options describe, not booted yet: commands that come before boot go first. */
    static ConsoleMachine unbooted(MachineOptions options) throws SessionException {
        return new ConsoleMachine(options, false);
    }

    /** The demo machine. */
    static ConsoleMachine demo() throws SessionException {
        return new ConsoleMachine(MachineOptions.defaults());
    }

    /** The machine the options describe. */
    static ConsoleMachine with(MachineOptions options) throws SessionException {
        return new ConsoleMachine(options);
    }

    /** A machine with {@code image} on AHCI port 0, written through (persist=on). */
    static ConsoleMachine withDisk(Path image) throws SessionException {
        return new ConsoleMachine(new MachineOptions(List.of("file=" + image + ",if=ahci,persist=on"), List.of(), 1,
                false, Optional.empty(), Optional.empty(), false));
    }

    /** The machines behind the commands. */
    Lab lab() {
        return (Lab) session;
    }

    /** Runs a command; its outcome, whatever it is. */
    Outcome invoke(String name, String... args) {
        return new Invocation(commands.find(name).orElseThrow(), List.of(args)).run();
    }

    /** Runs a command that must succeed; its output. */
    String run(String name, String... args) {
        Outcome outcome = invoke(name, args);
        assertTrue(outcome instanceof Outcome.Success, name + " " + String.join(" ", args) + ": " + outcome.text());
        return outcome.text();
    }

    @Override
    public void close() {
        session.close();
    }
}
