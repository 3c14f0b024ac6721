package org.microsim.drivers.ethd;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Notice;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.WireWriter;
import org.microsim.abi.net.EthError;
import org.microsim.abi.net.EthException;
import org.microsim.abi.net.EthFrames;
import org.microsim.abi.net.EthInfo;
import org.microsim.abi.net.EthRequest;

/**
 * The running driver: the Ethernet requests of every port it serves, and the NIC's interrupts, one at a time on
 * the task's thread, on the server runtime.
 *
 * <pre>
 *   interrupt ─▶ ICR ─┬─ RXT0/RXO ─▶ drain the RX ring ─▶ (switch: untag, by source port) ─▶ port's subscribers
 *                     ├─ TXDW ─────▶ reclaim TX descriptors, move the backlog onto the ring
 *                     └─ LSC ──────▶ link of eth0 (and the switch's ports) ─▶ events
 *   SEND ─▶ (switch port: tag for it) ─▶ backlog ─▶ ring        RECEIVE ─▶ queue ─▶ lease
 *   deadline, every second with a switch ─▶ poll the user ports' link (PMSR), as Linux's PHY polling does
 *   deadline, every two seconds ─▶ watchdog: drain the RX ring, reclaim TX, as if RXT0 and TXDW had come
 * </pre>
 *
 * <p>The watchdog is Linux e1000's ({@code e1000_watchdog}, every two seconds): an interrupt can be lost (a
 * dropped MSI, {@code fault irq eth drop=P} here), and without it a frame that came in behind a lost interrupt
 * would wait on the ring until some later frame's interrupt, or forever on a quiet link.
 *
 * <p>Each port has its own MTU (SET_MTU); the NIC's receiver takes long packets when any of its ports needs them
 * ({@link Nic#maxFrame}), and a frame longer than its port's MTU allows is refused on SEND and dropped on receive.
 *
 * <p>Nothing a client sends reaches the NIC unchecked: frames are unpacked and measured before they are put on
 * the ring, a lease without the right it needs is refused, and a client that is gone is forgotten the first time
 * an event to it cannot be delivered.
 */
final class EthdHandler implements Handler<EthRequest<?>> {
    private static final long LINK_POLL = Duration.ofSeconds(1).toNanos();
    private static final long WATCHDOG = Duration.ofSeconds(2).toNanos();
    /**
     * Where a SEND's lease is read and a RECEIVE's frames are packed, one buffer for every call (the handler serves
     * one at a time) instead of a new one each: the frames themselves are copied out of it (the NIC's backlog
     * keeps them) and into the client's lease before the call ends.
     */
    private final byte[] leaseCopy = new byte[EthRequest.MAX_LEASE];

    private final Sys sys;
    private final Nic nic;
    private final SwitchChip chip;
    private final ServedPort conduit;
    private final List<ServedPort> userPorts;
    private final Map<Handle, ServedPort> byHandle = new LinkedHashMap<>();
    private long nextPoll;
    private long nextWatchdog;

    EthdHandler(Sys sys, Nic nic, SwitchChip chip, ServedPort nicPort, List<ServedPort> userPorts) {
        this.sys = sys;
        this.nic = nic;
        this.chip = chip;
        this.conduit = nicPort;
        this.userPorts = List.copyOf(userPorts);
        byHandle.put(nicPort.handle, nicPort);
        userPorts.forEach(p -> byHandle.put(p.handle, p));
        nicPort.linkUp = nic.linkUp();
        pollSwitchLinks();
        nextPoll = chip == null ? Long.MAX_VALUE : sys.now() + LINK_POLL;
        nextWatchdog = sys.now() + WATCHDOG;
    }

    @Override
    public Protocol<EthRequest<?>, ?> protocol() {
        return EthRequest.PROTOCOL;
    }

    @Override
    public Message handle(EthRequest<?> request, Received call) throws EthException {
        ServedPort port = byHandle.get(call.port());
        if (port == null) {
            throw new EthException(EthError.DEVICE_GONE, "no such Ethernet port");
        }
        return switch (request) {
            case EthRequest.GetInfo g -> info(port, call);
            case EthRequest.Subscribe s -> subscribe(port, call, s);
            case EthRequest.Send s -> send(port, call, s.count());
            case EthRequest.Receive r -> receive(port, call);
            case EthRequest.SetFilter f -> {
                port.promiscuous = f.promiscuous();
                port.allMulticast = f.allMulticast();
                port.groups = f.groups();
                applyFilter();
                yield Replies.ok();
            }
            case EthRequest.SetMtu m -> setMtu(port, m.mtu());
        };
    }

    private Message info(ServedPort port, Received call) {
        Subscriber s = port.subscribers.get(call.sender());
        return new EthInfo(port.mac, port.linkUp, port == conduit && chip != null, port.mtu, port.rxFrames,
                port.txFrames, s == null ? 0 : s.droppedTotal(), nic.missed()).toMessage();
    }

