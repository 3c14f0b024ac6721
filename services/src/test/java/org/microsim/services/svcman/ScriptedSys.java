package org.microsim.services.svcman;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.UnaryOperator;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.StartInfo;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;

/**
 * A one-task stand-in for the kernel, for testing a server loop with bytes alone: incoming messages are
 * scripted at virtual times, the kernel port answers SPAWN with fresh task ids (the next generation for a
 * restart), FIND_TASK from {@link #existing} and everything else with OK, and every kernel request and reply is recorded. Other servers the
 * program looks up by name answer calls through a function ({@link #serve}). When nothing more is scripted and
 * the program would wait forever, {@link Finished} ends the run.
 */
public final class ScriptedSys implements Sys {
    public static final Handle KERNEL = new Handle(0);

    /** Thrown from {@code receive} to end the program when the script is exhausted. */
    public static final class Finished extends RuntimeException {
        Finished() {
            super("script finished");
        }
    }

    private record Scripted(long at, long seq, Received received) {
    }

    private final PriorityQueue<Scripted> script =
            new PriorityQueue<>(Comparator.comparingLong(Scripted::at).thenComparingLong(Scripted::seq));
    private long seq;
    private long now;
    private int nextTask = 2;
    public final List<String> kernelLog = new ArrayList<>();
    /** The tasks FIND_TASK finds, by task name: those a previous service manager left. */
    public final Map<String, KernelRequest.FoundTask> existing = new HashMap<>();
    public final List<Message> replies = new ArrayList<>();
    public final List<Message> sent = new ArrayList<>();
    public final List<String> logs = new ArrayList<>();
    public final List<Handle> closed = new ArrayList<>();
    private int nextHandle = 10;
    private final Map<String, Handle> serverNames = new HashMap<>();
    private final Map<Handle, UnaryOperator<Message>> servers = new HashMap<>();

    /** Lets the program look up {@code name} and answers its calls there with {@code server}. */
    public void serve(String name, UnaryOperator<Message> server) {
        Handle h = new Handle(90 + servers.size());
        serverNames.put(name, h);
        servers.put(h, server);
    }

    /** Delivers {@code message} from {@code sender} at virtual time {@code time}, as a call or a plain send. */
    public void at(long time, TaskId sender, Message message, boolean call) {
        script.add(new Scripted(time, seq++,
                new Received(sender, new Handle(1), message, call ? new ReplyRight(seq) : null, null)));
    }

    @Override
    public TaskId self() {
        return new TaskId(1, 0);
    }

    @Override
    public StartInfo start() {
        // Slot 9 is the tests' init: the task allowed to control the service manager.
        return new StartInfo("svcman", "svcman", List.of(KERNEL), ServiceManagerProgram.args(9));
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public long random() {
        return 4;
    }

    @Override
    public Result<Handle> registerPort(PortInfo info, PortOptions options) {
        return Result.ok(new Handle(1));
    }

    @Override
    public Result<Void> unregisterPort(Handle port) {
        return Result.ok(null);
    }

    @Override
    public Result<Handle> lookup(String name, Duration timeout) {
        Handle h = serverNames.get(name);
        return h == null ? Result.err(ErrorCode.NO_SUCH_PORT, name) : Result.ok(h);
    }

    @Override
    public Result<Void> send(Handle to, Message message) {
        sent.add(message);
        return Result.ok(null);
    }

    @Override
    public Result<Received> receive(Duration timeout, Handle... ports) {
        boolean forever = timeout.compareTo(Duration.ofDays(365)) > 0;
        Scripted next = script.peek();
        if (next == null && forever) {
            throw new Finished();
        }
        if (next != null && (forever || next.at() <= now + timeout.toNanos())) {
            script.poll();
            now = Math.max(now, next.at());
            return Result.ok(next.received());
        }
        now += timeout.toNanos();
        return Result.err(ErrorCode.TIMED_OUT, "timed out");
    }

    @Override
    public Result<Message> call(Handle to, Message message, Duration timeout) {
        if (servers.containsKey(to)) {
            return Result.ok(servers.get(to).apply(message));
        }
        if (!to.equals(KERNEL)) {
            return Result.err(ErrorCode.BAD_HANDLE, "not scripted");
        }
        KernelRequest<?> request;
        try {
            request = KernelRequest.decode(message);
        } catch (MalformedException e) {
            throw new AssertionError(e);
        }
        switch (request) {
            case KernelRequest.Spawn s -> {
                TaskId id = s.restartOf() == null ? new TaskId(nextTask++, 0) : s.restartOf().next();
                kernelLog.add("spawn " + s.taskName() + " " + id + " at " + now / 1_000_000 + "ms"
                        + (message.handles().isEmpty() ? "" : " with " + message.handles()));
                return Result.ok(Replies.ok(new WireWriter().i64(id.pack()).toByteArray()));
            }
            case KernelRequest.Kill k -> kernelLog.add("kill " + k.task());
            case KernelRequest.FindTask f -> {
                kernelLog.add("find " + f.name());
                return Result.ok(KernelRequest.FoundTask.toMessage(existing.get(f.name())));
            }
            case KernelRequest.NameUnavailable u -> kernelLog.add("unavailable " + u.name() + ": " + u.reason());
            default -> kernelLog.add("request " + message.msgId());
        }
        return Result.ok(Replies.ok());
    }

    @Override
    public Result<Void> reply(ReplyRight right, Message message) {
        replies.add(message);
        return Result.ok(null);
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, byte[] dst, int dstOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "no lease");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, byte[] src, int srcOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "no lease");
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, DmaBuffer dst, int dstOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "no lease");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, DmaBuffer src, int srcOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "no lease");
    }

    @Override
    public Result<Handle> duplicate(Handle handle, Rights rights) {
        return Result.ok(new Handle(nextHandle++));
    }

    @Override
    public Result<Void> close(Handle handle) {
        closed.add(handle);
        return Result.ok(null);
    }

    @Override
    public Result<HandleInfo> inspect(Handle handle) {
        return Result.err(ErrorCode.BAD_HANDLE, "not scripted");
    }

    @Override
    public Result<Void> sleep(Duration duration) {
        now += duration.toNanos();
        return Result.ok(null);
    }

    @Override
    public Result<Mmio> mapBar(Handle device, int bar) {
        return Result.err(ErrorCode.DENIED, "no hardware");
    }

    @Override
    public Result<DmaBuffer> allocDma(int size) {
        return Result.err(ErrorCode.DENIED, "no hardware");
    }

    @Override
    public Result<Void> bindIrq(Handle device, Handle port) {
        return Result.err(ErrorCode.DENIED, "no hardware");
    }

    @Override
    public void log(String text) {
        logs.add(text);
    }
}
