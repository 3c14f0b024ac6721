package org.microsim.testkit.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
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
import org.microsim.abi.TaskId;

/**
 * One task's whole world, without a kernel: for testing a program or a handler with bytes alone, on the test's
 * own thread, as a function of the script. The test scripts what arrives (calls and sends at virtual times, with
 * leases over its own arrays) and what the task can reach (start handles and named ports answered by
 * {@link Peer}s); the task runs until it would wait past the end of the script, which ends the run with
 * {@link Finished}; then the test reads what the task did: replies by call, sends, registered ports, closed
 * handles, log lines.
 *
 * <p>Time is virtual and moves only when the task waits: a receive takes the next scripted message when it is
 * due within the timeout (the clock jumps to it) or times out (the clock jumps by the timeout); a sleep moves
 * the clock. A receive without a timeout when nothing more is scripted, or any wait past {@link #endAt}, is the
 * end of the script. No hardware: BARs, DMA and IRQs are refused.
 */
public final class ScriptedSys implements Sys {
    /** The task scripted calls come from unless the test says otherwise. */
    public static final TaskId CLIENT = new TaskId(5, 0);
    /** Where the handles of registered ports and duplicates start, and those of named peers. */
    private static final int FIRST_HANDLE = 10;
    private static final int FIRST_NAMED = 90;

    /** Thrown to end the task's run when it would wait past the end of the script. */
    public static final class Finished extends RuntimeException {
        Finished() {
            super("script finished", null, false, false);
        }
    }

    /** Something the task can call: answers each call with its reply, given the call's lease, if any. */
    @FunctionalInterface
    public interface Peer {
        /** The reply to {@code message}; {@code lease} is the caller's buffer (forwarded leases resolved), or null. */
        Message call(Message message, Lease.Buffer lease);
    }

    private record Scripted(long at, long right, Received received, Lease.Buffer lease) {
    }

    private record Given(PortInfo info, Peer peer) {
    }

    private final String program;
    private final byte[] args;
    private final List<Handle> startHandles = new ArrayList<>();
    private final Map<Handle, Given> peers = new HashMap<>();
    private final Map<String, Handle> names = new HashMap<>();
    private final Map<Handle, Integer> calls = new HashMap<>();
    private final PriorityQueue<Scripted> script =
            new PriorityQueue<>(Comparator.comparingLong(Scripted::at).thenComparingLong(Scripted::right));
    private final Map<Long, Lease.Buffer> leases = new HashMap<>();
    private final Map<Handle, PortInfo> ports = new LinkedHashMap<>();
    private final Map<Long, Message> replies = new LinkedHashMap<>();
    private final List<Message> sent = new ArrayList<>();
    private final List<Handle> closed = new ArrayList<>();
    private final List<String> logs = new ArrayList<>();
    private long now;
    private long end = Long.MAX_VALUE;
    private long nextRight = 1;
    private int nextHandle = FIRST_HANDLE;

    /** The world of a task of {@code program} (its task name too) started with {@code args}. */
    public ScriptedSys(String program, byte[] args) {
        this.program = program;
        this.args = args.clone();
    }

    /** Gives the task its next start handle: to a port {@code info} describes (or null), answered by {@code peer}. */
    public Handle give(PortInfo info, Peer peer) {
        Handle h = new Handle(startHandles.size());
        startHandles.add(h);
        peers.put(h, new Given(info, peer));
        return h;
    }

    /** Lets the task look up {@code name} and answers its calls there with {@code peer}. */
    public Handle serve(String name, Peer peer) {
        Handle h = new Handle(FIRST_NAMED + names.size());
        names.put(name, h);
        peers.put(h, new Given(null, peer));
        return h;
    }

    /** Ends the script at virtual time {@code nanos}: a wait past it ends the run. */
    public void endAt(long nanos) {
        end = nanos;
    }

    /**
     * Delivers {@code message} from {@code sender} to the task's first port at virtual time {@code at}, as a call
     * when {@code call}; returns the id of the call's reply right.
     */
    public long at(long at, TaskId sender, Message message, boolean call) {
        return script(at, sender, null, message, call, null);
    }

    /** Scripts a call to {@code port} from {@link #CLIENT} now, lending {@code lease} (or null); returns its right. */
    public long script(Handle port, Message message, Lease.Buffer lease) {
        return script(now, CLIENT, port, message, true, lease);
    }

    private long script(long at, TaskId sender, Handle port, Message message, boolean call, Lease.Buffer lease) {
        long right = nextRight++;
        LeaseInfo info = lease == null ? null : new LeaseInfo(lease.length(), lease.readable(), lease.writable());
        script.add(new Scripted(at, right, new Received(sender, port, message, call ? new ReplyRight(right) : null,
                info), lease));
        return right;
    }

    /** The reply to the scripted call with right {@code right}, or null when it was not answered. */
    public Message reply(long right) {
        return replies.get(right);
    }

    /** Every reply, in the order the task gave them. */
    public List<Message> replies() {
        return List.copyOf(replies.values());
    }

    /** What the task sent (not called), in order. */
    public List<Message> sent() {
        return List.copyOf(sent);
    }

    /** The ports the task has registered now, in order of registration. */
    public Map<Handle, PortInfo> ports() {
        return new LinkedHashMap<>(ports);
    }

