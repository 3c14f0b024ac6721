package org.microsim.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

/**
 * A booted machine for the storage benchmarks, driven through the console's commands exactly as a user
 * would, and a block device over an image file for preparing images with the project's own writers.
 */
final class BenchMachine implements AutoCloseable {
    private final Session session;
    private final CommandSet commands;

    /** Boots the machine the options describe. */
    BenchMachine(MachineOptions options) throws SessionException {
        session = SessionFactory.installed().open(options);
        commands = Commands.of(session);
        run("boot");
    }

    /** Boots a machine with {@code image} on AHCI port 0 (never written: no persist). */
    BenchMachine(Path image) throws SessionException {
        this(image, false);
    }

    /** Boots a machine with {@code image} on AHCI port 0, written through to the file when {@code persist}. */
    BenchMachine(Path image, boolean persist) throws SessionException {
        this(new MachineOptions(List.of("file=" + image + ",if=ahci" + (persist ? ",persist=on" : "")), List.of(), 1,
                false, Optional.empty(), Optional.empty(), false));
    }

    /** Runs a command; a failure is an error of the benchmark, with the command's words. */
    String run(String name, String... args) {
        Outcome outcome = new Invocation(commands.find(name).orElseThrow(), List.of(args)).run();
        if (!(outcome instanceof Outcome.Success)) {
            throw new IllegalStateException(name + " " + String.join(" ", args) + ": " + outcome.text());
        }
        return outcome.text();
    }

    /** The machine's virtual time, in nanoseconds since boot. */
    long virtualNanos() {
        String text = run("time");
        return Long.parseLong(text.substring(text.indexOf('(') + 1, text.indexOf(" ns)")));
    }

    /** Wall nanoseconds a command takes. */
    long time(String name, String... args) {
        long start = System.nanoTime();
        run(name, args);
        return System.nanoTime() - start;
    }

    @Override
    public void close() {
        session.close();
    }

    static FileChannel open(Path image) {
        try {
            return FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
