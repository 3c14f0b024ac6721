package org.microsim.services.netd;

import java.util.List;
import java.util.function.LongSupplier;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.DhcpOptions;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MacAddr;

/**
 * One interface's DHCP client, the state machine of RFC 2131 section 4.4, on the virtual clock.
 *
 * <pre>
 *            ┌──────────── NAK, or no answer ─────────────┐
 *            ▼                                             │
 *   INIT ─DISCOVER─▶ SELECTING ─OFFER: REQUEST─▶ REQUESTING ─ACK─▶ BOUND ─T1─▶ RENEWING ─T2─▶ REBINDING
 *     ▲                                                         ▲    │  (unicast to      (broadcast)  │
 *     │                                                         └ACK─┴── the server) ◀──────ACK──────┤
 *     └──────────────────────────── lease expired, or NAK ───────────────────────────────────────────┘
 *   link comes back while bound: REBOOTING (REQUEST for the address held) ─ACK─▶ BOUND, else INIT
 * </pre>
 *
 * <p>Retransmissions back off as the RFC says: 4 s, then 8, 16, 32 and 64 s, each moved by up to a second either
 * way, the jitter and every transaction id drawn from the run's seeded random source, so a run replays exactly.
 * A message that is not for this client (another transaction id, another hardware address, a type that does not
 * fit the state) is ignored and counted by the caller. Nothing here sends or configures anything itself: it asks
 * its {@link Env}.
 */
final class DhcpClient {
    /** What the client asks of its interface. */
    interface Env {
        /** Sends {@code message} from port 68 to {@code server}'s port 67, or broadcast when it is null. */
        void send(DhcpMessage message, Ipv4Addr server);

        /** The lease is ours: configure the interface. */
        void bound(Ipv4Addr address, int prefix, Ipv4Addr router);

        /** The lease is gone: drop the address. */
        void unbound();

        void log(String line);
    }

    enum State { OFF, INIT, SELECTING, REQUESTING, BOUND, RENEWING, REBINDING, REBOOTING }

    private static final long SECOND = 1_000_000_000L;
    private static final int REQUEST_TRIES = 4;

    private final MacAddr mac;
    private final LongSupplier random;
    private final Env env;
    private State state = State.OFF;
    private int xid;
    private int tries;
    private long next = Long.MAX_VALUE;
    private Ipv4Addr offered = Ipv4Addr.ANY;
    private Ipv4Addr server = Ipv4Addr.ANY;
    private Ipv4Addr leased = Ipv4Addr.ANY;
    private long renewAt;
    private long rebindAt;
    private long expiresAt;

    DhcpClient(MacAddr mac, LongSupplier random, Env env) {
        this.mac = mac;
        this.random = random;
        this.env = env;
    }

    /** Starts from scratch: DISCOVER. */
    void start(long now) {
        leased = Ipv4Addr.ANY;
        state = State.INIT;
        discover(now);
    }

    /** Stops (the interface was configured by hand, or switched off); a held lease is simply forgotten. */
    void stop() {
        state = State.OFF;
        next = Long.MAX_VALUE;
    }

    /** The carrier came back: a bound client checks its lease is still good (INIT-REBOOT), others start over. */
    void linkUp(long now) {
        if (state == State.OFF) {
            return;
        }
        if (leased.equals(Ipv4Addr.ANY)) {
            start(now);
            return;
        }
        state = State.REBOOTING;
        xid = (int) random.getAsLong();
        tries = 0;
        request(now, null, leased);
    }

