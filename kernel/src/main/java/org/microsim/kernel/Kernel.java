package org.microsim.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Function;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Message;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.StartInfo;
import org.microsim.abi.SysError;
import org.microsim.abi.TaskId;
import org.microsim.kernel.machine.Timeline;

/**
 * The microkernel: tasks, ports, handles and IPC, over one of two schedulers and a virtual clock.
 *
 * <h2>What the kernel is, and is not</h2>
 * The kernel does as little as a microkernel should, after Hubris and seL4: it runs tasks in isolation
 * (each on its own thread, crashing alone), moves messages between ports with bounded queues, checks
 * every handle and right, and tells a supervisor what happened (a task crashed, a port appeared or went).
 * Starting and restarting services, matching devices to drivers, files: all of that is done by tasks, which
 * reach the kernel only through {@link org.microsim.abi.Sys}; privileged requests (spawn, kill, subscribe)
 * are messages to the kernel's own port, served inline at one dispatch point ({@link KernelPortServer}).
 *
 * <h2>Errors</h2>
 * Every system call answers with a value: timed out, peer died (with the generation that replaced it),
 * no such port, no right, queue full, too large. A task's own bug (an exception escaping its program) ends
 * that task: its ports close, callers waiting on it get PEER_DIED, its handles and DMA memory are freed, and
 * subscribers get a crash notification. Nothing else is hurt.
 *
 * <h2>Concurrency</h2>
 * All kernel state is guarded by the scheduler's lock. In the deterministic scheduler only one thread runs
 * at a time, so the lock is never contended and the order of events is a pure function of the seed. The
 * methods of this class that are not system calls (spawn, kill, settle, snapshots) are for the harness,
 * which calls them from its own thread while no task runs.
 *
 * <pre>
 *   harness ─spawn/kill/settle─▶ Kernel ◀─Sys calls─ tasks (one thread each)
 *                                  │  ports, handles, calls, leases
 *                                  ├─ Scheduler (deterministic | free) ── timers ── device models
 *                                  └─ Trace (events + fingerprint)
 * </pre>
 */
public final class Kernel implements AutoCloseable {
    /** How long the harness waits for quiet when settling, and how far it lets virtual time run at most. */
    public static final Duration DEFAULT_QUIET = Duration.ofMillis(100);
    public static final Duration DEFAULT_SETTLE_LIMIT = Duration.ofSeconds(60);
    /** How long {@link #close} lets killed tasks unwind (virtual time on the deterministic scheduler). */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** The port of the PCIe root: the parent of every device port the kernel registers at boot. */
    public static final String BUS_ROOT = org.microsim.kernel.machine.PciBus.ROOT_PORT;

    final Scheduler scheduler;
    final Trace trace;
    final Hardware hardware;
    private final long seed;
    private final SchedulerMode mode;
    private final ProgramCatalog programs;
    final Ipc ipc;
    final KernelPortServer portServer;
    final Devices devices;

    /** Task slots by index: the latest incarnation in each. Slot 0 is the kernel itself. */
    final List<Task> slots = new ArrayList<>();
    /** Live ports by name, in registration order. */
    final Map<String, Port> ports = new LinkedHashMap<>();
    /** How many times each name has been registered: the generation of the next port of that name. */
    private final Map<String, Long> generations = new LinkedHashMap<>();
    /** Subscribers to kernel notifications. */
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Consumer<LogLine>> logListeners = new CopyOnWriteArrayList<>();
    final List<IrqBinding> irqBindings = new ArrayList<>();
    final Port kernelPort;
    /** The console's identity as an IPC client: never runs, never waits in the scheduler. */
    private final Task console = new Task(TaskId.CONSOLE, "console", null, 0);
    Port resolver;
    private long nextPortId = 1;
    /**
     * The order of every message sent, in the middle element of {@link #SEQUENCE_SLOTS}: atomic because plain
     * sends are queued without the kernel lock, and with 15 longs on either side on a cache line of its own,
     * as every send bumps it while the objects allocated next to it are read on every system call.
     */
    private final AtomicLongArray sequence = new AtomicLongArray(SEQUENCE_SLOTS);
    private static final int SEQUENCE_SLOTS = 31;
    private static final int SEQUENCE = SEQUENCE_SLOTS / 2;

