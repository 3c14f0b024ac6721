package org.microsim.harness.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.microsim.harness.session.UserNet.Outcome;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.DhcpOptions;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MacAddr;

/**
 * The DHCP server of a {@link UserNet} (RFC 2131), over the pool 10.0.2.15 to 10.0.2.254: the lease table and
 * what each client message does to it. It sees parsed messages and the time, and says what to answer and to
 * whom; {@link UserNet} does the framing.
 *
 * <pre>
 *   DISCOVER ─▶ choose an address ─▶ hold it OFFERED for 60 s ─▶ OFFER       (none free: no answer, counted)
 *   REQUEST  ─▶ the client's own address? ─ yes ▶ BOUND for 3600 s ─▶ ACK
 *                                          └ no ─▶ NAK, broadcast
 *   RELEASE  ─▶ free it              DECLINE ─▶ keep it from everyone for a lease time
 *   INFORM   ─▶ ACK with the configuration and no lease
 * </pre>
 *
 * <h2>Which address</h2>
 * As RFC 2131 4.3.1 orders it: the client's current lease; else the address it had last, if nobody holds it now
 * (so a machine keeps its address across reboots and expiries, which is what "stable per MAC" means); else the
 * address it asks for, if free; else the lowest free address, from .15 up, as slirp gives them. A client is its
 * MAC address (chaddr), as for slirp; the client identifier option is not looked at.
 *
 * <h2>Authoritative, as slirp is</h2>
 * This is the only server on its LAN, so a REQUEST without a binding here (a machine that rebooted after the
 * simulator forgot its lease) is granted if the address is in the pool and free, and refused otherwise; a client
 * with a binding is refused any other address. A REQUEST naming another server's identifier means the client
 * took another offer: ours is withdrawn and nothing is said.
 *
 * <h2>Time</h2>
 * Leases expire by the LAN's virtual clock, looked at whenever a message comes or the console asks; nothing is
 * scheduled, so an idle LAN costs nothing. An expired lease's address is free for anyone.
 *
 * <p>Not thread-safe: its {@link UserNet} holds its lock around every call.
 */
final class UserNetDhcp {
    static final long LEASE_SECONDS = 3600;
    /** T1, half the lease, as RFC 2131 4.4.5 suggests. */
    static final long RENEWAL_SECONDS = 1800;
    /** T2, seven eighths of the lease. */
    static final long REBINDING_SECONDS = 3150;
    /** How long an offered address is kept from others while the client makes up its mind. */
    static final long OFFER_HOLD_SECONDS = 60;
    static final Ipv4Addr POOL_START = Ipv4Addr.parse("10.0.2.15");
    static final int POOL_SIZE = 240;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** How many clients' last addresses are remembered; the least recently seen is forgotten first. */
    private static final int REMEMBERED = 1024;

    /** What to do about a message: count the outcome, and send {@code reply} (if not null) to {@code to}. */
    record Answer(Outcome outcome, DhcpMessage reply, Ipv4Addr to) {
    }

    private enum State { OFFERED, BOUND, DECLINED }

    /** A held address: whose ({@link MacAddr#ZERO} for a declined one), why, and until when. */
    private record Lease(MacAddr mac, State state, long expiresNanos) {
    }

    /** Held addresses by their place in the pool, so the lowest free one is the first gap. */
    private final TreeMap<Integer, Lease> leases = new TreeMap<>();
    /** Each client's last address, held or not; bounded, since any frame can name a new MAC. */
    private final Map<MacAddr, Integer> lastAddress = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MacAddr, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** What {@code m}, received at {@code nowNanos}, asks of the server. */
    Answer answer(DhcpMessage m, long nowNanos) {
        leases.values().removeIf(lease -> lease.expiresNanos <= nowNanos);
        if (m.op() != DhcpMessage.BOOTREQUEST || m.chaddr().isMulticast() || m.chaddr().equals(MacAddr.ZERO)
                || m.options().messageType().isEmpty()) {
            return silent(Outcome.DHCP_UNEXPECTED); // a reply, a client no frame can reach, or plain BOOTP
        }
        if (!m.giaddr().equals(Ipv4Addr.ANY)) {
            return silent(Outcome.DHCP_RELAYED);
        }
        return switch (m.options().messageType().getAsInt()) {
            case DhcpMessage.DISCOVER -> discover(m, nowNanos);
            case DhcpMessage.REQUEST -> request(m, nowNanos);
            case DhcpMessage.RELEASE -> release(m);
            case DhcpMessage.DECLINE -> decline(m, nowNanos);
            case DhcpMessage.INFORM -> new Answer(Outcome.DHCP_INFORM,
                    reply(m, m.ciaddr(), Ipv4Addr.ANY, configuration(header(DhcpMessage.ACK))),
                    destination(m));
            default -> silent(Outcome.DHCP_UNEXPECTED); // OFFER, ACK, NAK: a server's messages
        };
    }

