package org.microsim.harness.session;

import org.microsim.harness.script.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.microsim.abi.Result;
import org.microsim.abi.TaskId;
import org.microsim.services.init.Init;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.Session;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.Completion;
import org.microsim.harness.script.Foreground;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.web.SystemView;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.SchedulerMode;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TraceEvent;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;

/**
 * One simulated machine driven by the command language: it is configured, booted by {@code boot}, then
 * inspected and poked by commands until closed. Every command that lets the system run (boot, spawn, kill,
 * crash, sleep, start, stop, restart) ends by letting it settle, and what tasks log meanwhile is part of its
 * output, so a scenario reads as a transcript of what happened. Through the {@link Foreground} those lines are
 * printed as they are logged.
 *
 * <p>Letting the system run is done in steps of {@link #STEP} of virtual time, and Ctrl-C is checked between
 * two ({@link Foreground#check}). Steps do not change the run: the deterministic scheduler hands control back
 * to the harness only when no task can run, and taking it again from there is what one long call would have
 * done (see {@link #settle()} for why settling in steps stops where one settle would).
 */
final class SimSession implements Session {
    /** How long a console call to a system service may take, in virtual time. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The step of virtual time between two checks for Ctrl-C: the quiet window of a settle, the shortest step
     * for which settling in steps stops where one settle would (see {@link #settle()}).
     */
    private static final Duration STEP = Kernel.DEFAULT_QUIET;

    /** How long a file command may take, in virtual time: a 64 MiB put through the whole chain fits. */
    private static final Duration FILE_TIMEOUT = Duration.ofSeconds(120);

    private final MachineOptions options;
    private final MachineSetup setup;
    private final Network network;
    private final Lab lab;
    private final String name;
    private final Programs programs;
    private final SystemPrograms.Started started = new SystemPrograms.Started();
    /** Lines logged while no command printed them as they came; they join the next command's output. */
    private final StringBuilder logs = new StringBuilder();
    private Foreground foreground = new Foreground();
    private final Completions completions = new Completions(this);
    private final FaultCommands faults = new FaultCommands(this);
    private Kernel kernel;
    private Machine machine;

    SimSession(MachineOptions options, MachineSetup setup, Network network, Lab lab, String name) {
        this.options = options;
        this.setup = setup;
        this.network = network;
        this.lab = lab;
        this.name = name;
        this.programs = new Programs(options.programs());
    }

    @Override
    public List<Command> commands() {
        List<Command> all = new ArrayList<>(MachineCommands.of(this));
        all.addAll(ServiceCommands.of(this));
        all.addAll(UsbCommands.of(this));
        all.addAll(NetCommands.of(this));
        all.addAll(TcpCommands.of(this));
        all.addAll(FileCommands.of(this::shell, baseDir(), this::checkInterrupt));
        all.add(faults.command());
        return all;
    }

    @Override
    public List<Completion> complete(String command, List<String> before, String prefix) {
        return completions.complete(command, before, prefix);
    }

    @Override
    public void attach(Foreground live) {
        foreground = live;
    }

    @Override
    public List<TraceEvent> trace() {
        return kernel == null ? List.of() : kernel.trace().events();
    }