    private record Subscription(Port port, int kinds) {
    }

    /** A line a task logged. */
    public record LogLine(long time, TaskId task, String taskName, String text) {
    }

    private Kernel(Builder b) {
        this.seed = b.seed;
        this.mode = b.mode;
        this.programs = b.programs;
        this.scheduler = b.mode == SchedulerMode.DETERMINISTIC ? new DeterministicScheduler(b.seed)
                : new FreeScheduler();
        this.trace = new Trace(b.trace, b.traceLimit);
        this.ipc = new Ipc(this);
        this.portServer = new KernelPortServer(this);
        this.devices = new Devices(this);
        slots.add(null);
        this.hardware = b.hardware.apply(scheduler);
        scheduler.enter();
        try {
            kernelPort = newPort(PortInfo.of(KernelRequest.PORT_NAME, PortClass.SERVICE, PortSubclass.SERVICE_GENERIC),
                    Port.Kind.KERNEL, null, 0, false, null);
            List<HardwareDevice> found = hardware.devices();
            if (!found.isEmpty()) {
                // The root of the device tree: every PCIe function names it as its parent.
                newPort(PortInfo.of(BUS_ROOT, PortClass.BUS, PortSubclass.BUS_PCIE_ROOT), Port.Kind.DEVICE, null, 0,
                        false, null);
            }
            for (HardwareDevice device : found) {
                devices.connect(newPort(device.info(), Port.Kind.DEVICE, null, 0, false, device));
            }
        } finally {
            scheduler.exit();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to build a kernel. Defaults: seed 1, deterministic, no programs, no hardware, a full trace. */
    public static final class Builder {
        private long seed = 1;
        private SchedulerMode mode = SchedulerMode.DETERMINISTIC;
        private ProgramCatalog programs = new ProgramCatalog();
        private Function<Timeline, Hardware> hardware = t -> Hardware.NONE;
        private boolean trace = true;
        private int traceLimit = 1_000_000;

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

    /** Calls {@code listener} for every line a task logs. */
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
            return spawn(TaskId.KERNEL, program, taskName, null, args, handles);
        } finally {
            scheduler.exit();
        }
    }

    /** Kills a task; {@code crash} makes it a crash (its supervisor restarts it), otherwise a clean kill. */
    public Result<Void> kill(TaskId id, boolean crash, String reason) {
        scheduler.enter();
        try {
            return kill(TaskId.KERNEL, id, crash, reason);
        } finally {
            scheduler.exit();
        }
    }

    /** Runs until the system is quiet (nothing runnable, no timer due within {@link #DEFAULT_QUIET}). */
    public void settle() {
        settle(DEFAULT_QUIET, DEFAULT_SETTLE_LIMIT);
    }

    public void settle(Duration quiet, Duration limit) {
        scheduler.settle(quiet.toNanos(), limit.toNanos());
    }

    /** Runs until {@code duration} of virtual time has passed. */
    public void advance(Duration duration) {
        scheduler.advance(duration.toNanos());
    }

    /** A snapshot of every task slot's latest incarnation, by index. */
    public List<TaskInfo> tasks() {
        scheduler.enter();
        try {
            List<TaskInfo> out = new ArrayList<>();
            for (Task t : slots) {
                if (t != null) {
                    out.add(new TaskInfo(t.id, t.name, t.start.program(), t.state, t.alive() ? t.waitingFor : t.endCause));
                }
            }
            return out;
        } finally {
            scheduler.exit();
        }
    }

    /** A snapshot of every live port, in registration order. */
    public List<PortSnapshot> ports() {
        scheduler.enter();
        try {
            List<PortSnapshot> out = new ArrayList<>();
            for (Port p : ports.values()) {
                out.add(new PortSnapshot(p.id, p.info, p.owner == null ? TaskId.KERNEL : p.owner.id, p.ownerName(),
                        p.generation, p.queue.size(), p.capacity, p.kind.name().toLowerCase(java.util.Locale.ROOT)));
            }
            return out;
        } finally {
            scheduler.exit();
        }
    }

    /**
     * Calls a task's public port from the console, as a client task would: the request can lend a buffer
     * ({@link org.microsim.abi.Lease.Buffer}), the server sees the sender {@code console}, and this returns the
     * reply or the error, letting the system run (virtual time included) until then or until {@code timeout}.
     * This is how the console and scenarios talk to the shell task.
     */
    public Result<Message> consoleCall(String portName, Message message, Duration timeout) {
        CallRecord call;
        scheduler.enter();
        try {
            Port p = ports.get(portName);
            if (p == null || p.kind != Port.Kind.TASK || !p.publicName) {
                return Result.err(ErrorCode.NO_SUCH_PORT, "no public port named " + portName);
            }
            if (!message.handles().isEmpty() || message.size() > Message.MAX_INLINE) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "the console sends no handles and at most "
                        + Message.MAX_INLINE + " inline bytes");
            }
            long seq = nextSeq();
            Result<CallRecord> made = ipc.newCall(console, p, seq, message.lease());
            if (!(made instanceof Result.Ok<CallRecord>(CallRecord c))) {
                return Result.err(made.errorOrNull());
            }
            if (!p.queue.reserve()) {
                return Result.err(ErrorCode.QUEUE_FULL, "port " + portName + " is full");
            }
            call = c;
            ipc.enqueue(p, new Envelope(seq, console.id, message, List.of(), call, true, null));
            record(console, TraceEvent.Kind.CALL, "to " + portName + " id " + message.msgId(), seq);
        } finally {
            scheduler.exit();
        }
        long deadline = now() + timeout.toNanos();
        while (call.pending() && now() < deadline) {
            scheduler.settle(DEFAULT_QUIET.toNanos(), deadline - now());
            if (call.pending() && now() < deadline) {
                scheduler.advance(Math.min(DEFAULT_QUIET.toNanos(), deadline - now()));
            }
        }
        scheduler.enter();
        try {
            return switch (call.state()) {
                case ANSWERED -> Result.ok(Ipc.delivered(call.reply, List.of()));
                case FAILED -> Result.err(call.failure);
                default -> {
                    ipc.abandon(call);
                    yield Result.err(ErrorCode.TIMED_OUT, "no reply from " + portName + " within " + timeout);
                }
            };
        } finally {
            scheduler.exit();
        }
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
            for (Task t : slots) {
                if (t != null && t.alive()) {
                    kill(TaskId.KERNEL, t.id, false, "shutdown");
                }
            }
        } finally {
            scheduler.exit();
        }
        scheduler.settle(0, CLOSE_WAIT.toNanos());
        scheduler.close();
    }

    // ------------------------------------------------------------------ lifecycle (lock held)

    /** Spawns a task; {@code handles} become its start handles, in order. */
    Result<TaskId> spawn(TaskId by, String program, String taskName, TaskId restartOf, byte[] args,
                         List<HandleTable.Entry> handles) {
        ProgramCatalog.Entry entry = programs.get(program);
        if (entry == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "no program named '" + program + "'");
        }
        if (taskName.isEmpty() || taskName.length() > 64) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "task name must be 1 to 64 characters");
        }
        TaskId id;
        if (restartOf == null) {
            id = new TaskId(slots.size(), 0);
        } else {
            Task old = restartOf.index() > 0 && restartOf.index() < slots.size() ? slots.get(restartOf.index()) : null;
            if (old == null || !old.id.equals(restartOf)) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "no task " + restartOf + " to restart");
            }
            if (old.alive()) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "task " + restartOf + " is still running");
            }
            id = restartOf.next();
        }
        Program code;
        try {
            code = entry.factory().get();
        } catch (RuntimeException e) {
            return Result.err(ErrorCode.UNAVAILABLE, "program '" + program + "' could not be created: " + e);
        }
        Task task = new Task(id, taskName, code, mix(seed, id.pack()));
        List<Handle> startHandles = new ArrayList<>();
        for (HandleTable.Entry h : handles) {
            startHandles.add(new Handle(task.handles.add(h)));
        }
        task.start = new StartInfo(program, taskName, startHandles, args);
        task.thread = Thread.ofVirtual().name(taskName + "#" + id).unstarted(() -> run(task));
        if (id.index() == slots.size()) {
            slots.add(task);
        } else {
            slots.set(id.index(), task);
        }
        scheduler.admit(task);
        record(task, TraceEvent.Kind.SPAWN, program + (restartOf == null ? "" : " restart of " + restartOf)
                + " by " + by, 0);
        task.thread.start();
        return Result.ok(id);
    }

    private void run(Task task) {
        TaskState end = TaskState.EXITED;
        String cause = "";
        try {
            scheduler.started(task);
            if (!task.killed) {
                task.program.run(new TaskSys(this, task));
            }
        } catch (TaskKilled killed) {
            // Torn down already by whoever killed it.
        } catch (Throwable t) {
            end = TaskState.CRASHED;
            cause = describe(t);
        }
        scheduler.enter();
        try {
            if (task.alive()) {
                teardown(task, end, cause);
            }
        } finally {
            scheduler.exit();
        }
        scheduler.ended(task);
    }

    static String describe(Throwable t) {
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null || t instanceof StackOverflowError ? "" : ": " + msg);
    }

    Result<Void> kill(TaskId by, TaskId id, boolean crash, String reason) {
        Task t = id.index() > 0 && id.index() < slots.size() ? slots.get(id.index()) : null;
        if (t == null || !t.id.equals(id)) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "no task " + id);
        }
        if (!t.alive()) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "task " + id + " (" + t.name + ") is not running");
        }
        t.killed = true;
        teardown(t, crash ? TaskState.CRASHED : TaskState.KILLED,
                (crash ? "crash injected" : "killed") + (by.equals(TaskId.KERNEL) ? "" : " by task " + by)
                        + (reason.isEmpty() ? "" : ": " + reason));
        // Let its thread run to its next system call, where it unwinds.
        scheduler.wake(t);
        return Result.ok(null);
    }

    /** Ends a task's kernel life: closes its ports, fails the calls it owed, frees its handles and memory. */
    private void teardown(Task t, TaskState state, String cause) {
        t.state = state;
        t.endCause = cause;
        if (t.ownedPorts != null) {
            for (Port p : List.copyOf(t.ownedPorts)) {
                closePort(p);
            }
        }
        SysError died = SysError.of(ErrorCode.PEER_DIED, "task " + t + " died before replying");
        if (t.heldCalls != null) {
            for (CallRecord call : List.copyOf(t.heldCalls.values())) {
                ipc.fail(call, died);
            }
        }
        CallRecord lockFreeHeld = t.lockFreeHeld;
        if (lockFreeHeld != null) {
            ipc.fail(lockFreeHeld, died);
        }
        CallRecord pending = t.pendingCall;
        if (pending != null) {
            ipc.abandon(pending);
        }
        t.handles.clear();
        hardware.freeDma(t);
        boolean crashed = state == TaskState.CRASHED;
        record(t, crashed ? TraceEvent.Kind.CRASH : state == TaskState.KILLED ? TraceEvent.Kind.KILL
                : TraceEvent.Kind.EXIT, cause, 0);
        notifySubscribers(KernelRequest.TASK_EVENTS, new KernelNotice.TaskEnded(t.id, t.name, cause, crashed), null);
    }

    // ------------------------------------------------------------------ ports (lock held)

    /** Registers a port, or explains why not. */
    Result<Port> registerPort(Task owner, PortInfo info, int capacity, boolean publicName) {
        if (ports.containsKey(info.name())) {
            return Result.err(ErrorCode.NAME_TAKEN, "a port named '" + info.name() + "' exists");
        }
        Port p = newPort(info, Port.Kind.TASK, owner, capacity, publicName, null);
        owner.ownedPorts().add(p);
        ipc.portAppeared(p);
        return Result.ok(p);
    }

    private Port newPort(PortInfo info, Port.Kind kind, Task owner, int capacity, boolean publicName,
                         HardwareDevice device) {
        long generation = generations.merge(info.name(), 1L, Long::sum);
        Port p = new Port(nextPortId++, info, kind, owner, generation, capacity, publicName, device);
        ports.put(info.name(), p);
        record(owner, TraceEvent.Kind.PORT_REGISTERED, info.name() + " gen " + generation + " " + info.portClass(), 0);
        notifySubscribers(KernelRequest.PORT_EVENTS, new KernelNotice.PortRegistered(portEvent(p), null), p);
        return p;
    }

    /** Closes a port: queued calls fail with PEER_DIED, subscribers hear of it. */
    void closePort(Port p) {
        if (p.closed) {
            return;
        }
        p.closed = true;
        ports.remove(p.name(), p);
        if (p.owner != null && p.owner.ownedPorts != null) {
            p.owner.ownedPorts.remove(p);
        }
        SysError closed = SysError.of(ErrorCode.PEER_DIED, "port " + p.name() + " closed");
        for (Envelope e : p.queue.drainKernelLane()) {
            if (e.call() != null) {
                ipc.fail(e.call(), closed);
            }
        }
        // Calls in the plain lane stay linked; those no server took yet fail (a caller that queued one after
        // this walk sees the port closed and fails its own, see Ipc.call).
        for (CallRecord call : p.queue.plainLaneCalls()) {
            if (p.owner == null || call != p.owner.lockFreeHeld) {
                ipc.failIfQueued(call, closed);
            }
        }
        irqBindings.removeIf(b -> b.target == p);
        record(p.owner, TraceEvent.Kind.PORT_REMOVED, p.name() + " gen " + p.generation, 0);
        notifySubscribers(KernelRequest.PORT_EVENTS, new KernelNotice.PortRemoved(portEvent(p)), null);
    }

    /** The next number in the global order of messages (also a call's id, its reply right). */
    long nextSeq() {
        return sequence.incrementAndGet(SEQUENCE); // from 1: 0 is no message
    }

    /** The generation of the live port now behind {@code name}, or -1. */
    long currentGeneration(String name) {
        Port p = ports.get(name);
        return p == null ? -1 : p.generation;
    }

    private static KernelNotice.PortEvent portEvent(Port p) {
        return new KernelNotice.PortEvent(p.id, p.generation, p.owner == null ? TaskId.KERNEL : p.owner.id, p.info);
    }

    // ------------------------------------------------------------------ notifications (lock held)

    /** Subscribes a port to kernel events; port subscribers first hear of every port that exists. */
    void subscribe(Port port, int kinds) {
        subscriptions.add(new Subscription(port, kinds));
        if ((kinds & KernelRequest.PORT_EVENTS) != 0) {
            for (Port p : List.copyOf(ports.values())) {
                if (p.kind == Port.Kind.KERNEL) {
                    continue;
                }
                ipc.postFromKernel(port, new KernelNotice.PortRegistered(portEvent(p), null).toMessage(),
                        List.of(new HandleTable.Entry(p, Rights.SEND_GRANT)));
            }
        }
    }

    private void notifySubscribers(int kind, KernelNotice notice, Port attached) {
        subscriptions.removeIf(s -> s.port.closed);
        Message message = notice.toMessage();
        for (Subscription s : List.copyOf(subscriptions)) {
            if ((s.kinds & kind) != 0) {
                ipc.postFromKernel(s.port, message,
                        attached == null ? List.of() : List.of(new HandleTable.Entry(attached, Rights.SEND_GRANT)));
            }
        }
    }

    // ------------------------------------------------------------------ trace and log

    void record(Task task, TraceEvent.Kind kind, String detail, long flow) {
        if (trace.enabled()) {
            trace.record(scheduler.now(), task == null ? TaskId.KERNEL : task.id, task == null ? "kernel" : task.name,
                    kind, detail, flow);
        }
    }

    void log(Task task, String text) {
        record(task, TraceEvent.Kind.LOG, text, 0);
        LogLine line = new LogLine(scheduler.now(), task.id, task.name, text);
        for (Consumer<LogLine> l : logListeners) {
            l.accept(line);
        }
    }

    private static long mix(long a, long b) {
        long x = a * 0x9e3779b97f4a7c15L + b;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