    String state() {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    long leaseSecondsLeft(long now) {
        return state == State.BOUND || state == State.RENEWING || state == State.REBINDING
                ? Math.max(0, (expiresAt - now) / SECOND) : 0;
    }

    long nextDeadline() {
        return next;
    }

    /** Retransmits, renews, rebinds or expires, as the time says. */
    void tick(long now) {
        if (now < next) {
            return;
        }
        switch (state) {
            case OFF, INIT -> next = Long.MAX_VALUE;
            case SELECTING -> discover(now);
            case REQUESTING, REBOOTING -> {
                if (tries >= REQUEST_TRIES) {
                    env.log("no answer to the DHCP request; starting over");
                    drop();
                    start(now);
                } else {
                    request(now, server, state == State.REQUESTING ? offered : leased);
                }
            }
            case BOUND, RENEWING, REBINDING -> leaseTimers(now);
        }
    }

    private void leaseTimers(long now) {
        if (now >= expiresAt) {
            env.log("DHCP lease of " + leased + " expired");
            drop();
            start(now);
        } else if (now >= rebindAt) {
            if (state != State.REBINDING) {
                state = State.REBINDING;
                xid = (int) random.getAsLong();
            }
            renewal(now, null, expiresAt);
        } else if (now >= renewAt) {
            if (state != State.RENEWING) {
                state = State.RENEWING;
                xid = (int) random.getAsLong();
            }
            renewal(now, server, rebindAt);
        } else {
            next = renewAt;
        }
    }

    /** RFC 2131 4.4.5: retransmit at half the time left to the next stage, at least 60 s apart. */
    private void renewal(long now, Ipv4Addr to, long until) {
        env.send(message(DhcpMessage.REQUEST, leased, DhcpOptions.EMPTY), to);
        next = Math.min(until, now + Math.max(60 * SECOND, (until - now) / 2));
    }

    /** A message to port 68 of this interface; true when it was for this client. */
    boolean receive(DhcpMessage m, long now) {
        if (m.op() != DhcpMessage.BOOTREPLY || m.xid() != xid || !m.chaddr().equals(mac)
                || m.options().messageType().isEmpty()) {
            return false;
        }
        int type = m.options().messageType().getAsInt();
        switch (state) {
            case SELECTING -> {
                if (type != DhcpMessage.OFFER || m.options().serverId().isEmpty()) {
                    return false;
                }
                offered = m.yiaddr();
                server = m.options().serverId().get();
                state = State.REQUESTING;
                tries = 0;
                request(now, server, offered);
            }
            case REQUESTING, REBOOTING, RENEWING, REBINDING -> {
                if (type == DhcpMessage.NAK) {
                    env.log("DHCP server " + m.options().serverId().map(Ipv4Addr::toString).orElse("?")
                            + " said no to " + (state == State.REQUESTING ? offered : leased));
                    drop();
                    start(now);
                } else if (type == DhcpMessage.ACK) {
                    bind(m, now);
                } else {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void bind(DhcpMessage ack, long now) {
        DhcpOptions o = ack.options();
        long lease = o.leaseTime().orElse(3600);
        if (lease == DhcpOptions.INFINITE_LEASE) {
            lease = Long.MAX_VALUE / SECOND / 4;
        }
        Ipv4Addr mask = o.subnetMask().orElse(new Ipv4Addr(0xffffff00));
        List<Ipv4Addr> routers = o.routers();
        boolean fresh = !ack.yiaddr().equals(leased);
        leased = ack.yiaddr();
        o.serverId().ifPresent(id -> server = id);
        expiresAt = now + lease * SECOND;
        renewAt = now + o.renewalTime().orElse(lease / 2) * SECOND;
        rebindAt = now + o.rebindingTime().orElse(lease * 7 / 8) * SECOND;
        state = State.BOUND;
        next = renewAt;
        if (fresh) {
            env.log("DHCP: " + leased + "/" + Integer.bitCount(mask.value()) + " from " + server + ", lease "
                    + lease + " s" + (routers.isEmpty() ? "" : ", router " + routers.getFirst()));
        }
        env.bound(leased, Integer.bitCount(mask.value()), routers.isEmpty() ? Ipv4Addr.ANY : routers.getFirst());
    }

    private void drop() {
        if (!leased.equals(Ipv4Addr.ANY)) {
            leased = Ipv4Addr.ANY;
            env.unbound();
        }
    }

    private void discover(long now) {
        if (state != State.SELECTING) {
            state = State.SELECTING;
            tries = 0;
            xid = (int) random.getAsLong();
        }
        env.send(message(DhcpMessage.DISCOVER, Ipv4Addr.ANY, DhcpOptions.EMPTY.withParameterRequestList(
                DhcpOptions.SUBNET_MASK, DhcpOptions.ROUTER, DhcpOptions.DNS_SERVERS, DhcpOptions.LEASE_TIME,
                DhcpOptions.SERVER_ID, DhcpOptions.RENEWAL_TIME, DhcpOptions.REBINDING_TIME)), null);
        backoff(now);
    }

    /** A REQUEST for {@code address}, broadcast; naming {@code to} as the server when it answers an offer. */
    private void request(long now, Ipv4Addr to, Ipv4Addr address) {
        DhcpOptions o = DhcpOptions.EMPTY.withRequestedIp(address);
        if (state == State.REQUESTING) {
            o = o.withServerId(to);
        }
        env.send(message(DhcpMessage.REQUEST, Ipv4Addr.ANY, o), null);
        backoff(now);
    }

    /** 4, 8, 16, 32, 64 s after the last try, each +-1 s. */
    private void backoff(long now) {
        long base = (4L << Math.min(tries, 4)) * SECOND;
        long jitter = Math.floorMod(random.getAsLong(), 2 * SECOND + 1) - SECOND;
        tries++;
        next = now + base + jitter;
    }

    private DhcpMessage message(int type, Ipv4Addr ciaddr, DhcpOptions options) {
        boolean broadcast = ciaddr.equals(Ipv4Addr.ANY);
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, xid, 0, broadcast ? DhcpMessage.FLAG_BROADCAST : 0, ciaddr,
                Ipv4Addr.ANY, Ipv4Addr.ANY, Ipv4Addr.ANY, mac, options.withMessageType(type));
    }
}
