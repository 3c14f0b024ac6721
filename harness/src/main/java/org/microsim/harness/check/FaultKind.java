package org.microsim.harness.check;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.microsim.harness.script.UsageException;
import org.microsim.harness.session.Fault;
import org.microsim.kernel.machine.DiskFaults;

/**
 * The faults a campaign can inject, as one table: each kind has a name (what {@code --swarm} and {@code --faults}
 * turn on or off) and draws the scenario lines of one fault from the seed's random source. The lines are the
 * console's own commands, the {@code fault} ones made by the {@link Fault} records' {@link Fault#toCommand()}, so a
 * failing run is a scenario anyone can read and replay; a new fault command is one entry here.
 *
 * <p>What the invariants may expect after each kind, once the campaign's checks have ended every fault
 * ({@code fault clear}) and let the machine settle:
 * <ul>
 *   <li>crash, restart, hang, slow: the service comes back and nothing acknowledged is lost (fatfsd acknowledges a
 *       write only when its close has synced). A command that times out <em>while a task hangs</em> is what a hang
 *       is, so it is a failed command then, not a broken no-hang ({@link Trial}).
 *   <li>disk-io, disk-timeout: the command the drive fails is answered as failed (the AHCI driver's own timeout
 *       and port reset end a timeout), so a write it hits is not acknowledged and the model does not count it;
 *       everything acknowledged reads back, and the volume stays clean for fsck.
 *   <li>irq: interrupts lost on the AHCI or xHCI line are noticed from the drivers' timeouts and polls: commands
 *       complete late, none is lost or hangs.
 *   <li>usb, link, lan: the workload does not write to the stick or the network, so these test that the rest
 *       survives (devd removing the stick's subtree, netd over a bad LAN or with every cable pulled).
 *   <li>disk-corrupt <em>may damage data</em>: a corrupt read returns wrong bytes by design (silent corruption, which
 *       no driver can see). When the flipped block is metadata that fatfsd caches (the FAT, a directory) and then
 *       writes back at its next sync, the volume on disk is really damaged: lines acknowledged before can be lost
 *       and fsck can fail, and that is the fault's expected outcome, not a bug. So it is kept out of the default
 *       set ({@code --swarm} or {@code --faults} turn it on) and a run that drew it is not held to
 *       acknowledged-not-lost or fsck-clean; services-back, no-hang and no-internal-error still hold (a damaged
 *       volume is refused or mounted read-only, never a hang).
 * </ul>
 *
 * <p>Only faults the system promises to survive are drawn: crashes and restarts spaced out of the service
 * manager's restart window by the generator; a hang always followed, a few lines later, by a crash of the hung
 * task or a {@code fault clear task}, so it ends as supervised hangs do.
 *
 * @param name the kind's name
 * @param mayDamage whether the fault damages data by design, which keeps it out of the default set
 * @param draw one fault of this kind: lines now, and lines a few workload lines later
 */
record FaultKind(String name, boolean mayDamage, Function<Random, Draw> draw) {
    /**
     * One fault's lines.
     *
     * @param now the lines that inject it
     * @param later the lines that end it, after some workload has met it (empty if it needs no end)
     */
    record Draw(List<String> now, List<String> later) {
        static Draw of(String... now) {
            return new Draw(List.of(now), List.of());
        }
    }

    /** Services whose crash the system recovers from (their dependents restart behind them). */
    private static final List<String> SERVICES = List.of("ahci", "partd@ahci0:disk0", "partd@ahci0:disk1",
            "fatfsd@ahci0:disk0p2", "fatfsd@ahci0:disk1p1", "vfs", "devd", "svcman", "netd");
    /** The drives the workload writes to. */
    private static final List<String> DISKS = List.of("ahci0:disk0", "ahci0:disk1");
    /** The interrupt lines the storage drivers wait on (eth's has no workload here). */
    private static final List<String> IRQS = List.of("ahci", "usb");
    private static final String LAN = "user";