    private Message setMtu(ServedPort port, int mtu) throws EthException {
        if (mtu < EthRequest.MIN_MTU || mtu > EthRequest.MAX_MTU) {
            throw new EthException(EthError.INVALID_REQUEST, "MTU " + mtu + " is not from " + EthRequest.MIN_MTU
                    + " to " + EthRequest.MAX_MTU + " (the 82540's longest frame, as Linux's e1000 allows)");
        }
        if (mtu != port.mtu) {
            port.mtu = mtu;
            int longest = 0;
            for (ServedPort p : byHandle.values()) {
                longest = Math.max(longest, EthRequest.maxFrame(p.mtu) + (p.switchPort == ServedPort.NIC ? 0
                        : SwitchChip.TAG));
            }
            nic.maxFrame(longest);
            sys.log("ethd: " + port.name + " mtu " + mtu);
        }
        return Replies.ok();
    }

    private Message subscribe(ServedPort port, Received call, EthRequest.Subscribe s) {
        Subscriber old = port.subscribers.put(call.sender(), new Subscriber(call.sender(), s.events(), s.token()));
        if (old != null) {
            sys.close(old.events);
        }
        return Replies.ok();
    }

    private Message send(ServedPort port, Received call, int count) throws EthException {
        if (port == conduit && chip != null) {
            throw new EthException(EthError.INVALID_REQUEST, port.name + " is the conduit of a switch: send on its"
                    + " user ports");
        }
        LeaseInfo lease = call.lease();
        if (lease == null || !lease.readable() || lease.length() > EthRequest.MAX_LEASE) {
            throw new EthException(EthError.LEASE_TOO_SMALL, "SEND needs a readable lease of at most "
                    + EthRequest.MAX_LEASE + " bytes holding the frames");
        }
        int length = (int) lease.length();
        Result<Integer> read = sys.leaseRead(call.replyRight(), 0, leaseCopy, 0, length);
        if (!read.isOk()) {
            throw new EthException(EthError.LEASE_TOO_SMALL, "the frames cannot be read: " + read.errorOrNull());
        }
        int[] longest = {0};
        try {
            EthFrames.forEach(leaseCopy, length, count, (b, at, n) -> longest[0] = Math.max(longest[0], n));
        } catch (MalformedException e) {
            throw new EthException(EthError.INVALID_REQUEST, "SEND: " + e.getMessage());
        }
        if (longest[0] > EthRequest.maxFrame(port.mtu)) {
            throw new EthException(EthError.INVALID_REQUEST, "SEND: a frame of " + longest[0] + " bytes is longer"
                    + " than " + port.name + "'s MTU of " + port.mtu + " allows (" + EthRequest.maxFrame(port.mtu)
                    + ")");
        }
        int accepted = 0;
        if (port.linkUp) {
            // Checked whole above: the frames go from the lease's copy to the ring, the NIC's backlog copying
            // only those that must wait.
            Sending sending = new Sending(port);
            try {
                EthFrames.forEach(leaseCopy, length, count, sending);
            } catch (MalformedException e) {
                throw new IllegalStateException("frames checked a moment ago no longer check", e);
            }
            accepted = sending.accepted;
            nic.pump();
        }
        port.txFrames += accepted;
        return Replies.ok(new WireWriter().u16(accepted).toByteArray());
    }

    /** Puts a SEND's frames on the NIC, in order, until it takes no more; a switch port's with its tag. */
    private final class Sending implements EthFrames.Sink {
        private final ServedPort port;
        private int accepted;
        private boolean full;

        Sending(ServedPort port) {
            this.port = port;
        }

        @Override
        public void frame(byte[] buffer, int offset, int length) {
            if (full) {
                return;
            }
            if (port.switchPort == ServedPort.NIC) {
                full = !nic.send(buffer, offset, length);
            } else {
                byte[] tagged = SwitchChip.tagFor(Arrays.copyOfRange(buffer, offset, offset + length), port.switchPort);
                full = !nic.send(tagged, 0, tagged.length);
            }
            accepted += full ? 0 : 1;
        }
    }

