package org.microsim.harness.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.microsim.kernel.Timeline;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;
import org.microsim.services.netd.tcp.TcpConfig;
import org.microsim.services.netd.tcp.TcpConnection;
import org.microsim.services.netd.tcp.TcpHost;
import org.microsim.services.netd.wire.ArpPacket;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.EthernetFrame;
import org.microsim.services.netd.wire.IcmpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;
import org.microsim.services.netd.wire.MalformedPacketException;
import org.microsim.services.netd.wire.UdpDatagram;

/**
 * The built-in services of a "user network", as QEMU's user-mode networking (libslirp) offers them to a guest: one
 * station on a {@link Lan} that is the gateway 10.0.2.2 and the DNS address 10.0.2.3 of the network 10.0.2.0/24,
 * and hands out addresses from 10.0.2.15 up by DHCP, so that a machine plugged into the {@code user} LAN finds a
 * configured network with nothing set up on the host.
 *
 * <pre>
 *   Lan ──receive(frame)──▶ Ethernet: to us or broadcast?
 *                             ├─ ARP ──▶ learn the sender; a request for .2/.3 ──▶ reply to the asker
 *                             └─ IPv4 ─▶ to .2/.3, or broadcast?
 *                                  ├─ ICMP echo request to .2/.3 ──▶ echo reply
 *                                  ├─ UDP to port 67 ──▶ {@link UserNetDhcp} ──▶ OFFER/ACK/NAK, 10.0.2.2:67 → :68
 *                                  ├─ TCP to .2 ──▶ the gateway's own {@link TcpHost} (connections it opened for
 *                                  │               {@link HostForwards}; anything else is answered with a RST)
 *                                  └─ anything else: dropped (no routing off the LAN yet)
 *   every frame ends in exactly one {@link Outcome}, counted; replies go out through the port at once and the
 *   LAN adds its delay
 * </pre>
 *
 * <h2>TCP, for host forwarding</h2>
 * The gateway has a TCP of its own, as slirp has: {@link #connect} opens a connection from 10.0.2.2 to a machine
 * on the LAN, for a {@link TcpUser} that moves the bytes (a {@link HostForwards} relay). Its segments go out in
 * IPv4 from 10.0.2.2, to the MAC the ARP table has for the address; for an address not heard from yet the
 * gateway asks by ARP (at most once a second) and holds the packets until the answer. Its timers run on the LAN's
 * clock; its initial sequence numbers come from the LAN's seed. After everything that may move TCP (a frame, a
 * timer, work from the host) the users are polled and the segments sent.
 *
 * <h2>Work from the host</h2>
 * Netty's threads never touch this state: they hand work to {@link #fromHost}, which runs it on the simulation's
 * side, as {@link SocketBridge} does with frames. Under the free scheduler that is at once, on the LAN clock's timer
 * thread; under the deterministic one it waits for {@link #pump}, a defined point between two steps.
 *
 * <h2>Why a station and not a task</h2>
 * slirp lives in QEMU, outside the guest: it has no CPU time and no driver of its own, it only reacts to frames.
 * Likewise this is a plain {@link EthernetLink.Station} on the LAN's own clock: it answers from inside
 * {@link #receive} and keeps its state (the lease table) in virtual time, so runs stay deterministic and it costs
 * the machines nothing.
 *
 * <h2>Bad input</h2>
 * A frame off the wire can be anything, so nothing here throws: every frame that cannot be parsed, or makes no
 * sense for a gateway, is dropped and counted under its reason ({@link #counters()}). The reasons are a fixed
 * set, not the parsers' sentences, so a flood of random frames cannot grow the table of counters. A bug that
 * throws anyway is caught at the edge and counted as {@link Outcome#INTERNAL_ERROR}, so the simulation goes on
 * and the counter (which the property tests hold at zero) shows it.
 *
 * <h2>Left out, for now</h2>
 * Routing off the LAN (slirp's NAT to the host's sockets), DNS, TFTP, UDP forwards and IPv4 reassembly: a fragment
 * is dropped.
 *
 * <p>Thread-safe: the LAN delivers on its clock's thread, the console reads the leases from its own.
 */
