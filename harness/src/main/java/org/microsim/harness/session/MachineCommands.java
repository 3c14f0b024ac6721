package org.microsim.harness.session;

import org.microsim.harness.script.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.microsim.abi.PortCaps;
import org.microsim.abi.Result;
import org.microsim.abi.TaskId;
import org.microsim.harness.script.Arity;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.MachineException;

/** The commands that act on the simulated machine: boot it, look at it, run it, hurt it. */
final class MachineCommands {
    private MachineCommands() {
    }

    static List<Command> of(SimSession s) {
        return List.of(
                new SimpleCommand("boot", "boot", "boot the machine and wait until it settles", args -> {
                    none(args, "boot");
                    s.boot();
                    return s.drainLogs() + "booted at " + Durations.format(s.kernel().now()) + " (seed "
                            + s.kernel().seed() + ", " + s.kernel().mode().name().toLowerCase(Locale.ROOT)
                            + " scheduler)" + (s.network().bridged() ? "; a LAN reaches the host or another process, so this run"
                            + " is not reproducible from its seed" : "");
                }),
                new SimpleCommand("ps", "ps", "list tasks: id, name, program, state and what each waits for", args -> {
                    none(args, "ps");
                    return ps(s.kernel().tasks());
                }),
                new SimpleCommand("ports", "ports", "list ports: name, class, owner, generation, queue", args -> {
                    none(args, "ports");
                    return ports(s.kernel().ports());
                }),
                new SimpleCommand("time", "time", "show the virtual time", args -> {
                    none(args, "time");
                    long now = s.kernel().now();
                    return "virtual time " + Durations.format(now) + " (" + now + " ns)";
                }),
                new SimpleCommand("sleep", "sleep DURATION", "let virtual time pass, e.g. sleep 250ms", args -> {
                    Arity.check(args, 1, 1, "sleep");
                    Duration d = Durations.parse(args.get(0));
                    s.advance(d);
                    return s.drainLogs() + "now " + Durations.format(s.kernel().now());
                }),
                new SimpleCommand("kill", "kill TASK", "end a task (by id or name) as a clean kill",
                        args -> end(s, args, false)),
                new SimpleCommand("crash", "crash TASK", "inject a crash into a task (its supervisor sees a crash)",
                        args -> end(s, args, true)),
                new SimpleCommand("seed", "seed", "show the seed of this run", args -> {
                    none(args, "seed");
                    return "seed " + s.options().seed();
                }),
                new SimpleCommand("drive", "drive file=PATH,if=ahci[,readonly=on][,persist=on]",
                        "attach a disk image before boot (as --drive)", args -> {
                            Arity.check(args, 1, 1, "drive");
                            DriveConfig.File file;
                            try {
                                file = MachineSetup.parse(args.get(0), s.baseDir());
                            } catch (MachineException e) {
                                throw MachineSetup.usage(e);
                            }
                            try {
                                // The words are right; the image could not be had (missing, locked...).
                                s.setup().attach(file, "drive " + args.get(0));
                            } catch (MachineException e) {
                                throw UsageException.withoutUsage(e.getMessage());
                            }
                            return "drive " + args.get(0) + " attached";
                        }),
                new SimpleCommand("nic", "nic [mac=52:54:00:12:34:56]", "add an e1000 NIC before boot (as --nic)",
                        args -> {
                            Arity.check(args, 0, 1, "nic");
                            try {
                                s.setup().nic(args.isEmpty() ? "" : args.get(0));
                            } catch (MachineException e) {
                                throw MachineSetup.usage(e);
                            }
                            return "nic added";
                        }),
                new SimpleCommand("demo", "demo", "keep the demo machine's disks and NIC before boot (as --demo)",
                        args -> {
                            Arity.check(args, 0, 0, "demo");
                            s.setup().demo();
                            return "the demo machine's disks and NIC come first";
                        }),
                new SimpleCommand("lspci", "lspci", "list the PCIe functions: address, class, vendor:device", args -> {
                    none(args, "lspci");
                    return String.join("\n", s.machine().lspci());
                }),
                new SimpleCommand("spawn", "spawn PROGRAM [ARGS...]",
                        "start a demo program: " + s.programs().names(), args -> spawn(s, args)));
    }