    /** One line per held address in address order, with the whole seconds left. */
    List<String> leases(long nowNanos) {
        List<String> lines = new ArrayList<>();
        leases.forEach((index, lease) -> {
            if (lease.expiresNanos > nowNanos) {
                long left = (lease.expiresNanos - nowNanos) / NANOS_PER_SECOND;
                lines.add(address(index) + " " + switch (lease.state) {
                    case BOUND -> lease.mac + " expires in " + left + "s";
                    case OFFERED -> lease.mac + " offered, held for " + left + "s";
                    case DECLINED -> "declined, held for " + left + "s";
                });
            }
        });
        return lines;
    }

    private Answer discover(DhcpMessage m, long now) {
        Optional<Integer> chosen = choose(m);
        if (chosen.isEmpty()) {
            return silent(Outcome.POOL_EXHAUSTED);
        }
        int index = chosen.get();
        Lease held = leases.get(index);
        if (held == null || held.state != State.BOUND) {
            leases.put(index, new Lease(m.chaddr(), State.OFFERED, now + OFFER_HOLD_SECONDS * NANOS_PER_SECOND));
        }
        lastAddress.put(m.chaddr(), index);
        return new Answer(Outcome.DHCP_OFFER,
                reply(m, Ipv4Addr.ANY, address(index), leased(DhcpMessage.OFFER)), destination(m));
    }