final class UserNet implements EthernetLink.Station {
    /** slirp's own address on the virtual LAN (52:55 and then the gateway's IPv4 address). */
    static final MacAddr MAC = MacAddr.parse("52:55:0a:00:02:02");
    static final Ipv4Addr NETWORK = Ipv4Addr.parse("10.0.2.0");
    static final int PREFIX_LENGTH = 24;
    static final Ipv4Addr MASK = Ipv4Addr.parse("255.255.255.0");
    static final Ipv4Addr GATEWAY = Ipv4Addr.parse("10.0.2.2");
    static final Ipv4Addr DNS = Ipv4Addr.parse("10.0.2.3");
    static final Ipv4Addr SUBNET_BROADCAST = Ipv4Addr.parse("10.0.2.255");
    /** The label of the station, in captures. */
    static final String LABEL = "gateway";

    /** What became of a frame: each received frame counts under exactly one of these. */
    enum Outcome {
        ARP_REPLY("ARP requests for the gateway answered"),
        ARP_OTHER("ARP for other stations (sender learned)"),
        ECHO_REPLY("echo requests answered"),
        DHCP_OFFER("DHCP discovers answered with an offer"),
        DHCP_ACK("DHCP requests acknowledged"),
        DHCP_NAK("DHCP requests refused (NAK)"),
        DHCP_INFORM("DHCP informs answered"),
        DHCP_RELEASE("DHCP leases released"),
        DHCP_DECLINE("DHCP addresses declined"),
        DHCP_OTHER_SERVER("DHCP requests for another server ignored"),
        DHCP_NOT_HELD("DHCP release or decline of an address the client does not hold"),
        POOL_EXHAUSTED("DHCP discovers unanswered: the pool is exhausted"),
        NOT_FOR_US("dropped: addressed to another station"),
        BAD_SOURCE("dropped: a group or unusable source address"),
        ETHERTYPE("dropped: neither IPv4 nor ARP"),
        MALFORMED_FRAME("dropped: malformed Ethernet frame"),
        MALFORMED_ARP("dropped: malformed ARP packet"),
        MALFORMED_IPV4("dropped: malformed IPv4 packet"),
        MALFORMED_ICMP("dropped: malformed ICMP message"),
        MALFORMED_UDP("dropped: malformed UDP datagram"),
        MALFORMED_DHCP("dropped: malformed DHCP message"),
        DHCP_UNEXPECTED("dropped: a DHCP message a server does not take"),
        DHCP_RELAYED("dropped: relayed DHCP (no relays on a user LAN)"),
        FRAGMENT("dropped: IPv4 fragment (no reassembly)"),
        OTHER_HOST("dropped: IPv4 for another station on the LAN"),
        NO_ROUTE("dropped: IPv4 off the LAN (no routing yet)"),
        NO_SERVICE("dropped: no such service at the gateway"),
        BROADCAST("dropped: broadcast other than DHCP"),
        ICMP_OTHER("dropped: ICMP other than an echo request"),
        TCP("TCP segments for the gateway"),
        INTERNAL_ERROR("dropped: internal error (a bug)");

        final String text;

        Outcome(String text) {
            this.text = text;
        }
    }

    /** The first address DHCP hands out: where a host forward goes unless told. */
    static final Ipv4Addr FIRST_LEASE = UserNetDhcp.POOL_START;
    /** How many IPv4 packets may wait for one address's ARP answer; more are dropped (TCP sends them again). */
    private static final int MAX_AWAITING_ARP = 256;
    private static final long ARP_RETRY_NANOS = 1_000_000_000L;

    /** Someone using the gateway's TCP: moves what it can after every TCP event. */
    interface TcpUser {
        /**
         * Moves bytes between its connection and wherever they go, on the simulation's side.
         *
         * @return false when it is done: it is polled no more
         */
        boolean poll();
    }

