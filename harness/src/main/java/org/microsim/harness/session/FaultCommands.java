package org.microsim.harness.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Result;
import org.microsim.harness.script.Durations;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.InterruptLine;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.Timeline;
import org.microsim.kernel.machine.DiskFaults;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.Machine;

/**
 * The {@code fault} command of one machine: injects the {@link Fault}s it parses into the models and the kernel,
 * lists what is active ({@code fault} alone), and ends them ({@code fault clear [KIND]}).
 *
 * <pre>
 *   fault disk ──▶ the drive's DiskFaults (AHCI port or USB stick)   fault irq ──▶ the function's InterruptLine
 *   fault task ──▶ the kernel's TaskFaults (hang, slow) or a crash   fault usb ──▶ a detach, as usb detach
 *   fault link ──▶ the LAN: its impairments (as lan), or every cable  fault clear ──▶ each of those undone
 * </pre>
 *
 * <p>A fault's target is found when the command is given, so a wrong name is an error at once, even with
 * {@code at=}; the fault then acts at that virtual time, from a timer of the kernel's clock. Every fault is a
 * FAULT event in the kernel's trace when it acts (its command line as the detail), and every random choice it
 * makes (which interrupts are lost, which bytes a corrupt read flips) comes from the run's seed mixed with the
 * fault's line and number, so a replay makes the same choices. LANs draw their losses from their own seeded
 * source already.
 */
final class FaultCommands {
    /** What a fault does once it acts: a sentence for the console. */
    @FunctionalInterface
    private interface Action {
        String run() throws CommandException;
    }

    private final SimSession s;
    /**
     * Drives with faults armed, by the name the fault gave. Synchronized, as is {@link #pending}: a fault with
     * {@code at=} acts from a timer, on the free scheduler's timer thread.
     */
    private final Map<String, DiskFaults> disks = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, InterruptLine> irqs = new LinkedHashMap<>();
    private final Set<String> impaired = new LinkedHashSet<>();
    private final Set<String> down = new LinkedHashSet<>();
    /** Faults whose time has not come, and their timers. */
    private final Map<Integer, Pending> pending = Collections.synchronizedMap(new LinkedHashMap<>());
    private int injected;

    /** A fault with {@code at=} whose time has not come, and its timer. */
    private record Pending(Fault fault, Timeline.Scheduled timer) {
    }

    FaultCommands(SimSession session) {
        this.s = session;
    }

    Command command() {
        return new SimpleCommand("fault", Fault.USAGE.replace("\n", " | "),
                "inject a fault (disk, task, link, usb, irq), list the active ones, or clear them", args -> {
                    if (args.isEmpty()) {
                        return list();
                    }
                    Fault f = Fault.parse(args);
                    return f instanceof Fault.Clear c ? clear(c.area()) : inject(f);
                });
    }

    private String inject(Fault f) throws CommandException {
        Kernel k = s.kernel();
        int number = ++injected;
        Action action = prepare(f, Network.mix(k.seed(), "fault " + number + " " + f.toCommand()));
        Optional<Duration> at = switch (f) {
            case Fault.Disk d -> d.at();
            case Fault.Task t -> t.at();
            case Fault.UsbDetach u -> u.at();
            default -> Optional.empty();
        };
        if (at.isPresent() && at.get().toNanos() > k.now()) {
            pending.put(number, new Pending(f, k.timeline().schedule(at.get().toNanos(), () -> {
                pending.remove(number);
                try {
                    k.faults().record(f.toCommand());
                    action.run();
                } catch (CommandException e) {
                    k.faults().record(f.toCommand() + " failed: " + e.getMessage());
                }
            })));
            return f.toCommand() + ": armed for " + Durations.format(at.get().toNanos());
        }
        k.faults().record(f.toCommand());
        String done;
        try {
            done = action.run();
        } catch (CommandException e) {
            k.faults().record(f.toCommand() + " failed: " + e.getMessage());
            throw e;
        }
        s.settle();
        return s.drainLogs() + done;
    }

