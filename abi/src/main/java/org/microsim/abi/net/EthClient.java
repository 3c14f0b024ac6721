package org.microsim.abi.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    /**
     * The leases RECEIVE fills, reused call after call: one per batch that {@link #receiveAll(EthFrames.Sink)}
     * takes before it hands the frames out (more only while the driver says more wait), so frames reach the caller
     * as views, never copied.
     */
    private final List<byte[]> inboxes = new ArrayList<>(List.of(new byte[LEASE]));
    /** The lease SEND lends, reused: the driver only reads it during the call. */
    private final byte[] outbox = new byte[LEASE];

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
            int used = EthFrames.packInto(batch, outbox);
            int accepted = client.call(new EthRequest.Send(batch.size()),
                    new Lease.Buffer(outbox, 0, used, true, false));
            taken += accepted;
            if (accepted < batch.size()) {
                break;
            }
            from = to;
        }
        return taken;
    }

    /** Takes the frames waiting for this client (subscribe first), each a copy the caller owns. */
    public Frames receive() throws EthException {
        List<byte[]> frames = new ArrayList<>();
        EthRequest.Batch b = receiveInto(inboxes.get(0));
        unpack(inboxes.get(0), b, (buffer, offset, length) -> frames.add(Arrays.copyOfRange(buffer, offset,
                offset + length)));
        return new Frames(frames, b.dropped(), b.more());
    }

    /** Takes everything waiting, in as many RECEIVEs as it needs, each frame a copy the caller owns. */
    public Frames receiveAll() throws EthException {
        List<byte[]> all = new ArrayList<>();
        long dropped = receiveAll((buffer, offset, length) -> all.add(Arrays.copyOfRange(buffer, offset,
                offset + length)));
        return new Frames(all, dropped, false);
    }

    /**
     * Takes everything waiting, in as many RECEIVEs as it needs, and then hands every frame, in order, to {@code
     * sink} as a view into this client's own lease buffers, without a copy: valid only during that call of the
     * sink, and overwritten by this client's next receive. A sink must not call this client's receive methods.
     * All RECEIVEs come before the first frame is handed out, as with {@link #receiveAll()}, so what the sink does
     * (sending, answering) happens at the same point of the conversation with the driver.
     *
     * @return how many frames were lost before these (the driver's queue was full)
     * @throws EthException when a RECEIVE fails or its frames do not unpack: then no frame is handed out
     */
    public long receiveAll(EthFrames.Sink sink) throws EthException {
        List<EthRequest.Batch> batches = new ArrayList<>(1);
        long dropped = 0;
        EthRequest.Batch b;
        do {
            if (batches.size() == inboxes.size()) {
                inboxes.add(new byte[LEASE]);
            }
            b = receiveInto(inboxes.get(batches.size()));
            batches.add(b);
            dropped += b.dropped();
        } while (b.more());
        for (int k = 0; k < batches.size(); k++) {
            unpack(inboxes.get(k), batches.get(k), sink);
        }
        return dropped;
    }

    /** One RECEIVE into {@code inbox}, its frames checked. */
    private EthRequest.Batch receiveInto(byte[] inbox) throws EthException {
        EthRequest.Batch b = client.call(new EthRequest.Receive(), Lease.writeOnly(inbox));
        try {
            if (b.count() > 0) { // an empty batch has nothing to check, whatever its byte count says
                EthFrames.check(inbox, b.bytes(), b.count());
            }
        } catch (MalformedException e) {
            throw new EthException(EthError.IO_ERROR, "the driver's frames do not unpack: " + e.getMessage());
        }
        return b;
    }

    private static void unpack(byte[] inbox, EthRequest.Batch b, EthFrames.Sink sink) {
        if (b.count() == 0) {
            return;
        }
        try {
            EthFrames.forEach(inbox, b.bytes(), b.count(), sink);
        } catch (MalformedException e) {
            throw new IllegalStateException("frames checked when they came no longer unpack", e);
        }
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
