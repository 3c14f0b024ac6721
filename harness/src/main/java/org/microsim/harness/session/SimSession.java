package org.microsim.harness.session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.Result;
import org.microsim.abi.TaskId;
import org.microsim.services.init.Init;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.SchedulerMode;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TraceEvent;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;

/**
 * One simulated machine driven by the command language: it is configured, booted by {@code boot}, then
 * inspected and poked by commands until closed. Every command that lets the system run (boot, spawn, kill,
 * crash, sleep) ends by letting it settle and prints what tasks logged meanwhile, so a scenario reads as a
 * transcript of what happened.
 */
final class SimSession implements Session {
    /** How long a console call to a system service may take, in virtual time. */
    private static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** How long a file command may take, in virtual time: a 64 MiB put through the whole chain fits. */
    private static final java.time.Duration FILE_TIMEOUT = java.time.Duration.ofSeconds(120);

    private final MachineOptions options;
    private final MachineSetup setup;
    private final Programs programs = new Programs();
    private final List<Kernel.LogLine> logs = new ArrayList<>();
    private Kernel kernel;
    private Machine machine;

    SimSession(MachineOptions options, MachineSetup setup) {
        this.options = options;
        this.setup = setup;
    }

    @Override
    public List<Command> commands() {
        List<Command> all = new ArrayList<>(MachineCommands.of(this));
        all.addAll(ServiceCommands.of(this));
        all.addAll(FileCommands.of(() -> new ConsoleClient(kernel(), "shell", FILE_TIMEOUT), baseDir()));
        return all;
    }

    @Override
    public List<TraceEvent> trace() {
        return kernel == null ? List.of() : kernel.trace().events();
    }

    @Override
    public long traceTotal() {
        return kernel == null ? 0 : kernel.trace().count();
    }

    @Override
    public void close() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
        if (machine != null) {
            try {
                machine.close();
            } catch (IOException e) {
                System.err.println("sim: could not write back a persistent drive: " + e.getMessage());
            }
            machine = null;
        }
    }

    MachineSetup setup() throws CommandFailedException {
        if (kernel != null) {
            throw new CommandFailedException("the machine is running: drives and NICs are attached before boot");
        }
        return setup;
    }

    /** The machine, or a clear failure before boot. */
    Machine machine() throws CommandFailedException {
        kernel();
        return machine;
    }

    /** Where relative paths in commands are taken from: the scenario's directory, or the current one. */
    Path baseDir() {
        return options.baseDir();
    }

    MachineOptions options() {
        return options;
    }

    Programs programs() {
        return programs;
    }

    boolean booted() {
        return kernel != null;
    }

    /** Builds the kernel and lets it settle. */
    void boot() throws CommandFailedException {
        if (kernel != null) {
            throw new CommandFailedException("the machine is already booted");
        }
        ProgramCatalog catalog = new ProgramCatalog();
        programs.addTo(catalog);
        SystemPrograms.addTo(catalog);
        List<MachineException> failure = new ArrayList<>(1);
        kernel = Kernel.builder()
                .seed(options.seed())
                .mode(options.free() ? SchedulerMode.FREE : SchedulerMode.DETERMINISTIC)
                .programs(catalog)
                .hardware(timeline -> {
                    try {
                        machine = new Machine(setup.config(), timeline);
                        return new MachineHardware(machine);
                    } catch (MachineException e) {
                        failure.add(e);
                        return org.microsim.kernel.Hardware.NONE;
                    }
                })
                .build();
        if (!failure.isEmpty()) {
            close();
            throw new CommandFailedException("the machine cannot be built: " + failure.get(0).getMessage());
        }
        kernel.onLog(line -> {
            synchronized (logs) {
                logs.add(line);
            }
        });
        Result<TaskId> init = kernel.spawn("init", "init", Init.args(SystemPrograms.description()), true);
        if (!init.isOk()) {
            throw new CommandFailedException("init could not start: " + init.errorOrNull().detail());
        }
        kernel.settle();
    }

    /** The running kernel, or a clear failure before boot. */
    Kernel kernel() throws CommandFailedException {
        if (kernel == null) {
            throw new CommandFailedException("the machine is not booted yet: run 'boot' first");
        }
        return kernel;
    }

    /** The console's client of a system service's public port. */
    ConsoleClient client(String port) throws CommandFailedException {
        return new ConsoleClient(kernel(), port, CALL_TIMEOUT);
    }

    /** What tasks logged since the last call, one line each, with virtual time and task. */
    String drainLogs() {
        StringBuilder out = new StringBuilder();
        synchronized (logs) {
            for (Kernel.LogLine l : logs) {
                out.append('[').append(Durations.format(l.time())).append("] ").append(l.taskName()).append('#')
                        .append(l.task()).append(": ").append(l.text()).append('\n');
            }
            logs.clear();
        }
        return out.toString();
    }

    /**
     * The task a word names: an index ({@code 3}, its latest incarnation), an exact id ({@code 3.1}), a
     * name (the live task of that name, else the latest one) or a program that exactly one live task runs.
     */
    TaskInfo task(String word) throws CommandFailedException {
        List<TaskInfo> tasks = kernel().tasks();
        if (word.matches("\\d+(\\.\\d+)?")) {
            String[] parts = word.split("\\.");
            for (TaskInfo t : tasks) {
                if (Integer.toString(t.id().index()).equals(parts[0])
                        && (parts.length == 1 || Integer.toString(t.id().generation()).equals(parts[1]))) {
                    return t;
                }
            }
            throw new CommandFailedException("no task " + word + " (see ps)");
        }
        List<TaskInfo> named = tasks.stream().filter(t -> t.name().equals(word)).toList();
        List<TaskInfo> live = named.stream().filter(t -> t.state().alive()).toList();
        if (live.size() > 1) {
            throw new CommandFailedException(live.size() + " tasks are named " + word + " ("
                    + String.join(", ", live.stream().map(t -> t.id().toString()).toList()) + "): use the id");
        }
        if (!live.isEmpty()) {
            return live.get(0);
        }
        if (!named.isEmpty()) {
            return named.get(named.size() - 1);
        }
        // Drivers are named after their service (partd@ahci0:disk0): their program's name finds them when it is unique.
        List<TaskInfo> running = tasks.stream().filter(t -> t.program().equals(word) && t.state().alive()).toList();
        if (running.size() == 1) {
            return running.get(0);
        }
        if (running.size() > 1) {
            throw new CommandFailedException(running.size() + " tasks run " + word + " ("
                    + String.join(", ", running.stream().map(TaskInfo::name).toList()) + "): use a name or an id");
        }
        throw new CommandFailedException("no task named " + word + " (see ps)");
    }
}