    private final Timeline clock;
    private final boolean free;
    private final TcpHost tcp;
    private final List<TcpUser> tcpUsers = new ArrayList<>();
    /** Packets waiting for the MAC of their destination, by address. */
    private final Map<Integer, ArrayDeque<Ipv4Packet>> awaitingArp = new TreeMap<>();
    /** When the gateway last asked for an address by ARP. */
    private final Map<Integer, Long> arpAsked = new TreeMap<>();
    /** Frames to put on the LAN once the lock is released. */
    private final List<byte[]> out = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> hostWork = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean hostWorkScheduled = new AtomicBoolean();
    private Timeline.Scheduled timer;
    private long timerAt = Long.MAX_VALUE;
    private final UserNetDhcp dhcp = new UserNetDhcp();
    private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    /** IPv4 address (as an int) to the MAC address last seen sending from it, from ARP: slirp's ARP table. */
    private final Map<Integer, MacAddr> neighbours = new TreeMap<>();
    private long received;
    private int identification;
    private volatile Lan.Port port;

    private UserNet(Timeline clock, long seed, boolean free) {
        this.clock = clock;
        this.free = free;
        SplittableRandom random = new SplittableRandom(seed);
        this.tcp = new TcpHost(random::nextLong, TcpConfig.DEFAULT);
    }

    /**
     * Plugs a user network's services into {@code lan}.
     *
     * @param clock the LAN's own clock (the one it was made with), which the leases and TCP's timers go by
     * @param seed  where TCP's initial sequence numbers come from (the LAN's seed)
     * @param free  whether the free scheduler runs the clock: then work from the host runs at once
     */
    static UserNet plugInto(Lan lan, Timeline clock, long seed, boolean free) {
        UserNet net = new UserNet(clock, seed, free);
        net.port = lan.plug(net, clock, LABEL);
        return net;
    }

    /** The same, for the deterministic scheduler, seed 0. */
    static UserNet plugInto(Lan lan, Timeline clock) {
        return plugInto(lan, clock, 0, false);
    }

    /** Answers the frame, if it asks for an answer, on the LAN at once; see the class comment. */
    @Override
    public void receive(byte[] frame) {
        List<byte[]> frames;
        synchronized (this) {
            received++;
            try {
                handle(frame).ifPresent(out::add);
                tcpWork();
            } catch (RuntimeException e) {
                drop(Outcome.INTERNAL_ERROR);
            }
            frames = takeOut();
        }
        // Outside the lock: the LAN takes its own, and a console reading the leases need not wait for it.
        frames.forEach(port::transmit);
    }

    /**
     * Runs {@code work} (host work: it may use {@link #connect} and the connections) on the simulation's side:
     * under the free scheduler at once on the LAN clock's thread, else at the next {@link #pump}. Any thread.
     */
    void fromHost(Runnable work) {
        hostWork.add(work);
        if (free && hostWorkScheduled.compareAndSet(false, true)) {
            clock.schedule(clock.now(), this::runHostWork);
        }
    }

    /** Runs the work the host handed over (deterministic scheduler: at a defined point between steps). */
    void pump() {
        if (!hostWork.isEmpty()) {
            runHostWork();
        }
    }

