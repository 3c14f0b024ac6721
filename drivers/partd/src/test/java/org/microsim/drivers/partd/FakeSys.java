package org.microsim.drivers.partd;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Lease;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortClass;
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
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockInfo;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;
import org.microsim.testkit.task.MemoryDisk;

/**
 * Just enough kernel for one task on one thread, with no kernel: start handle 0 is a disk served from a
 * {@link MemoryDisk} by a tiny block server that honours leases (forwarded ones included, resolved to the
 * scripted caller's buffer); {@link #receive} hands out scripted calls and, when they run out, ends the task
 * with {@link ScriptDone}. Replies, registered ports, closed handles and log lines are recorded for the test
 * to check.
 */
final class FakeSys implements Sys {
    static final String DISK = "00:1f.2:ahci:0";
    static final Handle DISK_HANDLE = new Handle(0);
    /** The task every scripted call comes from. */
    static final TaskId CLIENT = new TaskId(5, 0);

    /** Thrown from {@link #receive} when every scripted call was delivered: how a test stops a server loop. */
    static final class ScriptDone extends RuntimeException {
        ScriptDone() {
            super("script done");
        }
    }

    private record Call(Handle port, Message message, Lease.Buffer lease) {
    }

    final MemoryDisk disk;
    final Map<Handle, PortInfo> ports = new LinkedHashMap<>();
    final Map<Long, Message> replies = new HashMap<>();
    final List<String> log = new ArrayList<>();
    final List<Handle> closed = new ArrayList<>();
    int diskCalls;
    private final Deque<Call> script = new ArrayDeque<>();
    private final Map<Long, Lease.Buffer> leases = new HashMap<>();
    private long nextRight = 1;
    private int nextHandle = 10;

    FakeSys(MemoryDisk disk) {
        this.disk = disk;
    }

    /** Queues a call to {@code port} and returns the id of its reply right. */
    long script(Handle port, Message message, Lease.Buffer lease) {
        script.add(new Call(port, message, lease));
        return nextRight + script.size() - 1;
    }

    Handle port(String name) {
        return ports.entrySet().stream().filter(e -> e.getValue().name().equals(name)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    @Override
    public TaskId self() {
        return null;
    }

    @Override
    public StartInfo start() {
        return new StartInfo("partd", "partd", List.of(DISK_HANDLE), new byte[0]);
    }

    @Override
    public long now() {
        return 0;
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
        return Result.err(ErrorCode.NO_SUCH_PORT, name);
    }

    @Override
    public Result<Void> send(Handle to, Message message) {
        return Result.err(ErrorCode.NO_SUCH_PORT, "nobody listens");
    }

    @Override
    public Result<Received> receive(Duration timeout, Handle... from) {
        Call c = script.poll();
        if (c == null) {
            throw new ScriptDone();
        }
        long right = nextRight++;
        LeaseInfo info = null;
        if (c.lease() != null) {
            leases.put(right, c.lease());
            info = new LeaseInfo(c.lease().length(), c.lease().readable(), c.lease().writable());
        }
        return Result.ok(new Received(CLIENT, c.port(), c.message(), new ReplyRight(right), info));
    }

    @Override
    public Result<Message> call(Handle to, Message message, Duration timeout) {
        if (!to.equals(DISK_HANDLE)) {
            return Result.err(ErrorCode.BAD_HANDLE, to.toString());
        }
        diskCalls++;
        try {
            return Result.ok(serveDisk(message));
        } catch (MalformedException e) {
            return Result.ok(Replies.error(BlockError.INVALID_REQUEST.code(), e.getMessage()));
        } catch (BlockException e) {
            return Result.ok(Replies.error(e));
        }
    }

    /** A disk server as ahci would be, over the memory disk. */
    private Message serveDisk(Message message) throws MalformedException, BlockException {
        BlockInfo info = new BlockInfo(disk.blockSize(), disk.blockCount(), false);
        Lease.Buffer lease = resolve(message.lease());
        BlockRequest<?> request = BlockRequest.decode(message);
        BlockRequestCheck.check(request, info,
                lease == null ? null : new LeaseInfo(lease.length(), lease.readable(), lease.writable()));
        switch (request) {
            case BlockRequest.GetInfo g -> {
                return info.toMessage();
            }
            case BlockRequest.Read r -> disk.read(r.lba(), r.count(), lease.buffer(), lease.offset());
            case BlockRequest.Write w -> disk.write(w.lba(), w.count(), lease.buffer(), lease.offset());
            case BlockRequest.Flush f -> disk.flush();
        }
        return Replies.ok();
    }

    /** A forwarded lease as the memory it stands for: a window of the caller's buffer, rights only narrowed. */
    private Lease.Buffer resolve(Lease lease) throws BlockException {
        return switch (lease) {
            case null -> null;
            case Lease.Buffer b -> b;
            case Lease.Forward f -> {
                Lease.Buffer from = leases.get(f.from().id());
                if (from == null || f.offset() < 0 || f.offset() + f.length() > from.length()
                        || (f.readable() && !from.readable()) || (f.writable() && !from.writable())) {
                    throw new BlockException(BlockError.INVALID_REQUEST, "bad forwarded lease " + f);
                }
                yield new Lease.Buffer(from.buffer(), from.offset() + (int) f.offset(), (int) f.length(), f.readable(),
                        f.writable());
            }
        };
    }

    @Override
    public Result<Void> reply(ReplyRight right, Message message) {
        leases.remove(right.id());
        return replies.putIfAbsent(right.id(), message) == null ? Result.ok(null)
                : Result.err(ErrorCode.NO_CALLER, "replied twice");
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, byte[] dst, int dstOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "not used by partd");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, byte[] src, int srcOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "not used by partd");
    }

    @Override
    public Result<Integer> leaseRead(ReplyRight right, long leaseOffset, DmaBuffer dst, int dstOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "not used by partd");
    }

    @Override
    public Result<Integer> leaseWrite(ReplyRight right, long leaseOffset, DmaBuffer src, int srcOffset, int length) {
        return Result.err(ErrorCode.INVALID_ARGUMENT, "not used by partd");
    }

    @Override
    public Result<Handle> duplicate(Handle handle, Rights rights) {
        return Result.err(ErrorCode.DENIED, "not used by partd");
    }

    @Override
    public Result<Void> close(Handle handle) {
        closed.add(handle);
        return Result.ok(null);
    }

    @Override
    public Result<HandleInfo> inspect(Handle handle) {
        if (!handle.equals(DISK_HANDLE)) {
            return Result.err(ErrorCode.BAD_HANDLE, handle.toString());
        }
        return Result.ok(new HandleInfo(DISK, 7, 1, null, PortInfo.of(DISK, PortClass.BLOCK, 0), true));
    }

    /** Thrown by {@link #sleep}: partd sleeps only when it has nothing to serve, so a test stops it there. */
    static final class Idle extends RuntimeException {
        Idle() {
            super("partd went idle", null, false, false);
        }
    }

    @Override
    public Result<Void> sleep(Duration duration) {
        throw new Idle();
    }

    @Override
    public Result<Mmio> mapBar(Handle device, int bar) {
        return Result.err(ErrorCode.DENIED, "no devices");
    }

    @Override
    public Result<DmaBuffer> allocDma(int size) {
        return Result.err(ErrorCode.UNAVAILABLE, "no DMA");
    }

    @Override
    public Result<Void> bindIrq(Handle device, Handle port) {
        return Result.err(ErrorCode.DENIED, "no devices");
    }

    @Override
    public void log(String text) {
        log.add(text);
    }
}
