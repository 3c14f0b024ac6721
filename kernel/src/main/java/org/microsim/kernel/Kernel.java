package org.microsim.kernel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Function;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;

/**
 * The microkernel: tasks, ports, handles and IPC, over one of two schedulers and a virtual clock.
 *
 * <h2>What the kernel is, and is not</h2>
 * The kernel does as little as a microkernel should, after Hubris and seL4: it runs tasks in isolation
 * (each on its own thread, crashing alone), moves messages between ports with bounded queues, checks
 * every handle and right, and tells a supervisor what happened (a task crashed, a port appeared or went).
 * Starting and restarting services, matching devices to drivers, files: all of that is done by tasks, which
 * reach the kernel only through {@link Sys}; privileged requests (spawn, kill, subscribe) are calls to the
 * kernel's own port, answered inline at one dispatch point ({@link KernelPortServer}).
 *
 * <h2>Errors</h2>
 * Every system call answers with a value: timed out, peer died (with the generation that replaced it),
 * no such port, no right, queue full, too large. A task's own bug (an exception escaping its program) ends
 * that task: its ports close, callers waiting on it get PEER_DIED, its handles and DMA memory are freed, and
 * subscribers get a crash notice. Nothing else is hurt.
 *
 * <h2>Rooms</h2>
 * This class is the facade the harness holds, and the hall the kernel's parts reach each other through. Each
 * part keeps its own state:
 *
 * <pre>
 *   harness ──spawn/kill/settle/console()──▶ Kernel ◀──Sys calls── TaskSys (one per task), ConsoleSys
 *                                              │
 *     Tasks ......... slots, spawn, kill, a task's thread, teardown
 *     PortTable ..... ports by name, generations, port ids, register and close
 *     Notifications . subscriptions, the notices the kernel posts
 *     Ipc ........... send, receive, call, reply: the locked path, with the checks
 *       └ FastPath .. the same for plain messages and calls, without the lock
 *     Calls ......... a call in flight: the wait for its answer, failing it, giving it up
 *     KernelPortServer  privileged requests, answered inside a locked call
 *     Names ......... lookup, waiting for a name, the resolver
 *     Leases ........ lease checks, forwarded windows, copies
 *     Devices ....... BARs, DMA, interrupts
 *     TaskFaults .... hung and slow tasks (injected faults), and every fault's FAULT trace event
 *     Scheduler (deterministic | free) ── timers ── device models;  Trace (events + fingerprint)
 * </pre>
 *
 * <h2>Concurrency</h2>
 * The scheduler's lock, the kernel lock, guards the state of every part: the task slots and each task's
 * state, held calls and what it waits for; changes to handle tables; the port table and generations; the
 * subscriptions, name waiters and IRQ bindings; each port queue's kernel lane; and all blocking and waking.
 * In the deterministic scheduler only one thread runs at a time, so the lock is never contended and the order
 * of events is a pure function of the seed.
 *
 * <p>The fast path ({@link FastPath}, on unless {@link Builder#fastPath} turned it off) moves plain messages and
 * calls without the lock. It touches only what is made safe for that: a port queue's plain lane and its
 * capacity counters ({@link PortQueue}), a call's state, moved by compare-and-set ({@link CallRecord}), the
 * volatile fields a sender, a receiver and a killer read of each other ({@code Task.receivingOn},
 * {@code lockFreeHeld}, {@code pendingCall}, {@code killed}; {@code Port.closed}), its own task's handle table
 * (only read), and the send order ({@link #nextSeq}, atomic). Everything else it does under the lock.
 *
 * <p>The methods of this class that are not system calls (spawn, kill, settle, snapshots, the console) are the
 * harness's, called from its own thread; on the deterministic scheduler no task runs meanwhile.
 */
public final class Kernel implements AutoCloseable {
    /** How long the harness waits for quiet when settling, and how far it lets virtual time run at most. */
    public static final Duration DEFAULT_QUIET = Duration.ofMillis(100);
    public static final Duration DEFAULT_SETTLE_LIMIT = Duration.ofSeconds(60);
    /** How long {@link #close} lets killed tasks unwind (virtual time on the deterministic scheduler). */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** The port of the PCIe root: the parent of every device port the kernel registers at boot. */
    public static final String BUS_ROOT = "pcie0:";