    private void runHostWork() {
        hostWorkScheduled.set(false);
        List<byte[]> frames;
        synchronized (this) {
            for (Runnable r = hostWork.poll(); r != null; r = hostWork.poll()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    counts.merge(Outcome.INTERNAL_ERROR, 1L, Long::sum);
                }
            }
            tcpWork();
            frames = takeOut();
        }
        frames.forEach(port::transmit);
    }

    /**
     * Opens a TCP connection from the gateway to {@code guest}:{@code guestPort}, which {@code user} then drives.
     * Only from work handed to {@link #fromHost}.
     */
    TcpConnection connect(Ipv4Addr guest, int guestPort, TcpUser user) {
        assert Thread.holdsLock(this);
        TcpConnection c = tcp.connect(GATEWAY, guest, guestPort, clock.now());
        tcpUsers.add(user);
        return c;
    }

    /** TCP's counters, as {@code netstat -s} shows a machine's. */
    synchronized Map<String, Long> tcpCounters() {
        return new TreeMap<>(tcp.counters());
    }

    /** Polls the TCP users, sends what TCP made, and sets the timer for TCP's next deadline. */
    private void tcpWork() {
        if (!tcpUsers.isEmpty()) {
            tcpUsers.removeIf(u -> !u.poll());
        }
        for (TcpHost.Outgoing o : tcp.drain()) {
            sendIpv4(Ipv4Packet.of(Ipv4Packet.PROTOCOL_TCP, o.src(), o.dst(), identification++ & 0xffff,
                    o.tcpBytes()));
        }
        long next = tcp.nextDeadline();
        if (next < timerAt) {
            if (timer != null) {
                timer.cancel();
            }
            timerAt = next;
            timer = clock.schedule(next, this::onTimer);
        }
    }

    private void onTimer() {
        List<byte[]> frames;
        synchronized (this) {
            timerAt = Long.MAX_VALUE;
            timer = null;
            try {
                tcp.tick(clock.now());
                tcpWork();
            } catch (RuntimeException e) {
                counts.merge(Outcome.INTERNAL_ERROR, 1L, Long::sum);
            }
            frames = takeOut();
        }
        frames.forEach(port::transmit);
    }

    /** An IPv4 packet of the gateway's to a station of the LAN: out now, or once ARP has found the station. */
    private void sendIpv4(Ipv4Packet p) {
        MacAddr mac = neighbours.get(p.dst().value());
        if (mac != null) {
            out.add(new EthernetFrame(mac, MAC, EthernetFrame.ETHERTYPE_IPV4, p.encode()).encode());
            return;
        }
        ArrayDeque<Ipv4Packet> waiting = awaitingArp.computeIfAbsent(p.dst().value(), k -> new ArrayDeque<>());
        if (waiting.size() < MAX_AWAITING_ARP) {
            waiting.add(p);
        }
        long now = clock.now();
        Long asked = arpAsked.get(p.dst().value());
        if (asked == null || now - asked >= ARP_RETRY_NANOS) {
            arpAsked.put(p.dst().value(), now);
            out.add(new EthernetFrame(MacAddr.BROADCAST, MAC, EthernetFrame.ETHERTYPE_ARP,
                    ArpPacket.request(MAC, GATEWAY, p.dst()).encode()).encode());
        }
    }

    private List<byte[]> takeOut() {
        if (out.isEmpty()) {
            return List.of();
        }
        List<byte[]> frames = List.copyOf(out);
        out.clear();
        return frames;
    }

    @Override
    public void linkChanged(boolean up) {
        // The gateway's own cable is never pulled; a NIC's cable is the NIC's business.
    }

    /** The leases, one line each in address order: {@code 10.0.2.15 52:54:00:12:34:56 expires in 3599s}. */
    synchronized List<String> leases() {
        return dhcp.leases(clock.now());
    }

    /** Frames received so far. */
    synchronized long received() {
        return received;
    }

    /** How many frames ended in {@code outcome}. */
    synchronized long count(Outcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    /** The outcomes that happened, described for people, with their counts, in a fixed order. */
    synchronized Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((outcome, n) -> out.put(outcome.text, n));
        return out;
    }

    /** The ARP table: the stations of the subnet heard from, by IPv4 address. */
    synchronized Map<Ipv4Addr, MacAddr> neighbours() {
        Map<Ipv4Addr, MacAddr> out = new LinkedHashMap<>();
        neighbours.forEach((ip, mac) -> out.put(new Ipv4Addr(ip), mac));
        return out;
    }

    private Optional<byte[]> handle(byte[] bytes) {
        EthernetFrame frame = parse(() -> EthernetFrame.parse(bytes));
        if (frame == null) {
            return drop(Outcome.MALFORMED_FRAME);
        }
        if (frame.src().isMulticast()) {
            return drop(Outcome.BAD_SOURCE);
        }
        // On a switch we still see floods of unknown unicast, and every multicast: none of it is ours.
        if (!frame.dst().equals(MAC) && !frame.dst().equals(MacAddr.BROADCAST)) {
            return drop(Outcome.NOT_FOR_US);
        }
        return switch (frame.etherType()) {
            case EthernetFrame.ETHERTYPE_ARP -> arp(frame);
            case EthernetFrame.ETHERTYPE_IPV4 -> ipv4(frame);
            default -> drop(Outcome.ETHERTYPE);
        };
    }

    private Optional<byte[]> arp(EthernetFrame frame) {
        ArpPacket arp = parse(() -> ArpPacket.parse(frame.payload()));
        if (arp == null) {
            return drop(Outcome.MALFORMED_ARP);
        }
        if (arp.senderMac().isMulticast()) {
            return drop(Outcome.BAD_SOURCE);
        }
        learn(arp.senderIp(), arp.senderMac());
        if (arp.op() == ArpPacket.REQUEST && isOurs(arp.targetIp())) {
            // RFC 826: the reply goes to the asker alone, not to everyone.
            return reply(Outcome.ARP_REPLY,
                    new EthernetFrame(arp.senderMac(), MAC, EthernetFrame.ETHERTYPE_ARP, arp.reply(MAC).encode()));
        }
        return drop(Outcome.ARP_OTHER);
    }

    /** Remembers who sends from an address of the subnet, as slirp does; probes (from 0.0.0.0) teach nothing. */
    private void learn(Ipv4Addr ip, MacAddr mac) {
        if (ip.inSubnet(NETWORK, PREFIX_LENGTH) && !isOurs(ip) && !ip.equals(NETWORK)
                && !ip.equals(SUBNET_BROADCAST)) {
            neighbours.put(ip.value(), mac); // at most 252 entries: the subnet bounds the table
            ArrayDeque<Ipv4Packet> waiting = awaitingArp.remove(ip.value());
            arpAsked.remove(ip.value());
            if (waiting != null) {
                waiting.forEach(this::sendIpv4);
            }
        }
    }

    private Optional<byte[]> ipv4(EthernetFrame frame) {
        Ipv4Packet ip = parse(() -> Ipv4Packet.parse(frame.payload()));
        if (ip == null) {
            return drop(Outcome.MALFORMED_IPV4);
        }
        if (ip.isFragment()) {
            return drop(Outcome.FRAGMENT);
        }
        boolean broadcast = ip.dst().equals(Ipv4Addr.BROADCAST) || ip.dst().equals(SUBNET_BROADCAST);
        if (!broadcast && !isOurs(ip.dst())) {
            return drop(ip.dst().inSubnet(NETWORK, PREFIX_LENGTH) ? Outcome.OTHER_HOST : Outcome.NO_ROUTE);
        }
        return switch (ip.protocol()) {
            case Ipv4Packet.PROTOCOL_UDP -> udp(frame, ip, broadcast);
            case Ipv4Packet.PROTOCOL_ICMP -> broadcast ? drop(Outcome.BROADCAST) : icmp(frame, ip);
            case Ipv4Packet.PROTOCOL_TCP -> {
                if (broadcast || !ip.dst().equals(GATEWAY)) {
                    yield drop(broadcast ? Outcome.BROADCAST : Outcome.NO_SERVICE);
                }
                tcp.input(ip.src(), ip.dst(), ip.payload(), clock.now());
                yield drop(Outcome.TCP); // answers, if any, come from TCP's queue (tcpWork)
            }
            default -> drop(broadcast ? Outcome.BROADCAST : Outcome.NO_SERVICE);
        };
    }

    private Optional<byte[]> icmp(EthernetFrame frame, Ipv4Packet ip) {
        IcmpMessage icmp = parse(() -> IcmpMessage.parse(ip.payload()));
        if (icmp == null) {
            return drop(Outcome.MALFORMED_ICMP);
        }
        if (icmp.type() != IcmpMessage.ECHO_REQUEST) {
            return drop(Outcome.ICMP_OTHER);
        }
        if (!isUnicast(ip.src())) {
            return drop(Outcome.BAD_SOURCE); // nobody to answer (RFC 1122 3.2.2.6 says not to, either)
        }
        // Same identifier, sequence number and data (RFC 792), from the address that was pinged.
        IcmpMessage echo = new IcmpMessage(IcmpMessage.ECHO_REPLY, 0, icmp.restOfHeader(), icmp.payload());
        return reply(Outcome.ECHO_REPLY, frame.src(), ip.dst(), ip.src(), Ipv4Packet.PROTOCOL_ICMP, echo.encode());
    }

    private Optional<byte[]> udp(EthernetFrame frame, Ipv4Packet ip, boolean broadcast) {
        UdpDatagram udp = parse(() -> UdpDatagram.parse(ip.payload(), ip.src(), ip.dst()));
        if (udp == null) {
            return drop(Outcome.MALFORMED_UDP);
        }
        if (udp.dstPort() != DhcpMessage.SERVER_PORT || ip.dst().equals(DNS)) {
            return drop(broadcast ? Outcome.BROADCAST : Outcome.NO_SERVICE);
        }
        DhcpMessage request = parse(() -> DhcpMessage.parse(udp.payload()));
        if (request == null) {
            return drop(Outcome.MALFORMED_DHCP);
        }
        UserNetDhcp.Answer answer = dhcp.answer(request, clock.now());
        if (answer.reply() == null) {
            return drop(answer.outcome());
        }
        // A client without an address yet (or that asks for it) can only hear a broadcast.
        boolean toAll = answer.to().equals(Ipv4Addr.BROADCAST);
        MacAddr mac = toAll ? MacAddr.BROADCAST : request.chaddr();
        byte[] datagram = new UdpDatagram(DhcpMessage.SERVER_PORT, DhcpMessage.CLIENT_PORT,
                answer.reply().encode()).encode(GATEWAY, answer.to());
        return reply(answer.outcome(), mac, GATEWAY, answer.to(), Ipv4Packet.PROTOCOL_UDP, datagram);
    }

    /** How a packet is read: one of the wire library's parsers, applied. */
    private interface Parser<T> {
        T parse() throws MalformedPacketException;
    }

    /** What {@code parser} reads, or null when the bytes are malformed (the caller counts why). */
    private static <T> T parse(Parser<T> parser) {
        try {
            return parser.parse();
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    private Optional<byte[]> reply(Outcome outcome, MacAddr dstMac, Ipv4Addr src, Ipv4Addr dst, int protocol,
            byte[] payload) {
        // TTL 64 (Ipv4Packet.of); the identification just counts, so runs replay exactly.
        Ipv4Packet ip = Ipv4Packet.of(protocol, src, dst, identification++ & 0xffff, payload);
        return reply(outcome, new EthernetFrame(dstMac, MAC, EthernetFrame.ETHERTYPE_IPV4, ip.encode()));
    }

    private Optional<byte[]> reply(Outcome outcome, EthernetFrame frame) {
        counts.merge(outcome, 1L, Long::sum);
        return Optional.of(frame.encode());
    }

    private Optional<byte[]> drop(Outcome outcome) {
        counts.merge(outcome, 1L, Long::sum);
        return Optional.empty();
    }

    private static boolean isOurs(Ipv4Addr ip) {
        return ip.equals(GATEWAY) || ip.equals(DNS);
    }

    /** Whether a packet from {@code ip} can be answered: not 0.0.0.0, a broadcast, multicast or class E. */
    private static boolean isUnicast(Ipv4Addr ip) {
        return !ip.equals(Ipv4Addr.ANY) && !ip.equals(SUBNET_BROADCAST) && (ip.value() >>> 28) < 0xe;
    }
}
