package org.microsim.kernel;

import java.time.Duration;
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
import org.microsim.abi.TaskId;

/**
 * One task's system-call interface. Each call checks that it comes from the task's own thread, does its work in
 * {@link Ipc} (send, receive, call, reply: lock-free on the fast path, locked otherwise) or under the kernel lock
 * in the part of the kernel it concerns ({@link PortTable}, {@link Names}, {@link Leases}, {@link HandleTable},
 * {@link Devices}), and passes through the scheduler's switch point on the way out: that is where the
 * deterministic scheduler may run another task. A killed task's next system call unwinds it. Which calls take
 * the lock and which are switch points is tabled in {@link Sys}.
 */
final class TaskSys implements Sys {
    /** Durations at least this long mean "no deadline". */
    private static final long FOREVER_SECONDS = 1L << 40;

    private final Kernel k;
    private final Task t;

    TaskSys(Kernel kernel, Task task) {
        this.k = kernel;
        this.t = task;
    }

    /** Runs {@code op} as a system call, under the kernel lock. */
    private <T> Result<T> sys(Supplier<Result<T>> op) {
        return lockFree(() -> k.scheduler.locked(t, op));
    }

    /**
     * Runs {@code op} as a system call that takes the kernel lock itself, only where it needs it: send, call,
     * reply and the receives, whose plain messages pass through lock-free queues (see {@link FastPath}).
     */
    private <T> Result<T> lockFree(Supplier<Result<T>> op) {
        if (Thread.currentThread() != t.thread) {
            return Result.err(ErrorCode.DENIED, "system call from a thread that is not task " + t.name + "'s");
        }
        if (t.killed) {
            throw new TaskKilled();
        }
        if (t.fault != 0) {
            k.taskFaults.enter(t);
        }
        Result<T> r = op.get();
        k.scheduler.switchPoint(t);
        if (t.fault == TaskFaults.HANG) {
            k.taskFaults.enter(t); // a task hung while it waited never sees what it waited for
        }
        if (t.killed) {
            throw new TaskKilled();
        }
        return r;
    }

    /** Why a timeout cannot be used, or null when it can. */
    static SysError badTimeout(Duration timeout) {
        if (timeout == null) {
            return SysError.of(ErrorCode.INVALID_ARGUMENT, "timeout is null");
        }
        if (timeout.isNegative()) {
            return SysError.of(ErrorCode.INVALID_ARGUMENT, "timeout is negative: " + timeout);
        }
        return null;
    }

    /**
     * The absolute deadline for a timeout {@link #badTimeout} accepted; Long.MAX_VALUE for none. A plain long,
     * not a Result: the blocking calls are the hot ones, and a boxed deadline would be garbage on every call.
     */
    static long deadline(Scheduler clock, Duration timeout) {
        if (timeout.getSeconds() >= FOREVER_SECONDS) {
            return Long.MAX_VALUE;
        }
        long now = clock.now();
        long nanos = timeout.toNanos();
        return now > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : now + nanos;
    }

    private long deadline(Duration timeout) {
        return deadline(k.scheduler, timeout);
    }

    @Override
    public TaskId self() {
        return t.id;
    }

    @Override
    public StartInfo start() {
        return t.start;
    }

    @Override
    public long now() {
        return k.scheduler.now();
    }

    @Override
    public long random() {
        return t.random.nextLong();
    }

