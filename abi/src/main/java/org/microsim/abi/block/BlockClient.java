package org.microsim.abi.block;

import java.time.Duration;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Sys;

/**
 * A {@link BlockDevice} that is a block port reached over IPC: each operation is a {@link BlockRequest} call
 * through the typed {@link Client}, with the caller's array lent as the lease, so the server copies straight
 * into (or out of) it. Every failure is the client's {@link BlockException}: an error reply keeps its
 * {@link BlockError}, a server that is gone is {@link BlockError#DEVICE_GONE}, anything else
 * {@link BlockError#IO_ERROR}.
 *
 * <p>Reads and writes longer than {@link BlockRequest#MAX_TRANSFER} are split into several calls, in order; a
 * failure stops at the failing piece (earlier pieces of a write have then reached the device, as with a real
 * disk). Use it from the owning task's thread only, as {@link Sys} itself.
 */
public final class BlockClient implements LendableBlockDevice {
    private final Client client;
    private final BlockInfo info;

    private BlockClient(Client client, BlockInfo info) {
        this.client = client;
        this.info = info;
    }

    /**
     * Asks the port behind {@code port} for its geometry and returns a client for it.
     *
     * @param timeout how long each call may take
     */
    public static BlockClient open(Sys sys, Handle port, Duration timeout) throws BlockException {
        Client client = Client.of(sys, port, timeout);
        return new BlockClient(client, client.call(new BlockRequest.GetInfo()));
    }

    /** The geometry the device reported when opened. */
    public BlockInfo info() {
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
        client.call(new BlockRequest.Flush());
    }

    /**
     * Sends one request with a lease of the caller's choosing, for a server that passes on a lease it was
     * lent ({@link Lease.Forward}) instead of copying. No splitting and no local checks: the device checks.
     */
    public void forward(BlockRequest<Void> request, Lease lease) throws BlockException {
        client.call(request, lease);
    }

    @Override
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
        int perCall = Math.max(1, BlockRequest.MAX_TRANSFER / info.blockSize());
        for (int done = 0; done < count; ) {
            int n = Math.min(perCall, count - done);
            BlockRequest<Void> request = read ? new BlockRequest.Read(lba + done, n)
                    : new BlockRequest.Write(lba + done, n);
            client.call(request, leases.of(done, n));
            done += n;
        }
    }
}