    @Override
    public Optional<SystemView> view() {
        Kernel k = kernel;
        return k == null ? Optional.empty()
                : Optional.of(new SystemView(k.now(), k.tasks(), started.devices(), started.services(), trace()));
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
        } else {
            setup.close();
        }
    }

    MachineSetup setup() throws CommandFailedException {
        if (kernel != null) {
            throw new CommandFailedException("the machine is running: drives and NICs are attached before boot");
        }
        return setup;
    }

    /** The wires between the session's machines. */
    Network network() {
        return network;
    }

    /** The machine, or null before boot. */
    Machine machineOrNull() {
        return machine;
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

    /**
     * The seed of this machine's kernel: the run's for the first machine, so a lone machine runs as it always did;
     * mixed with its name for the others, so that two machines do not draw the same choices (the same DHCP
     * transaction, the same sequence numbers) yet the whole run still follows from the one seed.
     */
    private long seed() {
        return name.equals(Lab.FIRST) ? options.seed() : Network.mix(options.seed(), name);
    }

    /** Builds the kernel and lets it settle. */
    void boot() throws CommandFailedException {
        if (kernel != null) {
            throw new CommandFailedException("the machine is already booted");
        }
        ProgramCatalog catalog = new ProgramCatalog();
        programs.addTo(catalog);
        SystemPrograms.addTo(catalog, started, options.programs());
        List<MachineException> failure = new ArrayList<>(1);
        kernel = Kernel.builder()
                .seed(seed())
                .mode(options.free() ? SchedulerMode.FREE : SchedulerMode.DETERMINISTIC)
                .programs(catalog)
                .hardware(timeline -> {
                    try {
                        MachineConfig config = setup.config();
                        machine = new Machine(config, timeline);
                        network.plug(machine, config.nics(), timeline, name);
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
        lab.booted(kernel);
        kernel.onLog(line -> {
            String text = '[' + Durations.format(line.time()) + "] " + (lab.several() ? name + ":" : "")
                    + line.taskName() + '#' + line.task() + ": " + line.text();
            if (!foreground.offer(text)) {
                synchronized (logs) {
                    logs.append(text).append('\n');
                }
            }
        });
        Result<TaskId> init = kernel.spawn("init", "init", Init.args(SystemPrograms.description(options.programs())),
                true);
        if (!init.isOk()) {
            throw new CommandFailedException("init could not start: " + init.errorOrNull().detail());
        }
        settle();
    }

    /**
     * Runs until the system is quiet, as {@link Kernel#settle()} does, in steps of {@link #STEP}.
     *
     * <p>A step is {@code settle(QUIET, STEP)}: it stops when nothing is runnable and the next timer is either
     * more than QUIET away (quiet: done) or past the step's end. In the second case virtual time has moved past
     * the step's end minus QUIET, so a step after which time has not moved ended quiet; one after which it
     * moved is followed by another, which returns at once without running anything if the system was quiet
     * after all. Each step's end is at least QUIET past now, so no timer that one long settle would fire is
     * left out.
     *
     * @throws CommandFailedException when Ctrl-C interrupted it
     */
    void settle() throws CommandFailedException {
        Kernel k = kernel();
        long end = k.now() + Kernel.DEFAULT_SETTLE_LIMIT.toNanos();
        while (true) {
            long from = k.now();
            if (from >= end) {
                return;
            }
            long step = Math.min(STEP.toNanos(), end - from);
            network.pump();
            k.settle(Kernel.DEFAULT_QUIET, Duration.ofNanos(step));
            // Under the free scheduler the clock follows the wall clock and never stands still: a step that
            // ended before its time was up ended quiet.
            boolean free = k.mode() == SchedulerMode.FREE;
            if (k.now() == from || free && k.now() - from < step) {
                return;
            }
            foreground.check();
        }
    }

    /**
     * Lets {@code duration} of virtual time pass, in steps of {@link #STEP}.
     *
     * @throws CommandFailedException when Ctrl-C interrupted it
     */
    void advance(Duration duration) throws CommandFailedException {
        Kernel k = kernel();
        long end = k.now() + duration.toNanos();
        while (k.now() < end) {
            network.pump();
            k.advance(Duration.ofNanos(Math.min(STEP.toNanos(), end - k.now())));
            foreground.check();
        }
    }

    /**
     * For commands that work in steps of their own (get and put, a piece per call).
     *
     * @throws CommandFailedException when Ctrl-C interrupted the command
     */
    void checkInterrupt() throws CommandFailedException {
        foreground.check();
    }

    @Override
    public java.util.Optional<Kernel> runningKernel() {
        return java.util.Optional.ofNullable(kernel);
    }

    /** The running kernel, or a clear failure before boot. */
    Kernel kernel() throws CommandFailedException {
        if (kernel == null) {
            throw new CommandFailedException("the machine is not booted yet: run 'boot' first");
        }
        return kernel;
    }

    /** The console's client of the shell, for the file commands. */
    ConsoleClient shell() throws CommandFailedException {
        return new ConsoleClient(kernel(), "shell", FILE_TIMEOUT);
    }

    /** The console's client of a system service's public port. */
    ConsoleClient client(String port) throws CommandFailedException {
        return new ConsoleClient(kernel(), port, CALL_TIMEOUT);
    }

    /** The same, for a call that may take {@code longest} of virtual time (a ping of many echoes). */
    ConsoleClient client(String port, Duration longest) throws CommandFailedException {
        return new ConsoleClient(kernel(), port, longest.compareTo(CALL_TIMEOUT) > 0 ? longest : CALL_TIMEOUT);
    }

    /** What tasks logged since the last call and was not printed as it came, one line each. */
    String drainLogs() {
        synchronized (logs) {
            String out = logs.toString();
            logs.setLength(0);
            return out;
        }
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
        // Else the start of a running task's name, when only one has it (fatfsd@ahci0:disk1 for its partition).
        List<TaskInfo> started = tasks.stream().filter(t -> t.name().startsWith(word) && t.state().alive()).toList();
        if (started.size() == 1) {
            return started.get(0);
        }
        if (started.size() > 1) {
            throw new CommandFailedException("'" + word + "' could be any of "
                    + String.join(", ", started.stream().map(TaskInfo::name).toList()) + ": give the whole name");
        }
        throw new CommandFailedException("no task named " + word + " (see ps)");
    }
}
