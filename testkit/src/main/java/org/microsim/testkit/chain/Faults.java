package org.microsim.testkit.chain;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.microsim.harness.session.Fault;
import org.microsim.kernel.machine.DiskFaults;
import org.microsim.testkit.action.Action;

/**
 * jqwik arbitraries of faults: the disruptions the console has always had (crash and kill of tasks, stop and start
 * of services, a USB stick pulled out and put back, a cable pulled), and schedules of the {@code fault} command's
 * lines (disk errors, task hangs, lossy links, lost interrupts) for machines whose console has it.
 */
public final class Faults {
    private Faults() {
    }

    /** {@code crash} (mostly) or {@code kill} of one of {@code tasks}. */
    public static Arbitrary<Action> crashes(List<String> tasks) {
        return Combinators.combine(Arbitraries.of(tasks), Arbitraries.integers().between(0, 3))
                .as((t, k) -> new Action.Crash(t, k == 0));
    }

    /** {@code stop}, {@code start} or {@code restart} of one of {@code services}. */
    public static Arbitrary<Action> serviceControl(List<String> services) {
        return Combinators.combine(Arbitraries.of("stop", "start", "restart"), Arbitraries.of(services))
                .as(Action.Restart::new);
    }

    /** The stick on {@code port} pulled out ({@code usb detach PORT}) or put back from {@code image}. */
    public static Arbitrary<Action> usb(String image, int port) {
        return Arbitraries.of(new Action.UsbDetach(Integer.toString(port)), new Action.UsbAttach(image, false, port));
    }

    /** A cable pulled or put back. */
    public static Arbitrary<Action> links(List<String> interfaces) {
        return Combinators.combine(Arbitraries.of(interfaces), Arbitraries.of(false, true)).as(Action.Link::new);
    }

    /**
     * Disk errors a file system must come through without losing what it acknowledged: {@code fault disk DEV
     * error=io} (the device fails the next 1 to 3 commands on it: a write one of them hits is not acknowledged) or
     * {@code error=timeout} (it never answers them; the driver has to reset the port). {@code corrupt} is left out on
     * purpose: a read that returns flipped bytes hands them to the file system as the disk's, which FAT, without
     * checksums, cannot tell; what to expect of it is another property's.
     */
    public static Arbitrary<Action> diskErrors(List<String> disks) {
        return Combinators.combine(Arbitraries.of(disks), Arbitraries.of(DiskFaults.Kind.IO, DiskFaults.Kind.TIMEOUT),
                Arbitraries.integers().between(1, 3)).as((dev, kind, count) -> new Action.Fault(
                        new Fault.Disk(dev, kind, Optional.empty(), count, 0, Long.MAX_VALUE)));
    }

    /**
     * {@code fault task TASK hang} (the task stops at its next system call, alive, and its callers time out) or the
     * way out of every hang, {@code fault clear task} (the tasks go on where they stopped). Crashing a hung task,
     * {@link #crashes}, is the other way out: its supervisor restarts it.
     */
    public static Arbitrary<Action> hangs(List<String> tasks) {
        return Arbitraries.oneOf(Arbitraries.of(tasks).map(t -> new Action.Fault(
                        new Fault.Task(t, Fault.TaskEffect.HANG, Duration.ZERO, Optional.empty()))),
                Arbitraries.just(new Action.Fault(new Fault.Clear(Optional.of(Fault.Area.TASK)))));
    }

    /**
     * {@code fault} lines: disk errors on {@code disks}, hangs, crashes and slowness of {@code tasks}, lossy
     * {@code lans}, and clears; times within the first {@code horizon} of virtual time.
     */
    public static Arbitrary<Action> schedule(List<String> disks, List<String> tasks, List<String> lans,
                                             Duration horizon) {
        Arbitrary<Optional<Duration>> at = Arbitraries.longs().between(0, horizon.toMillis())
                .map(ms -> Duration.ofMillis(ms)).optional();
        Arbitrary<Long> first = Arbitraries.longs().between(0, 4096);
        Arbitrary<Fault> disk = Combinators.combine(Arbitraries.of(disks), Arbitraries.of(DiskFaults.Kind.values()),
                at, Arbitraries.integers().between(1, 5), first, Arbitraries.of(false, true))
                .as((dev, kind, when, count, lba, ranged) -> new Fault.Disk(dev, kind, when, count,
                        ranged ? lba : 0, ranged ? lba + 64 : Long.MAX_VALUE));
        Arbitrary<Fault> task = Combinators.combine(Arbitraries.of(tasks), Arbitraries.of(Fault.TaskEffect.values()),
                Arbitraries.of(10, 100, 1000).map(ms -> Duration.ofMillis(ms)), at)
                .as((t, effect, slow, when) -> new Fault.Task(t, effect,
                        effect == Fault.TaskEffect.SLOW ? slow : Duration.ZERO, when));
        Arbitrary<OptionalDouble> p = Arbitraries.of(0.0, 0.01, 0.1, 0.3).map(OptionalDouble::of);
        // A LAN's delay is at least 10 us (the lockstep of machines needs some lookahead).
        Arbitrary<Fault> link = Combinators.combine(Arbitraries.of(lans), p, Arbitraries.of(10_000L, 1_000_000L,
                10_000_000L).map(ns -> Optional.of(Duration.ofNanos(ns))), p, p).as(Fault.Link::new);
        Arbitrary<Fault> clear = Arbitraries.of(Fault.Area.values()).optional().map(Fault.Clear::new);
        return Arbitraries.oneOf(disk, task, link, clear).map(Action.Fault::new);
    }
}