    private Message receive(ServedPort port, Received call) throws EthException {
        Subscriber s = port.subscribers.get(call.sender());
        if (s == null) {
            throw new EthException(EthError.NOT_SUBSCRIBED, "subscribe to " + port.name + " before receiving");
        }
        LeaseInfo lease = call.lease();
        if (lease == null || !lease.writable()) {
            throw new EthException(EthError.LEASE_TOO_SMALL, "RECEIVE needs a writable lease");
        }
        int room = (int) Math.min(lease.length(), EthRequest.MAX_LEASE);
        ArrayDeque<byte[]> queue = s.queue();
        if (!queue.isEmpty() && room < 2 + queue.peek().length) {
            throw new EthException(EthError.LEASE_TOO_SMALL, "the next frame needs " + (2 + queue.peek().length)
                    + " bytes; the lease has " + lease.length());
        }
        List<byte[]> batch = new ArrayList<>();
        int used = 0;
        while (!queue.isEmpty() && used + 2 + queue.peek().length <= room) {
            byte[] f = queue.poll();
            batch.add(f);
            used += 2 + f.length;
        }
        if (!batch.isEmpty()) {
            Result<Integer> written = sys.leaseWrite(call.replyRight(), 0, leaseCopy,
                    0, EthFrames.packInto(batch, leaseCopy));
            if (!written.isOk()) {
                // The caller gave up or lent nonsense: its frames are lost to it, as they would be on a wire.
                throw new EthException(EthError.LEASE_TOO_SMALL, "the frames cannot be written: "
                        + written.errorOrNull());
            }
        }
        long dropped = s.takeDropped();
        return new EthRequest.Batch(batch.size(), used, dropped, !queue.isEmpty()).toMessage();
    }

    @Override
    public boolean notice(Notice notice) {
        if (notice instanceof Notice.Interrupt) {
            interrupt();
            return true;
        }
        if (notice instanceof Notice.Deadline) {
            long now = sys.now();
            if (now >= nextPoll) {
                nextPoll = now + LINK_POLL;
                pollSwitchLinks();
            }
            if (now >= nextWatchdog) {
                nextWatchdog = now + WATCHDOG;
                nic.receive(this::arrived);
                nic.pump();
            }
            return true;
        }
        return false;
    }

    @Override
    public long wakeAt() {
        return Math.min(nextPoll, nextWatchdog);
    }

    private void interrupt() {
        int causes = nic.causes();
        if ((causes & (Nic.ICR_RXT0 | Nic.ICR_RXO)) != 0) {
            nic.receive(this::arrived);
        }
        if ((causes & Nic.ICR_TXDW) != 0 || nic.backlog() > 0) {
            nic.pump();
        }
        if ((causes & Nic.ICR_LSC) != 0) {
            boolean up = nic.linkUp();
            if (up != conduit.linkUp) {
                conduit.linkUp = up;
                sys.log("ethd: " + conduit.name + " link " + (up ? "up" : "down"));
                linkChanged(conduit);
            }
            pollSwitchLinks();
        }
    }

    /** A frame off the ring: a switch's goes to the user port it came in on, untagged. */
    private void arrived(byte[] frame) {
        ServedPort port = conduit;
        if (chip != null) {
            int source = SwitchChip.sourcePort(frame);
            if (source < 0 || source >= userPorts.size()) {
                conduit.rxFrames++; // the conduit's count is of frames no user port could take
                return;
            }
            port = userPorts.get(source);
            frame = SwitchChip.untag(frame);
        }
        if (frame.length < EthRequest.MIN_FRAME) {
            return;
        }
        if (frame.length > EthRequest.maxFrame(port.mtu)) {
            return; // a giant for this port's MTU (another port of the NIC may have asked for long packets)
        }
        port.rxFrames++;
        for (Iterator<Subscriber> it = port.subscribers.values().iterator(); it.hasNext(); ) {
            Subscriber s = it.next();
            if (!s.offer(sys, frame)) {
                forget(it, s);
            }
        }
    }

    private void pollSwitchLinks() {
        if (chip == null) {
            return;
        }
        for (ServedPort p : userPorts) {
            boolean up = conduit.linkUp && chip.linkUp(p.switchPort);
            if (up != p.linkUp) {
                p.linkUp = up;
                sys.log("ethd: " + p.name + " link " + (up ? "up" : "down"));
                linkChanged(p);
            }
        }
    }

    private void linkChanged(ServedPort port) {
        for (Iterator<Subscriber> it = port.subscribers.values().iterator(); it.hasNext(); ) {
            Subscriber s = it.next();
            if (!s.tell(sys, false, true, port.linkUp)) {
                forget(it, s);
            }
        }
    }

    private void forget(Iterator<Subscriber> it, Subscriber s) {
        it.remove();
        sys.close(s.events);
    }

    /** The NIC's filter is what any port's clients asked for, as one NIC receives for all of them. */
    private void applyFilter() {
        boolean promiscuous = false;
        boolean allMulticast = false;
        Set<Long> groups = new LinkedHashSet<>();
        for (ServedPort p : byHandle.values()) {
            promiscuous |= p.promiscuous;
            allMulticast |= p.allMulticast;
            groups.addAll(p.groups);
        }
        nic.filter(promiscuous, allMulticast, List.copyOf(groups));
    }
}