    @Override
    public Result<Handle> registerPort(PortInfo info, PortOptions options) {
        return sys(() -> {
            if (info == null || options == null) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "PortInfo and options are required");
            }
            if (options.queueCapacity() < 1 || options.queueCapacity() > PortOptions.MAX_CAPACITY) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "queue capacity must be 1 to " + PortOptions.MAX_CAPACITY);
            }
            return k.ports.register(t, info, options.queueCapacity(), options.publicName())
                    .map(p -> new Handle(t.handles.add(new HandleTable.Entry(p, Rights.ALL))));
        });
    }

    @Override
    public Result<Void> unregisterPort(Handle port) {
        return sys(() -> {
            HandleTable.Entry e = port == null ? null : t.handles.get(port.slot());
            if (e == null) {
                return Result.err(ErrorCode.BAD_HANDLE, "no handle " + port);
            }
            if (e.port().owner != t) {
                return Result.err(ErrorCode.DENIED, "port " + e.port().name() + " is not this task's");
            }
            if (e.port().closed) {
                return Result.err(ErrorCode.NO_SUCH_PORT, "port " + e.port().name() + " is already unregistered");
            }
            k.ports.close(e.port(), true);
            return Result.ok(null);
        });
    }

    @Override
    public Result<Handle> lookup(String name, Duration timeout) {
        return sys(() -> {
            SysError bad = badTimeout(timeout);
            return bad != null ? Result.err(bad) : k.names.lookup(t, name, deadline(timeout), !timeout.isZero());
        });
    }

    @Override
    public Result<Void> send(Handle to, Message message) {
        return lockFree(() -> k.ipc.send(t, to, message));
    }

    @Override
    public Result<Received> receive(Duration timeout, Handle... ports) {
        return lockFree(() -> {
            SysError bad = badTimeout(timeout);
            return bad != null ? Result.err(bad) : k.ipc.receive(t, deadline(timeout), ports);
        });
    }

    @Override
    public Result<Message> call(Handle to, Message message, Duration timeout) {
        return lockFree(() -> {
            SysError bad = badTimeout(timeout);
            return bad != null ? Result.err(bad) : k.ipc.call(t, to, message, deadline(timeout));
        });
    }

    @Override
    public Result<Void> reply(ReplyRight right, Message message) {
        return lockFree(() -> k.ipc.reply(t, right, message));
    }

    @Override
    public Result<Received> replyAndReceive(ReplyRight right, Message reply, Duration timeout, Handle... ports) {
        return lockFree(() -> {
            SysError bad = badTimeout(timeout);
            return bad != null ? Result.err(bad) : k.ipc.replyAndReceive(t, right, reply, deadline(timeout), ports);
        });
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, byte[] dst, int dstOffset, int length) {
        return sys(() -> Leases.read(t, right, leaseOffset, dst, dstOffset, length));
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, byte[] src, int srcOffset, int length) {
        return sys(() -> Leases.write(t, right, leaseOffset, src, srcOffset, length));
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, DmaBuffer dst, int dstOffset, int length) {
        return sys(() -> Leases.read(t, right, leaseOffset, dst, dstOffset, length));
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, DmaBuffer src, int srcOffset, int length) {
        return sys(() -> Leases.write(t, right, leaseOffset, src, srcOffset, length));
    }

    @Override
    public Result<Handle> duplicate(Handle handle, Rights rights) {
        return sys(() -> t.handles.duplicate(handle, rights));
    }

    @Override
    public Result<Void> close(Handle handle) {
        return sys(() -> t.handles.close(handle));
    }

    @Override
    public Result<HandleInfo> inspect(Handle handle) {
        return sys(() -> t.handles.inspect(handle));
    }

    @Override
    public Result<Void> sleep(Duration duration) {
        return sys(() -> {
            SysError bad = badTimeout(duration);
            if (bad != null) {
                return Result.err(bad);
            }
            long deadline = deadline(duration);
            if (deadline == Long.MAX_VALUE) {
                return Result.err(ErrorCode.INVALID_ARGUMENT, "sleep needs a finite duration");
            }
            while (k.scheduler.now() < deadline) {
                k.scheduler.await(t, deadline, "sleep");
            }
            return Ipc.DONE;
        });
    }

    @Override
    public Result<Mmio> mapBar(Handle device, int bar) {
        return sys(() -> k.devices.mapBar(t, device, bar));
    }

    @Override
    public Result<DmaBuffer> allocDma(int size) {
        return sys(() -> k.devices.allocDma(t, size));
    }

    @Override
    public Result<Void> bindIrq(Handle device, Handle port) {
        return sys(() -> k.devices.bindIrq(t, device, port));
    }

    @Override
    public void log(String text) {
        k.log(t, text);
    }
}
