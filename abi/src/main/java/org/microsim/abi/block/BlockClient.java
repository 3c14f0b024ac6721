package org.microsim.abi.block;

import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;
import org.microsim.abi.SysError;
import org.microsim.abi.Sys;

/**
 * A {@link BlockDevice} that is a block port reached over IPC: each operation is a {@link BlockProtocol}
 * call through {@link Sys#call}, with the caller's array lent as the lease, so the server copies straight
 * into (or out of) it.
 *
 * <p>Every way a call can fail becomes a {@link BlockException}: an error reply keeps its
 * {@link BlockError}; a port whose server died or vanished is {@link BlockError#DEVICE_GONE}; a timeout, a
 * refused call or a reply that does not decode is {@link BlockError#IO_ERROR}. Reads and writes longer than
 * {@link BlockProtocol#MAX_TRANSFER} are split into several calls, in order; a failure stops at the failing
 * piece (earlier pieces of a write have then reached the device, as with a real disk).
 *
 * <p>Use it from the owning task's thread only, as {@link Sys} itself.
 */
public final class BlockClient implements BlockDevice {
    private final Sys sys;
    private final Handle port;
    private final Duration timeout;
    private final BlockProtocol.Info info;

    private BlockClient(Sys sys, Handle port, Duration timeout, BlockProtocol.Info info) {
        this.sys = sys;
        this.port = port;
        this.timeout = timeout;
        this.info = info;
    }

    /**
     * Asks the port behind {@code port} for its geometry and returns a client for it.
     *
     * @param timeout how long each call may take
     */
    public static BlockClient open(Sys sys, Handle port, Duration timeout) throws BlockException {
        Message reply = call(sys, port, new BlockProtocol.GetInfo(), null, timeout);
        try {
            return new BlockClient(sys, port, timeout, BlockProtocol.Info.decode(reply.data()));
        } catch (MalformedException e) {
            throw new BlockException(BlockError.IO_ERROR, "bad GET_INFO reply: " + e.getMessage());
        }
    }

    /** The geometry the device reported when opened. */
    public BlockProtocol.Info info() {
        return info;
    }

    @Override
    public int blockSize() {
        return info.blockSize();
    }

    @Override
    public long blockCount() {
        return info.blockCount();
    }

    @Override
    public boolean readOnly() {
        return info.readOnly();
    }

    @Override
    public void read(long lba, int count, byte[] dst, int offset) throws BlockException {
        transfer(lba, count, dst, offset, true);
    }

    @Override
    public void write(long lba, int count, byte[] src, int offset) throws BlockException {
        transfer(lba, count, src, offset, false);
    }

    @Override
    public void flush() throws BlockException {
        call(sys, port, new BlockProtocol.Flush(), null, timeout);
    }

    /**
     * Sends one request with a lease of the caller's choosing, for a server that passes on a lease it was
     * lent ({@link Lease.Forward}) instead of copying. No splitting and no local checks: the device checks.
     */
    public void forward(BlockProtocol.Request request, Lease lease) throws BlockException {
        call(sys, port, request, lease, timeout);
    }

    /**
     * Moves {@code count} blocks at {@code lba} between the device and a window of the lease of a call this
     * task holds, lending the window on ({@link Lease.Forward}) instead of copying it here: the device copies
     * straight to or from the original caller's memory. Split like {@link #read} and {@link #write}.
     *
     * @param right       the held call whose lease is lent
     * @param leaseOffset where in that lease the window starts
     * @param read        true to read from the device into the lease, false to write the lease to the device
     */
    public void lend(long lba, int count, ReplyRight right, long leaseOffset, boolean read) throws BlockException {
        int size = info.blockSize();
        split(lba, count, read, (done, n) -> new Lease.Forward(right, leaseOffset + (long) done * size,
                (long) n * size, !read, read));
    }

    private void transfer(long lba, int count, byte[] buffer, int offset, boolean read) throws BlockException {
        int size = info.blockSize();
        BlockRequestCheck.buffer(count, size, buffer.length, offset);
        split(lba, count, read, (done, n) -> new Lease.Buffer(buffer, offset + done * size, n * size, !read, read));
    }

    /** The lease for the piece of {@code n} blocks that starts {@code done} blocks into a transfer. */
    @FunctionalInterface
    private interface PieceLease {
        Lease of(int done, int n);
    }

    /** Sends a read or write of {@code count} blocks as calls of at most MAX_TRANSFER bytes, in order. */
    private void split(long lba, int count, boolean read, PieceLease leases) throws BlockException {
        int perCall = Math.max(1, BlockProtocol.MAX_TRANSFER / info.blockSize());
        for (int done = 0; done < count; ) {
            int n = Math.min(perCall, count - done);
            BlockProtocol.Request request = read ? new BlockProtocol.Read(lba + done, n)
                    : new BlockProtocol.Write(lba + done, n);
            call(sys, port, request, leases.of(done, n), timeout);
            done += n;
        }
    }

    private static Message call(Sys sys, Handle port, BlockProtocol.Request request, Lease lease, Duration timeout)
            throws BlockException {
        Message reply = switch (sys.call(port, request.toMessage().withLease(lease), timeout)) {
            case Result.Ok<Message> ok -> ok.value();
            case Result.Err<Message> err -> throw fromSysError(err.error());
        };
        Replies.Failure failure;
        try {
            failure = Replies.failure(reply);
        } catch (MalformedException e) {
            throw new BlockException(BlockError.IO_ERROR, "bad block reply: " + e.getMessage());
        }
        if (failure != null) {
            throw fromFailure(failure);
        }
        return reply;
    }

    private static BlockException fromFailure(Replies.Failure failure) {
        try {
            return new BlockException(BlockError.fromCode(failure.code()), failure.detail());
        } catch (MalformedException e) {
            return new BlockException(BlockError.IO_ERROR, e.getMessage() + ": " + failure.detail());
        }
    }

    private static BlockException fromSysError(SysError error) {
        BlockError code = switch (error.code()) {
            case PEER_DIED, NO_SUCH_PORT, BAD_HANDLE -> BlockError.DEVICE_GONE;
            default -> BlockError.IO_ERROR;
        };
        return new BlockException(code, "block call failed: " + error);
    }
}
