package org.microsim.testkit.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.Message;
import org.microsim.abi.Program;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.Timeline;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;

/**
 * A real kernel for testing one driver or service, as Netty's EmbeddedChannel is a real pipeline for testing
 * one handler: the code under test runs as a task, on the deterministic scheduler with a seed, against the
 * device models it would meet in the simulator, and the test drives it from outside and from inside.
 *
 * <p>What a test gets:
 * <ul>
 *   <li><b>a machine</b>, optionally: the AHCI, xHCI and e1000 models a {@link MachineConfig} describes, and a
 *       hook to wire what the config cannot say (LANs, stations on them);</li>
 *   <li><b>a stand-in devd</b>, when the test names drivers: a privileged task that starts a driver on every
 *       port that matches (the controller the kernel enumerated, say) and again after each crash, counting the
 *       starts ({@link Builder#driver});</li>
 *   <li><b>client tasks</b>: code of the test run as tasks ({@link #run}), whose exceptions fail the test with
 *       their cause and which must all finish before the system goes quiet, or the test fails naming them;</li>
 *   <li><b>control from outside</b>: spawn programs, call public ports by name through the kernel's console,
 *       settle until everything waits, advance virtual time, and read what tasks logged.</li>
 * </ul>
 *
 * <pre>{@code
 * MachineConfig oneDisk = new MachineConfig(List.of(new DriveConfig.Image(new MemoryImage(2048))), List.of(),
 *         ModelOptions.DEFAULT);
 * try (KernelRig rig = KernelRig.builder(7).program("mydriver", MyDriver::new).machine(oneDisk)
 *         .driver("mydriver", p -> p.info().portClass() == PortClass.STORAGE_CONTROLLER, new byte[0]).build()) {
 *     rig.run(sys -> {
 *         BlockClient disk = BlockClient.open(sys, sys.lookup("disk0", KernelRig.WAIT).orThrow(), KernelRig.WAIT);
 *         assertEquals(2048, disk.blockCount());
 *     });
 * }
 * }</pre>
 *
 * <p>The run is a function of the seed: the same test gives the same interleaving every time, so a failure
 * found once is found again. What only one module's tests need (a patterned disk, a station on the LAN) stays
 * in that module as a few lines on top of this rig.
 */
public final class KernelRig implements AutoCloseable {
    /** How long clients wait for a name or a call in the rig's own helpers. */
    public static final Duration WAIT = Duration.ofSeconds(30);
    /** The virtual time one settle may take: generous, so a driver's slow timeouts still run out inside it. */
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(10);

    /** The code of a client task; anything it throws fails the test. */
    @FunctionalInterface
    public interface Body {
        /** Runs as the task, with its system calls. */
        void run(Sys sys) throws Exception;
    }

    /** Wires what a {@link MachineConfig} cannot say, once the machine exists on the kernel's clock. */
    @FunctionalInterface
    public interface Wiring {
        /** Plugs cables, LANs or stations into {@code machine}. */
        void wire(Machine machine, Timeline clock) throws MachineException;
    }

    private final Kernel kernel;
    private final Machine machine;
    private final ProgramCatalog catalog;
    private final AtomicInteger driverStarts;
    private final List<Kernel.LogLine> logs = new CopyOnWriteArrayList<>();
    private final AtomicInteger clients = new AtomicInteger();
    private final List<Throwable> failures = new ArrayList<>();
    /** Clients that returned or threw: one that did neither is still running when the system is quiet. */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final Set<String> killed = ConcurrentHashMap.newKeySet();

    private KernelRig(Builder b) {
        catalog = b.catalog;
        driverStarts = new AtomicInteger();
        Machine[] built = new Machine[1];
        Kernel.Builder kb = Kernel.builder().seed(b.seed).programs(catalog);
        if (b.machine != null) {
            kb.hardware(clock -> {
                try {
                    built[0] = new Machine(b.machine, clock);
                    b.wiring.wire(built[0], clock);
                    return new MachineHardware(built[0]);
                } catch (MachineException e) {
                    throw new IllegalArgumentException("the test machine cannot be built: " + e.getMessage(), e);
                }
            });
        }
        kernel = kb.build();
        machine = built[0];
        kernel.onLog(logs::add);
        if (!b.drivers.isEmpty()) {
            catalog.add("devd", "the test's stand-in devd", () -> new DriverStarter(b.drivers, driverStarts));
            kernel.spawn("devd", "devd", new byte[0], true).orThrow();
        }
        for (String program : b.boot) {
            kernel.spawn(program, program, new byte[0], false).orThrow();
        }
        kernel.settle();
    }

    /** A rig on a kernel seeded with {@code seed}, to be described and then {@link Builder#build built}. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /** The kernel, for what the rig does not wrap (its ports, its trace, kills). */
    public Kernel kernel() {
        return kernel;
    }

    /** The machine's device models, to plug, unplug or inject faults between steps. */
    public Machine machine() {
        if (machine == null) {
            throw new IllegalStateException("this rig has no machine");
        }
        return machine;
    }

    /** How many times the stand-in devd started a driver, restarts included. */
    public int driverStarts() {
        return driverStarts.get();
    }

    /** Every line tasks logged so far, oldest first. */
    public List<String> logs() {
        return logs.stream().map(Kernel.LogLine::text).toList();
    }