    /** Finds the fault's target (failing now when there is none) and says what acting on it is. */
    private Action prepare(Fault f, long seed) throws CommandException {
        Machine m = s.machine();
        return switch (f) {
            case Fault.Disk d -> {
                DiskFaults drive = drive(m, d.device());
                yield () -> {
                    drive.arm(d.error(), d.count(), d.firstLba(), d.lastLba(), seed);
                    disks.put(d.device(), drive);
                    return "disk " + d.device() + " error=" + d.error().word() + " for the next " + d.count()
                            + " command(s) on it";
                };
            }
            case Fault.Task t -> task(t, s.task(t.task()));
            case Fault.Link l -> {
                lan(l.lan());
                yield () -> {
                    Lan.Impairments was = s.network().impairments(l.lan());
                    Lan.Impairments now = new Lan.Impairments(l.loss().orElse(was.loss()),
                            l.delay().map(Duration::toNanos).orElse(was.delayNanos()), l.dup().orElse(was.duplicate()),
                            l.reorder().orElse(was.reorder()));
                    s.network().impair(l.lan(), now);
                    impaired.add(l.lan());
                    return l.lan() + ": " + NetCommands.faults(now);
                };
            }
            case Fault.Cable c -> {
                Lan lan = lan(c.lan());
                yield () -> {
                    lan.setCables(c.up());
                    if (c.up()) {
                        down.remove(c.lan());
                    } else {
                        down.add(c.lan());
                    }
                    return c.lan() + ": every cable " + (c.up() ? "plugged in" : "pulled");
                };
            }
            case Fault.UsbDetach u -> {
                String path = stick(u.target());
                machine(() -> m.usbFaults(path)); // a stick is there now
                yield () -> machine(() -> m.usbDetach(path));
            }
            case Fault.Irq i -> {
                InterruptLine line = machine(() -> m.interruptLine(i.device()));
                yield () -> {
                    line.drop(i.drop(), seed);
                    irqs.put(i.device(), line);
                    return i.device() + ": the interrupt line drops each interrupt with probability " + i.drop();
                };
            }
            case Fault.Clear c -> throw new IllegalStateException("clear is not injected");
        };
    }

    private Action task(Fault.Task t, TaskInfo target) throws CommandFailedException {
        Kernel k = s.kernel();
        return () -> {
            Result<Void> r = switch (t.effect()) {
                case HANG -> k.faults().hang(target.id());
                case SLOW -> k.faults().slow(target.id(), t.slow());
                case CRASH -> k.kill(target.id(), true, "fault");
            };
            if (!r.isOk()) {
                throw new CommandFailedException(r.errorOrNull().detail());
            }
            return target.name() + " (" + target.id() + "): " + switch (t.effect()) {
                case HANG -> "hangs";
                case SLOW -> "pays " + Durations.word(t.slow()) + " per system call";
                case CRASH -> "crashed";
            };
        };
    }

    private String clear(Optional<Fault.Area> area) throws CommandException {
        Kernel k = s.kernel();
        k.faults().record("fault clear" + area.map(a -> " " + a.word()).orElse(""));
        List<String> ended = new ArrayList<>();
        synchronized (pending) {
            pending.values().removeIf(p -> {
                boolean hit = area.isEmpty() || area.get() == areaOf(p.fault());
                if (hit) {
                    p.timer().cancel();
                    ended.add("pending " + p.fault().toCommand());
                }
                return hit;
            });
        }
        if (wanted(area, Fault.Area.DISK)) {
            synchronized (disks) {
                disks.forEach((name, d) -> {
                    if (d.clear() > 0) {
                        ended.add("disk " + name);
                    }
                });
                disks.clear();
            }
        }
        if (wanted(area, Fault.Area.TASK) && k.faults().clear() > 0) {
            ended.add("task faults");
        }
        if (wanted(area, Fault.Area.LINK)) {
            impaired.forEach(lan -> s.network().impair(lan, Lan.Impairments.NONE));
            down.forEach(lan -> s.network().lans().stream().filter(l -> l.name().equals(lan))
                    .forEach(l -> l.setCables(true)));
            impaired.forEach(lan -> ended.add("link " + lan));
            down.forEach(lan -> ended.add("link " + lan + " down"));
            impaired.clear();
            down.clear();
        }
        if (wanted(area, Fault.Area.IRQ)) {
            irqs.forEach((name, line) -> line.drop(0, 0));
            irqs.keySet().forEach(name -> ended.add("irq " + name));
            irqs.clear();
        }
        s.settle();
        return s.drainLogs() + (ended.isEmpty() ? "no faults to clear" : "cleared: " + String.join(", ", ended));
    }