    static final List<FaultKind> ALL = List.of(
            new FaultKind("crash", false, r -> Draw.of("crash " + pick(r, SERVICES))),
            new FaultKind("restart", false, r -> Draw.of("restart " + pick(r, SERVICES.subList(0, 6)))),
            new FaultKind("usb", false, r -> Draw.of(
                    new Fault.UsbDetach(Optional.of("msc0:"), Optional.empty()).toCommand())),
            new FaultKind("link", false, r -> Draw.of(new Fault.Cable(LAN, false).toCommand(),
                    "sleep " + (1 + r.nextInt(500)) + "ms", new Fault.Cable(LAN, true).toCommand())),
            new FaultKind("lan", false, r -> Draw.of(new Fault.Link(LAN, OptionalDouble.of((1 + r.nextInt(5)) / 10.0),
                    Optional.of(Duration.ofMillis(1 + r.nextInt(20))), OptionalDouble.of(r.nextInt(3) / 10.0),
                    OptionalDouble.of(r.nextInt(3) / 10.0)).toCommand())),
            new FaultKind("disk-io", false, r -> Draw.of(disk(r, DiskFaults.Kind.IO, 1 + r.nextInt(4)))),
            new FaultKind("disk-timeout", false, r -> Draw.of(disk(r, DiskFaults.Kind.TIMEOUT, 1))),
            new FaultKind("disk-corrupt", true, r -> Draw.of(disk(r, DiskFaults.Kind.CORRUPT, 1 + r.nextInt(3)))),
            new FaultKind("hang", false, FaultKind::hang),
            new FaultKind("slow", false, r -> Draw.of(new Fault.Task(pick(r, SERVICES), Fault.TaskEffect.SLOW,
                    Duration.ofMillis(1 + r.nextInt(10)), Optional.empty()).toCommand())),
            new FaultKind("irq", false, r -> Draw.of(new Fault.Irq(pick(r, IRQS), (1 + r.nextInt(10)) / 10.0)
                    .toCommand())));

    /**
     * Kinds that make commands fail or take longer by design. A user's scenario expects what its commands print
     * (a remount within a crash's output, a file that reads), so these break its expectations without a bug, and
     * they are drawn into one only when {@code --faults} names them; the built-in suite's invariants allow them.
     */
    private static final Set<String> SEEN_BY_COMMANDS = Set.of("disk-io", "disk-timeout",
            "disk-corrupt", "hang", "slow", "irq");

    /** Whether the system hides this fault from commands (they work, at most after a retry), as for a crash. */
    boolean hidden() {
        return !SEEN_BY_COMMANDS.contains(name);
    }

    /** The kinds on when no {@code --faults} says otherwise: every kind that does not damage data by design. */
    static List<FaultKind> defaults() {
        return ALL.stream().filter(k -> !k.mayDamage()).toList();
    }

    /** The kind of this name, if there is one. */
    static Optional<FaultKind> named(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /**
     * Whether a scenario line injects a fault that damages data by design (a corrupt read), so the run's data
     * invariants are not judged.
     */
    static boolean damages(String line) {
        List<String> words = List.of(line.strip().split("\\s+"));
        if (words.size() < 2 || !words.getFirst().equals("fault")) {
            return false;
        }
        try {
            return Fault.parse(words.subList(1, words.size())) instanceof Fault.Disk d
                    && d.error() == DiskFaults.Kind.CORRUPT;
        } catch (UsageException e) {
            // A line that is not a fault cannot damage anything; running it says what is wrong with it.
            return false;
        }
    }

    private static String disk(Random r, DiskFaults.Kind error, int count) {
        return new Fault.Disk(pick(r, DISKS), error, Optional.empty(), count, 0, Long.MAX_VALUE).toCommand();
    }

    /** A hang of a service, ended later by crashing it (the supervisor restarts it) or by clearing task faults. */
    private static Draw hang(Random r) {
        String task = pick(r, SERVICES);
        String end = r.nextBoolean() ? new Fault.Task(task, Fault.TaskEffect.CRASH, Duration.ZERO, Optional.empty())
                .toCommand() : new Fault.Clear(Optional.of(Fault.Area.TASK)).toCommand();
        return new Draw(List.of(new Fault.Task(task, Fault.TaskEffect.HANG, Duration.ZERO, Optional.empty())
                .toCommand()), List.of(end));
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
