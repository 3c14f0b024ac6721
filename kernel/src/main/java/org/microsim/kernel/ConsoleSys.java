package org.microsim.kernel;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.StartInfo;
import org.microsim.abi.Sys;
import org.microsim.abi.SysError;
import org.microsim.abi.SysException;
import org.microsim.abi.TaskId;

/**
 * The console's system calls: the person at the keyboard, or a scenario, as an IPC client of the tasks.
 *
 * <h2>A pseudo-task</h2>
 * The console is a task without a thread ({@link TaskId#CONSOLE}, not in any slot): it has a handle table, and
 * its calls go through the very code a task's do ({@link Names#lookup}, {@link Ipc#call}), on the harness's
 * thread. Where a task would block, the kernel cannot park the harness and wait for someone else to run the
 * system: the console runs it itself ({@link Scheduler#block}), settling it and letting virtual time advance
 * when it is quiet, until the console is woken or its deadline passes.
 *
 * <pre>
 *   harness thread ── console().call(h, msg, t) ──▶ Ipc.call (as task CONSOLE) ──▶ server's port
 *        ▲                                                   │ no answer yet: block ─▶ settle / advance ─┐
 *        └──────────────── the reply, or TIMED_OUT ◀──── woken by the reply, or the deadline ◀───────────┘
 * </pre>
 *
 * <h2>A client, and nothing else</h2>
 * It looks up public task ports (as a task would), calls them (lending a buffer if it likes, sending no
 * handles: it has none worth sending), sends to them, closes and inspects its handles, reads the clock and
 * logs. It owns no port, so it never receives or replies, holds no lease, and has no hardware; those calls,
 * and sleep and duplicate, answer DENIED. It is used from the harness's thread, one call at a time, never from
 * a task's thread (a task that got hold of it is refused: DENIED).
 */
final class ConsoleSys implements Sys {
    private static final StartInfo START = new StartInfo("console", "console", List.of(), new byte[0]);

    private final Kernel k;
    private final Task self = new Task(TaskId.CONSOLE, "console", null, 0);

    ConsoleSys(Kernel kernel) {
        this.k = kernel;
    }

    /** Runs {@code op} for the console, or refuses a task's thread. {@code op} takes the kernel lock itself. */
    private <T> Result<T> fromHarness(Supplier<Result<T>> op) {
        k.scheduler.enter();
        try {
            if (k.tasks.isTaskThread(Thread.currentThread())) {
                return Result.err(ErrorCode.DENIED, "the console is the harness's: a task cannot use it");
            }
        } finally {
            k.scheduler.exit();
        }
        return op.get();
    }

    private static <T> Result<T> denied(String what) {
        return Result.err(ErrorCode.DENIED, "the console cannot " + what);
    }

    /** A message the console may send: no handles; a lease, only with a call. */
    private Result<Void> checkOutgoing(Handle to, Message m) {
        if (m != null && !m.handles().isEmpty()) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "the console sends no handles");
        }
        HandleTable.Entry e = to == null ? null : self.handles.get(to.slot());
        // A handle to another kind of port can come with a reply; the console talks to public task ports only.
        if (e != null && (e.port().kind != Port.Kind.TASK || !e.port().publicName)) {
            return Result.err(ErrorCode.DENIED, "the console talks to public task ports only, not "
                    + e.port().name());
        }
        return Ipc.DONE;
    }

    @Override
    public TaskId self() {
        return TaskId.CONSOLE;
    }

    @Override
    public StartInfo start() {
        return START;
    }

    @Override
    public long now() {
        return k.scheduler.now();
    }

    /** The console has no random stream: everything random in a run comes from the tasks' seeded streams. */
    @Override
    public long random() {
        throw new SysException(SysError.of(ErrorCode.DENIED, "the console has no random stream"));
    }

    @Override
    public Result<Handle> lookup(String name, Duration timeout) {
        return fromHarness(() -> {
            SysError bad = TaskSys.badTimeout(timeout);
            return bad != null ? Result.err(bad) : k.scheduler.locked(self, () -> k.names.lookup(self, name,
                    TaskSys.deadline(k.scheduler, timeout), !timeout.isZero()));
        });
    }

    @Override
    public Result<Void> send(Handle to, Message message) {
        return fromHarness(() -> {
            Result<Void> checked = checkOutgoing(to, message);
            return checked.isOk() ? k.ipc.send(self, to, message) : checked;
        });
    }

    /** Calls a public task port, lending a buffer if the message carries a {@link org.microsim.abi.Lease}. */
    @Override
    public Result<Message> call(Handle to, Message message, Duration timeout) {
        return fromHarness(() -> {
            SysError bad = TaskSys.badTimeout(timeout);
            Result<Void> checked = checkOutgoing(to, message);
            if (bad != null || !checked.isOk()) {
                return Result.err(bad != null ? bad : checked.errorOrNull());
            }
            return k.ipc.call(self, to, message, TaskSys.deadline(k.scheduler, timeout));
        });
    }

    @Override
    public Result<Void> close(Handle handle) {
        return fromHarness(() -> k.scheduler.locked(self, () -> self.handles.close(handle)));
    }

    @Override
    public Result<HandleInfo> inspect(Handle handle) {
        return fromHarness(() -> k.scheduler.locked(self, () -> self.handles.inspect(handle)));
    }

    /** Logs a line as the console; a task's thread is refused (there is no Result to say so: it throws). */
    @Override
    public void log(String text) {
        fromHarness(() -> {
            k.log(self, text);
            return Ipc.DONE;
        }).orThrow();
    }

    @Override
    public Result<Handle> registerPort(PortInfo info, PortOptions options) {
        return denied("register a port: it serves nothing");
    }

    @Override
    public Result<Void> unregisterPort(Handle port) {
        return denied("unregister a port: it owns none");
    }

    @Override
    public Result<Received> receive(Duration timeout, Handle... ports) {
        return denied("receive: it owns no port");
    }

    @Override
    public Result<Void> reply(ReplyRight right, Message message) {
        return denied("reply: it receives no calls");
    }

    @Override
    public Result<Received> replyAndReceive(ReplyRight right, Message reply, Duration timeout, Handle... ports) {
        return denied("reply and receive: it receives no calls");
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, byte[] dst, int dstOffset, int length) {
        return denied("read a lease: it receives no calls");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, byte[] src, int srcOffset, int length) {
        return denied("write a lease: it receives no calls");
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, DmaBuffer dst, int dstOffset, int length) {
        return denied("read a lease: it receives no calls");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, DmaBuffer src, int srcOffset, int length) {
        return denied("write a lease: it receives no calls");
    }

    @Override
    public Result<Handle> duplicate(Handle handle, Rights rights) {
        return denied("duplicate a handle: it passes no handles on");
    }

    @Override
    public Result<Void> sleep(Duration duration) {
        return denied("sleep: the harness waits with Kernel.advance");
    }

    @Override
    public Result<Mmio> mapBar(Handle device, int bar) {
        return denied("map a BAR: it drives no hardware");
    }

    @Override
    public Result<DmaBuffer> allocDma(int size) {
        return denied("allocate DMA memory: it drives no hardware");
    }

    @Override
    public Result<Void> bindIrq(Handle device, Handle port) {
        return denied("bind an interrupt: it drives no hardware");
    }
}