    /** Spawns {@code program} (from the catalog) as an unprivileged task of the same name, without running it. */
    public TaskId spawn(String program) {
        return kernel.spawn(program, program, new byte[0], false).orThrow();
    }

    /** The live task named {@code name}; fails the test when there is none. */
    public TaskId task(String name) {
        return kernel.tasks().stream().filter(t -> t.name().equals(name) && t.state().alive()).map(TaskInfo::id)
                .findFirst().orElseThrow(() -> new AssertionError("no live task " + name + ": " + kernel.tasks()));
    }

    /** Calls the public port {@code port} from the console, as the console's user would, and returns the reply. */
    public Message call(String port, Message message) {
        return call(kernel, port, message);
    }

    /** As {@link #call(String, Message)}, on any kernel: for tests that build their own. */
    public static Message call(Kernel kernel, String port, Message message) {
        Sys console = kernel.console();
        Handle h = console.lookup(port, Duration.ZERO).orThrow();
        try {
            return console.call(h, message, WAIT).orThrow();
        } finally {
            console.close(h);
        }
    }

    /** Starts the clients as tasks, runs until everything is quiet, and fails as {@link #settle()} does. */
    public void run(Body... bodies) {
        run(Kernel.DEFAULT_QUIET, bodies);
    }

    /** As {@link #run(Body...)}, quiet only when no timer is due within {@code quiet} (a driver's poll). */
    public void run(Duration quiet, Body... bodies) {
        start(bodies);
        settle(quiet);
    }

    /** Starts the clients as tasks without running them; returns their task names. */
    public List<String> start(Body... bodies) {
        List<String> names = new ArrayList<>();
        for (Body body : bodies) {
            String name = "client" + clients.incrementAndGet();
            names.add(name);
            catalog.add(name, "test client", () -> sys -> {
                try {
                    body.run(sys);
                } catch (Throwable t) {
                    if (!killed.contains(name)) {
                        synchronized (failures) {
                            failures.add(t);
                        }
                    }
                    throw t;
                } finally {
                    ended.add(name);
                }
            });
            spawn(name);
        }
        return names;
    }

    /** Runs until quiet, then fails with the first client failure, or names a client that has not finished. */
    public void settle() {
        settle(Kernel.DEFAULT_QUIET);
    }

    /** As {@link #settle()}, counting the system quiet only when no timer is due within {@code quiet}. */
    public void settle(Duration quiet) {
        kernel.settle(quiet, SETTLE_LIMIT);
        synchronized (failures) {
            if (!failures.isEmpty()) {
                Throwable first = failures.getFirst();
                failures.clear();
                throw new AssertionError("a client failed: " + first, first);
            }
        }
        for (int i = 1; i <= clients.get(); i++) {
            String name = "client" + i;
            if (!ended.contains(name) && !killed.contains(name)) {
                throw new AssertionError(name + " did not finish: " + kernel.tasks());
            }
        }
    }

    /** Moves virtual time on by {@code duration}, running whatever falls due. */
    public void advance(Duration duration) {
        kernel.advance(duration);
    }

    /** Kills a client task (cleanly, not as a crash) and stops expecting it to finish. */
    public void killClient(String name) {
        killed.add(name);
        kernel.kill(task(name), false, "test").orThrow();
    }

    @Override
    public void close() {
        kernel.close();
    }

    /** What the rig holds: the seed, the programs, the machine, the drivers to start, the tasks to boot. */
    public static final class Builder {
        private final long seed;
        private final ProgramCatalog catalog = new ProgramCatalog();
        private final List<DriverStarter.Rule> drivers = new ArrayList<>();
        private final List<String> boot = new ArrayList<>();
        private MachineConfig machine;
        private Wiring wiring = (m, clock) -> {
        };

        private Builder(long seed) {
            this.seed = seed;
        }

        /** Adds a program to the catalog, for the kernel, the stand-in devd or the test to spawn. */
        public Builder program(String name, Supplier<Program> factory) {
            catalog.add(name, "test program", factory);
            return this;
        }

        /** Gives the kernel a machine with these device models. */
        public Builder machine(MachineConfig config) {
            return machine(config, (m, clock) -> {
            });
        }

        /** Gives the kernel a machine with these device models, wired further by {@code wiring}. */
        public Builder machine(MachineConfig config, Wiring wiring) {
            this.machine = config;
            this.wiring = wiring;
            return this;
        }

        /**
         * Has the stand-in devd start {@code program} (a task of the same name, so for one device) on the port
         * that {@code on} matches, with {@code args}, and again after each crash. The first rule that matches a
         * port wins.
         */
        public Builder driver(String program, Predicate<KernelNotice.PortEvent> on, byte[] args) {
            drivers.add(new DriverStarter.Rule(program, on, args.clone(), false));
            return this;
        }

        /** As {@link #driver}, once per matching port, the tasks named program0, program1... in order of ports. */
        public Builder driverPerPort(String program, Predicate<KernelNotice.PortEvent> on) {
            drivers.add(new DriverStarter.Rule(program, on, new byte[0], true));
            return this;
        }

        /** Spawns {@code program} (a task of the same name) at boot, after the stand-in devd. */
        public Builder boot(String program) {
            boot.add(program);
            return this;
        }

        /** Boots the kernel, spawns the stand-in devd and the boot programs, and runs until quiet. */
        public KernelRig build() {
            return new KernelRig(this);
        }
    }
}