    private static boolean wanted(Optional<Fault.Area> area, Fault.Area one) {
        return area.isEmpty() || area.get() == one;
    }

    private static Fault.Area areaOf(Fault f) {
        return switch (f) {
            case Fault.Disk d -> Fault.Area.DISK;
            case Fault.Task t -> Fault.Area.TASK;
            case Fault.Link l -> Fault.Area.LINK;
            case Fault.Cable c -> Fault.Area.LINK;
            case Fault.UsbDetach u -> Fault.Area.USB;
            case Fault.Irq i -> Fault.Area.IRQ;
            case Fault.Clear c -> throw new IllegalStateException("clear is never pending");
        };
    }

    /** The active faults, one line each. */
    private String list() throws CommandException {
        Kernel k = s.kernel();
        List<String> lines = new ArrayList<>();
        synchronized (pending) {
            pending.values().forEach(p -> lines.add(p.fault().toCommand() + " (pending)"));
        }
        synchronized (disks) {
            disks.forEach((name, d) -> d.active().forEach(a -> lines.add("disk " + name + " " + a)));
        }
        k.faults().active().forEach(t -> lines.add("task " + t));
        impaired.forEach(lan -> lines.add("link " + lan + " " + NetCommands.faults(s.network().impairments(lan))));
        down.forEach(lan -> lines.add("link " + lan + " down"));
        irqs.forEach((name, line) -> lines.add("irq " + name + " drop=" + line.dropProbability() + " ("
                + line.droppedCount() + " interrupts dropped)"));
        return lines.isEmpty() ? "no faults" : String.join("\n", lines);
    }

    // ---- targets ----

    /** The faults of a drive: a disk the AHCI driver serves ({@code ahci0:disk1}) or a stick ({@code msc0:}). */
    private DiskFaults drive(Machine m, String device) throws CommandException {
        for (PortSnapshot p : s.kernel().ports()) {
            if (p.info().name().equals(device) && wholeDisk(p.info())) {
                return p.info().subclass() == PortSubclass.USB_MASS_STORAGE
                        ? machine(() -> m.usbFaults(UsbCommands.portOf(s, device)))
                        : machine(() -> m.ahciFaults(p.info().metadata()[0]));
            }
        }
        throw new CommandFailedException("no disk " + device + ": a fault takes a whole disk, as lsblk names it "
                + "(ahci0:disk0, msc0:)");
    }

    /** Whether a port is a whole disk a fault can take: a stick usbd serves, or a disk of the AHCI driver's. */
    static boolean wholeDisk(PortInfo info) {
        return info.portClass() == PortClass.BLOCK && (info.subclass() == PortSubclass.USB_MASS_STORAGE
                || info.subclass() == PortSubclass.BLOCK_RAW && info.metadata().length == 1);
    }

    /** The USB port of the stick a detach names, or of the first stick. */
    private String stick(Optional<String> target) throws CommandException {
        if (target.isPresent()) {
            return target.get().endsWith(":") ? UsbCommands.portOf(s, target.get()) : target.get();
        }
        List<PortSnapshot> sticks = UsbCommands.sticks(s);
        if (sticks.isEmpty()) {
            throw new CommandFailedException("no USB stick is plugged in");
        }
        return UsbCommands.portOf(s, sticks.get(0).info().name());
    }

    private Lan lan(String name) throws CommandFailedException {
        return s.network().lans().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(
                () -> new CommandFailedException("no LAN " + name + " (see lan)"));
    }

    @FunctionalInterface
    private interface MachineCall<T> {
        T call() throws MachineException, CommandException;
    }

    /** A call into the machine, its refusal a failed command. */
    private static <T> T machine(MachineCall<T> call) throws CommandException {
        try {
            return call.call();
        } catch (MachineException e) {
            throw new CommandFailedException(e.getMessage());
        }
    }
}