    /** The address to offer {@code m}'s client, in the order the class comment gives. */
    private Optional<Integer> choose(DhcpMessage m) {
        Optional<Integer> current = heldBy(m.chaddr());
        if (current.isPresent()) {
            return current;
        }
        Integer last = lastAddress.get(m.chaddr());
        if (last != null && !leases.containsKey(last)) {
            return Optional.of(last);
        }
        Optional<Integer> asked = m.options().requestedIp().flatMap(UserNetDhcp::index);
        if (asked.isPresent() && !leases.containsKey(asked.get())) {
            return asked;
        }
        for (int i = 0; i < POOL_SIZE; i++) {
            if (!leases.containsKey(i)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private Answer request(DhcpMessage m, long now) {
        Optional<Integer> current = heldBy(m.chaddr());
        Optional<Ipv4Addr> server = m.options().serverId();
        if (server.isPresent() && !server.get().equals(UserNet.GATEWAY)) {
            current.filter(i -> leases.get(i).state == State.OFFERED).ifPresent(leases::remove);
            return silent(Outcome.DHCP_OTHER_SERVER);
        }
        // SELECTING and INIT-REBOOT name the address in option 50; RENEWING and REBINDING in ciaddr.
        Ipv4Addr wanted = m.options().requestedIp().orElse(m.ciaddr());
        if (wanted.equals(Ipv4Addr.ANY)) {
            return silent(Outcome.DHCP_UNEXPECTED);
        }
        Optional<Integer> index = index(wanted);
        boolean granted = current.isPresent() ? current.equals(index)
                : index.isPresent() && !leases.containsKey(index.get());
        if (!granted) {
            // RFC 2131 4.3.2: a NAK is broadcast, since the client may believe in an address it does not have.
            return new Answer(Outcome.DHCP_NAK,
                    reply(m, Ipv4Addr.ANY, Ipv4Addr.ANY, header(DhcpMessage.NAK)),
                    Ipv4Addr.BROADCAST);
        }
        leases.put(index.get(), new Lease(m.chaddr(), State.BOUND, now + LEASE_SECONDS * NANOS_PER_SECOND));
        lastAddress.put(m.chaddr(), index.get());
        return new Answer(Outcome.DHCP_ACK, reply(m, m.ciaddr(), wanted, leased(DhcpMessage.ACK)),
                destination(m));
    }

    private Answer release(DhcpMessage m) {
        Optional<Integer> index = ownIndex(m, m.ciaddr());
        if (index.isEmpty()) {
            return silent(Outcome.DHCP_NOT_HELD);
        }
        leases.remove(index.get()); // its last address is still remembered, for when it comes back
        return silent(Outcome.DHCP_RELEASE);
    }

    private Answer decline(DhcpMessage m, long now) {
        Optional<Integer> index = ownIndex(m, m.options().requestedIp().orElse(Ipv4Addr.ANY));
        if (index.isEmpty()) {
            return silent(Outcome.DHCP_NOT_HELD);
        }
        // Someone else answers at that address (RFC 2131 3.1.5): give it to nobody for a while, and the client
        // a different one next time.
        leases.put(index.get(), new Lease(MacAddr.ZERO, State.DECLINED, now + LEASE_SECONDS * NANOS_PER_SECOND));
        lastAddress.remove(m.chaddr());
        return silent(Outcome.DHCP_DECLINE);
    }

    /** {@code address}'s place in the pool if {@code m}'s client holds it and {@code m} is for this server. */
    private Optional<Integer> ownIndex(DhcpMessage m, Ipv4Addr address) {
        if (!m.options().serverId().orElse(UserNet.GATEWAY).equals(UserNet.GATEWAY)) {
            return Optional.empty();
        }
        return index(address).filter(i -> leases.containsKey(i) && leases.get(i).mac.equals(m.chaddr()));
    }

    private Optional<Integer> heldBy(MacAddr mac) {
        return leases.entrySet().stream().filter(e -> e.getValue().mac.equals(mac)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** Where the reply goes: to everyone if the client asks so or has no address yet, else to its address. */
    private static Ipv4Addr destination(DhcpMessage m) {
        return m.broadcast() || m.ciaddr().equals(Ipv4Addr.ANY) ? Ipv4Addr.BROADCAST : m.ciaddr();
    }

    /** The reply to {@code m}: its transaction, flags and client, and what the server fills in. */
    private static DhcpMessage reply(DhcpMessage m, Ipv4Addr ciaddr, Ipv4Addr yiaddr, DhcpOptions options) {
        return new DhcpMessage(DhcpMessage.BOOTREPLY, m.xid(), 0, m.flags(), ciaddr, yiaddr, Ipv4Addr.ANY,
                m.giaddr(), m.chaddr(), options);
    }

    /** Options 53 and 54, which every reply starts with. */
    private static DhcpOptions header(int type) {
        return DhcpOptions.EMPTY.withMessageType(type).withServerId(UserNet.GATEWAY);
    }

    /** Options 53, 54, 51, 58, 59, 1, 3, 6: an OFFER's or a lease's ACK. */
    private static DhcpOptions leased(int type) {
        return configuration(header(type).withLeaseTime(LEASE_SECONDS).withRenewalTime(RENEWAL_SECONDS)
                .withRebindingTime(REBINDING_SECONDS));
    }

    private static DhcpOptions configuration(DhcpOptions options) {
        return options.withSubnetMask(UserNet.MASK).withRouters(List.of(UserNet.GATEWAY))
                .withDnsServers(List.of(UserNet.DNS));
    }

    private static Answer silent(Outcome outcome) {
        return new Answer(outcome, null, null);
    }

    private static Ipv4Addr address(int index) {
        return new Ipv4Addr(POOL_START.value() + index);
    }

    /** {@code address}'s place in the pool, if it is in it. */
    private static Optional<Integer> index(Ipv4Addr address) {
        int index = address.value() - POOL_START.value();
        return index >= 0 && index < POOL_SIZE ? Optional.of(index) : Optional.empty();
    }
}