    private final long seed;
    private final SchedulerMode mode;
    private final ProgramCatalog programs;
    final Scheduler scheduler;
    final Trace trace;
    final Hardware hardware;
    final Tasks tasks;
    final PortTable ports;
    final Notifications notifications;
    final Ipc ipc;
    final Calls calls;
    final KernelPortServer portServer;
    final Names names;
    final Devices devices;
    final TaskFaults taskFaults;
    /** The kernel's own port: a send handle to it is what makes a task privileged. */
    private final Port kernelPort;
    private final Sys console;
    private final List<Consumer<LogLine>> logListeners = new CopyOnWriteArrayList<>();
    /**
     * The order of every message sent, in the middle element of {@link #SEQUENCE_SLOTS}: atomic because plain
     * sends are queued without the kernel lock, and with 15 longs on either side on a cache line of its own,
     * as every send bumps it while the objects allocated next to it are read on every system call.
     */
    private final AtomicLongArray sequence = new AtomicLongArray(SEQUENCE_SLOTS);
    private static final int SEQUENCE_SLOTS = 31;
    private static final int SEQUENCE = SEQUENCE_SLOTS / 2;

    /** A line a task (or the console) logged. */
    public record LogLine(long time, TaskId task, String taskName, String text) {
    }

    private Kernel(Builder b) {
        this.seed = b.seed;
        this.mode = b.mode;
        this.programs = b.programs;
        this.scheduler = b.mode == SchedulerMode.DETERMINISTIC ? new DeterministicScheduler(b.seed)
                : new FreeScheduler();
        this.trace = new Trace(b.trace, b.traceLimit);
        this.tasks = new Tasks(this);
        this.ports = new PortTable(this);
        this.notifications = new Notifications(this);
        this.ipc = new Ipc(this, b.fastPath);
        this.calls = new Calls(this);
        this.portServer = new KernelPortServer(this);
        this.names = new Names(this);
        this.devices = new Devices(this);
        this.taskFaults = new TaskFaults(this);
        this.console = new ConsoleSys(this);
        this.hardware = b.hardware.apply(scheduler);
        scheduler.enter();
        try {
            kernelPort = ports.addKernelOwned(PortInfo.of(KernelRequest.PORT_NAME, PortClass.SERVICE,
                    PortSubclass.SERVICE_GENERIC), Port.Kind.KERNEL, null);
            List<HardwareDevice> found = hardware.devices();
            if (!found.isEmpty()) {
                // The root of the device tree: every PCIe function names it as its parent.
                ports.addKernelOwned(PortInfo.of(BUS_ROOT, PortClass.BUS, PortSubclass.BUS_PCIE_ROOT), Port.Kind.DEVICE,
                        null);
            }
            for (HardwareDevice device : found) {
                devices.connect(ports.addKernelOwned(device.info(), Port.Kind.DEVICE, device));
            }
        } finally {
            scheduler.exit();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * How to build a kernel. Defaults: seed 1, deterministic, no programs, no hardware, a full trace, the fast
     * path on.
     */
    public static final class Builder {
        private long seed = 1;
        private SchedulerMode mode = SchedulerMode.DETERMINISTIC;
        private ProgramCatalog programs = new ProgramCatalog();
        private Function<Timeline, Hardware> hardware = t -> Hardware.NONE;
        private boolean trace = true;
        private int traceLimit = 1_000_000;
        private boolean fastPath = true;

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder mode(SchedulerMode value) {
            this.mode = value;
            return this;
        }

        public Builder programs(ProgramCatalog value) {
            this.programs = value;
            return this;
        }

        /** The machine, built once the kernel's clock exists (device models schedule on it). */
        public Builder hardware(Function<Timeline, Hardware> value) {
            this.hardware = value;
            return this;
        }

        /** Whether to record a trace at all (benchmarks turn it off), and how many events to keep. */
        public Builder trace(boolean enabled, int keep) {
            this.trace = enabled;
            this.traceLimit = keep;
            return this;
        }

        /**
         * Whether plain messages and calls may pass without the kernel lock (on by default). Off, every system
         * call takes the locked path: slower, and the reference the fast path is held to. (With the trace on,
         * IPC takes the locked path anyway, to write its events.)
         */
        public Builder fastPath(boolean enabled) {
            this.fastPath = enabled;
            return this;
        }

        public Kernel build() {
            return new Kernel(this);
        }
    }

    // ------------------------------------------------------------------ harness API

    public long seed() {
        return seed;
    }

    public SchedulerMode mode() {
        return mode;
    }

    public ProgramCatalog programs() {
        return programs;
    }

    public Trace trace() {
        return trace;
    }

    /** The clock device models and the harness schedule on. */
    public Timeline timeline() {
        return scheduler;
    }

    /** Virtual nanoseconds since boot. */
    public long now() {
        return scheduler.now();
    }

    /** How many times the CPU went to a different task (deterministic scheduler). */
    public long switches() {
        return scheduler.switches();
    }

    /** Calls {@code listener} for every line a task (or the console) logs. */
    public void onLog(Consumer<LogLine> listener) {
        logListeners.add(listener);
    }

    /**
     * Starts a program as a new task. A privileged task gets a handle to the kernel port as its first start
     * handle; that is what lets init, the service manager and devd spawn, kill and subscribe.
     */
    public Result<TaskId> spawn(String program, String taskName, byte[] args, boolean privileged) {
        scheduler.enter();
        try {
            List<HandleTable.Entry> handles = privileged ? List.of(new HandleTable.Entry(kernelPort, Rights.SEND_GRANT))
                    : List.of();
            return tasks.spawn(TaskId.KERNEL, program, taskName, null, args, handles);
        } finally {
            scheduler.exit();
        }
    }

    /** Kills a task; {@code crash} makes it a crash (its supervisor restarts it), otherwise a clean kill. */
    public Result<Void> kill(TaskId id, boolean crash, String reason) {
        scheduler.enter();
        try {
            return tasks.kill(TaskId.KERNEL, id, crash, reason);
        } finally {
            scheduler.exit();
        }
    }

    /**
     * Runs until the system is quiet (nothing runnable, no timer due within {@link #DEFAULT_QUIET}). A kernel in a
     * {@link World} settles the whole world: running it alone would take its clock away from the others'.
     */
    public void settle() {
        settle(DEFAULT_QUIET, DEFAULT_SETTLE_LIMIT);
    }

    public void settle(Duration quiet, Duration limit) {
        if (scheduler.world != null) {
            scheduler.world.settle(quiet, limit);
        } else {
            scheduler.settle(quiet.toNanos(), limit.toNanos());
        }
    }

    /** Runs until {@code duration} of virtual time has passed (in a {@link World}: the whole world). */
    public void advance(Duration duration) {
        if (scheduler.world != null) {
            scheduler.world.advance(duration);
        } else {
            scheduler.advance(duration.toNanos());
        }
    }

    /** Hangs and slows tasks, and records every fault the harness injects in the trace. */
    public TaskFaults faults() {
        return taskFaults;
    }

    /** A snapshot of every task slot's latest incarnation, by index. */
    public List<TaskInfo> tasks() {
        scheduler.enter();
        try {
            return tasks.snapshot();
        } finally {
            scheduler.exit();
        }
    }

    /** A snapshot of every live port, in registration order. */
    public List<PortSnapshot> ports() {
        scheduler.enter();
        try {
            return ports.snapshot();
        } finally {
            scheduler.exit();
        }
    }

    /**
     * The console's system calls: the person at the keyboard, or a scenario, as a client of the tasks (sender
     * {@link TaskId#CONSOLE}). For the harness's thread only (a task's thread is refused with DENIED), one call
     * at a time. It can {@code lookup} public task ports, {@code call} and {@code send} to them (no handles;
     * a call may lend a {@link org.microsim.abi.Lease.Buffer}), {@code close} and {@code inspect} its handles,
     * read {@code now} and {@code log}; everything else answers DENIED. While it waits (a call, a lookup with a
     * timeout) the system runs, virtual time included, until the answer comes or the timeout passes:
     *
     * <pre>{@code
     * Sys console = kernel.console();
     * Handle shell = console.lookup("shell", Duration.ZERO).orThrow();
     * Result<Message> reply = console.call(shell, request, Duration.ofSeconds(5));
     * console.close(shell);
     * }</pre>
     */
    public Sys console() {
        return console;
    }

    /**
     * Kills every task, lets their threads unwind for at most {@link #CLOSE_WAIT}, and stops the timer thread.
     * The wait is bounded so that a task that cannot unwind (a kernel bug, a program spinning without system
     * calls on the free scheduler) costs a leaked daemon thread, not a simulator that never exits.
     */
    @Override
    public void close() {
        scheduler.enter();
        try {
            tasks.killAll("shutdown");
        } finally {
            scheduler.exit();
        }
        scheduler.settle(0, CLOSE_WAIT.toNanos());
        scheduler.close();
    }

    // ------------------------------------------------------------------ shared by the parts

    /** The next number in the global order of messages (also a call's id, its reply right). Any thread. */
    long nextSeq() {
        return sequence.incrementAndGet(SEQUENCE); // from 1: 0 is no message
    }

    /** Records a trace event of {@code task} (null: the kernel). Lock held. */
    void record(Task task, TraceEvent.Kind kind, String detail, long flow) {
        if (trace.enabled()) {
            trace.record(scheduler.now(), task == null ? TaskId.KERNEL : task.id, task == null ? "kernel" : task.name,
                    kind, detail, flow);
        }
    }

    /** A line {@code task} logged: to the trace and every log listener. Takes the lock. */
    void log(Task task, String text) {
        String line = text == null ? "null" : text;
        scheduler.enter();
        try {
            record(task, TraceEvent.Kind.LOG, line, 0);
            LogLine logged = new LogLine(scheduler.now(), task.id, task.name, line);
            for (Consumer<LogLine> l : logListeners) {
                l.accept(logged);
            }
        } finally {
            scheduler.exit();
        }
    }
}
