package org.microsim.abi.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Sys;

/**
 * An Ethernet port reached over IPC, as a program uses it: {@link EthRequest} calls through the typed {@link
 * Client}, with frames packed into leases ({@link EthFrames}) and batches split to fit. Every failure is an {@link
 * EthException}. Use it from the owning task's thread only, as {@link Sys} itself.
 */
public final class EthClient {
    /**
     * The lease one SEND or RECEIVE lends, in bytes ({@link EthRequest#MAX_LEASE}): 172 full frames at MTU 1500, 29
     * at 9000; the same bytes either way, so bigger frames cost fewer frames, not fewer bytes, per call.
     */
    public static final int LEASE = EthRequest.MAX_LEASE;

    private final Client client;
    private final byte[] inbox = new byte[LEASE];

    private EthClient(Client client) {
        this.client = client;
    }

    /** A client of the port behind {@code port}; each call waits at most {@code timeout}. */
    public static EthClient of(Sys sys, Handle port, Duration timeout) {
        return new EthClient(Client.of(sys, port, timeout));
    }

    /** Frames taken by one RECEIVE, the frames lost before them, and whether more wait. */
    public record Frames(List<byte[]> frames, long dropped, boolean more) {
    }

    public EthInfo info() throws EthException {
        return client.call(new EthRequest.GetInfo());
    }

    /** Asks for events on {@code events} (a send handle the driver takes over), tagged with {@code token}. */
    public void subscribe(Handle events, int token) throws EthException {
        client.call(new EthRequest.Subscribe(token, events));
    }

    /** Sends {@code frames} in as few calls as the lease allows; how many the driver took (it stops at a refusal). */
    public int send(List<byte[]> frames) throws EthException {
        int taken = 0;
        int from = 0;
        while (from < frames.size()) {
            int to = from;
            int bytes = 0;
            while (to < frames.size() && (to == from || bytes + 2 + frames.get(to).length <= LEASE)) {
                bytes += 2 + frames.get(to).length;
                to++;
            }
            List<byte[]> batch = frames.subList(from, to);
            int accepted = client.call(new EthRequest.Send(batch.size()), Lease.readOnly(EthFrames.pack(batch)));
            taken += accepted;
            if (accepted < batch.size()) {
                break;
            }
            from = to;
        }
        return taken;
    }

    /** Takes the frames waiting for this client (subscribe first). */
    public Frames receive() throws EthException {
        EthRequest.Batch b = client.call(new EthRequest.Receive(), Lease.writeOnly(inbox));
        try {
            return new Frames(b.count() == 0 ? List.of() : EthFrames.unpack(inbox, b.bytes(), b.count()), b.dropped(),
                    b.more());
        } catch (MalformedException e) {
            throw new EthException(EthError.IO_ERROR, "the driver's frames do not unpack: " + e.getMessage());
        }
    }

    /** Takes everything waiting, in as many RECEIVEs as it needs. */
    public Frames receiveAll() throws EthException {
        List<byte[]> all = new ArrayList<>();
        long dropped = 0;
        Frames f;
        do {
            f = receive();
            all.addAll(f.frames());
            dropped += f.dropped();
        } while (f.more());
        return new Frames(all, dropped, false);
    }

    /** Sets the port's MTU ({@link EthRequest#MIN_MTU}..{@link EthRequest#MAX_MTU}; the driver refuses others). */
    public void setMtu(int mtu) throws EthException {
        client.call(new EthRequest.SetMtu(mtu));
    }

    /** Sets which frames besides its own and broadcasts the port takes. */
    public void filter(boolean promiscuous, boolean allMulticast, List<Long> groups) throws EthException {
        client.call(new EthRequest.SetFilter(promiscuous, allMulticast, groups));
    }
}