    /** Refuses arguments to a command that takes none. */
    static void none(List<String> args, String name) throws UsageException {
        Arity.check(args, 0, 0, name);
    }

    private static String end(SimSession s, List<String> args, boolean crash) throws UsageException,
            CommandFailedException {
        String verb = crash ? "crash" : "kill";
        Arity.check(args, 1, 1, verb);
        TaskInfo t = s.task(args.get(0));
        Kernel k = s.kernel();
        Result<Void> r = k.kill(t.id(), crash, "console");
        if (!r.isOk()) {
            throw new CommandFailedException(r.errorOrNull().detail());
        }
        s.settle();
        return s.drainLogs() + (crash ? "crashed " : "killed ") + t.id() + " (" + t.name() + ")";
    }

    static String spawn(SimSession s, List<String> args) throws UsageException, CommandFailedException {
        Spawned spawned = start(s, args);
        return spawned.output() + "spawned " + spawned.id() + " (" + args.get(0) + ")";
    }

    /** A program started by {@link #start}: its task, and what was logged until the machine settled. */
    record Spawned(TaskId id, String output) {
    }

    /** Starts a program as {@code spawn} does and lets the machine settle. */
    static Spawned start(SimSession s, List<String> args) throws UsageException, CommandFailedException {
        if (args.isEmpty()) {
            throw new UsageException("spawn needs a PROGRAM: " + s.programs().names());
        }
        Programs.Spawnable p = s.programs().get(args.get(0));
        if (p == null) {
            throw new UsageException("no program '" + args.get(0) + "'; programs: " + s.programs().names());
        }
        byte[] bytes = p.args().encode(args.subList(1, args.size()));
        Kernel k = s.kernel();
        if (p.port().isPresent()) {
            String port = p.port().get();
            for (PortSnapshot taken : k.ports()) {
                if (taken.info().name().equals(port)) {
                    throw new CommandFailedException(p.name() + " is already running: " + taken.ownerName() + " ("
                            + taken.owner() + ") serves port '" + port + "'; kill it first");
                }
            }
        }
        Result<TaskId> r = k.spawn(p.name(), p.name(), bytes, false);
        if (!(r instanceof Result.Ok<TaskId>(TaskId id))) {
            throw new CommandFailedException(r.errorOrNull().detail());
        }
        s.settle();
        return new Spawned(id, s.drainLogs());
    }

    static String ps(List<TaskInfo> tasks) {
        StringBuilder out = new StringBuilder(String.format("%-8s %-24s %-10s %-8s %s%n", "ID", "NAME", "PROGRAM",
                "STATE", "DETAIL"));
        for (TaskInfo t : tasks) {
            out.append(String.format("%-8s %-24s %-10s %-8s %s%n", t.id(), t.name(), t.program(), t.state().label(),
                    t.detail()));
        }
        return out.toString().stripTrailing();
    }

    static String ports(List<PortSnapshot> ports) {
        StringBuilder out = new StringBuilder(String.format("%-22s %-20s %-14s %-4s %-9s %s%n", "NAME", "CLASS",
                "OWNER", "GEN", "QUEUED", "CAPS"));
        for (PortSnapshot p : ports) {
            String owner = p.owner().equals(TaskId.KERNEL) ? "kernel" : p.ownerName() + "#" + p.owner();
            out.append(String.format("%-22s %-20s %-14s %-4d %-9s %s%n", p.info().name(),
                    p.info().portClass().name().toLowerCase(Locale.ROOT), owner, p.generation(),
                    p.queued() + "/" + p.capacity(), PortCaps.describe(p.info().caps())));
        }
        return out.toString().stripTrailing();
    }
}