    /** The task's handle to its registered port named {@code name}. */
    public Handle port(String name) {
        return ports.entrySet().stream().filter(e -> e.getValue().name().equals(name)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no port " + name + " in " + ports.values()));
    }

    /** Handles the task closed, in order. */
    public List<Handle> closed() {
        return List.copyOf(closed);
    }

    /** Lines the task logged, in order. */
    public List<String> logs() {
        return List.copyOf(logs);
    }

    /** How many of the task's calls reached the peer at {@code handle} (a call with a bad lease does not). */
    public int callsTo(Handle handle) {
        return calls.getOrDefault(handle, 0);
    }

    @Override
    public TaskId self() {
        return new TaskId(1, 0);
    }

    @Override
    public StartInfo start() {
        return new StartInfo(program, program, startHandles, args);
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
        Handle h = new Handle(nextHandle++);
        ports.put(h, info);
        return Result.ok(h);
    }

    @Override
    public Result<Void> unregisterPort(Handle port) {
        return ports.remove(port) == null ? Result.err(ErrorCode.BAD_HANDLE, "no port") : Result.ok(null);
    }

    @Override
    public Result<Handle> lookup(String name, Duration timeout) {
        Handle h = names.get(name);
        return h == null ? Result.err(ErrorCode.NO_SUCH_PORT, name) : Result.ok(h);
    }

    @Override
    public Result<Void> send(Handle to, Message message) {
        sent.add(message);
        return Result.ok(null);
    }

    @Override
    public Result<Received> receive(Duration timeout, Handle... from) {
        boolean forever = timeout.compareTo(Duration.ofDays(365)) > 0;
        Scripted next = script.peek();
        if (next != null && (forever || next.at() <= now + timeout.toNanos())) {
            script.poll();
            waitUntil(Math.max(now, next.at()));
            if (next.lease() != null) {
                leases.put(next.right(), next.lease());
            }
            Received r = next.received();
            Handle port = r.port() != null ? r.port() : ports.keySet().stream().findFirst().orElse(new Handle(-1));
            return Result.ok(new Received(r.sender(), port, r.message(), r.replyRight(), r.lease()));
        }
        if (forever) {
            throw new Finished();
        }
        waitUntil(now + timeout.toNanos());
        return Result.err(ErrorCode.TIMED_OUT, "timed out");
    }

    private void waitUntil(long time) {
        if (time > end) {
            throw new Finished();
        }
        now = time;
    }

    @Override
    public Result<Message> call(Handle to, Message message, Duration timeout) {
        Given given = peers.get(to);
        if (given == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "not scripted: " + to);
        }
        Lease.Buffer lease = resolve(message.lease());
        if (lease == null && message.lease() != null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "bad lease " + message.lease());
        }
        calls.merge(to, 1, Integer::sum);
        return Result.ok(given.peer().call(message, lease));
    }

    /** A lease as the memory it stands for: a forwarded one is a window of a scripted call's buffer. */
    private Lease.Buffer resolve(Lease lease) {
        return switch (lease) {
            case null -> null;
            case Lease.Buffer b -> b;
            case Lease.Forward f -> {
                Lease.Buffer from = leases.get(f.from().id());
                if (from == null || f.offset() < 0 || f.offset() + f.length() > from.length()
                        || (f.readable() && !from.readable()) || (f.writable() && !from.writable())) {
                    yield null;
                }
                yield new Lease.Buffer(from.buffer(), from.offset() + (int) f.offset(), (int) f.length(),
                        f.readable(), f.writable());
            }
        };
    }

    @Override
    public Result<Void> reply(ReplyRight right, Message message) {
        leases.remove(right.id());
        return replies.putIfAbsent(right.id(), message) == null ? Result.ok(null)
                : Result.err(ErrorCode.NO_CALLER, "replied twice");
    }

    /** The window of a held call's lease, if the copy fits and the right is there. */
    private Lease.Buffer window(ReplyRight right, long offset, int length, boolean write) {
        Lease.Buffer lease = leases.get(right.id());
        boolean allowed = lease != null && (write ? lease.writable() : lease.readable());
        return allowed && offset >= 0 && length >= 0 && offset + length <= lease.length() ? lease : null;
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, byte[] dst, int dstOffset, int length) {
        Lease.Buffer lease = window(right, leaseOffset, length, false);
        if (lease == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "lease read refused");
        }
        System.arraycopy(lease.buffer(), lease.offset() + (int) leaseOffset, dst, dstOffset, length);
        return Result.ok(length);
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, byte[] src, int srcOffset, int length) {
        Lease.Buffer lease = window(right, leaseOffset, length, true);
        if (lease == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "lease write refused");
        }
        System.arraycopy(src, srcOffset, lease.buffer(), lease.offset() + (int) leaseOffset, length);
        return Result.ok(length);
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, DmaBuffer dst, int dstOffset, int length) {
        return Result.err(ErrorCode.DENIED, "no DMA without hardware");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, DmaBuffer src, int srcOffset, int length) {
        return Result.err(ErrorCode.DENIED, "no DMA without hardware");
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
        Given given = peers.get(handle);
        if (given == null || given.info() == null) {
            return Result.err(ErrorCode.BAD_HANDLE, "not scripted: " + handle);
        }
        return Result.ok(new HandleInfo(given.info().name(), 100 + handle.slot(), 1, null, given.info(), true));
    }

    @Override
    public Result<Void> sleep(Duration duration) {
        waitUntil(now + duration.toNanos());
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
