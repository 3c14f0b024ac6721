package org.microsim.services.netd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Sys;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.NetTables;
import org.microsim.services.netd.tcp.TcpConfig;
import org.microsim.services.netd.tcp.TcpHost;
import org.microsim.services.netd.wire.ArpPacket;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.EthernetFrame;
import org.microsim.services.netd.wire.IcmpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;
import org.microsim.services.netd.wire.MalformedPacketException;
import org.microsim.services.netd.wire.Reassembler;
import org.microsim.services.netd.wire.UdpDatagram;

/**
 * The IPv4 stack: interfaces, ARP, IPv4 with routing and reassembly, ICMP echo and UDP, as event functions over
 * the virtual clock (Fuchsia's netstack3 shape: a frame came, a request came, the time came), with no thread and
 * no clock of its own.
 *
 * <pre>
 *   frame ─▶ Ethernet ─┬─ ARP ──▶ answer requests for our address; learn; send what waited
 *                      └─ IPv4 ─▶ checksum, for us? ─▶ reassemble ─┬─ ICMP ─▶ echo request: reply; echo reply: ping
 *                                                                 └─ UDP ──▶ port 68: DHCP; else a socket
 *   send ─▶ route (connected subnet, else the default gateway) ─▶ fragment to the MTU ─▶ ARP ─▶ frame ─▶ driver
 * </pre>
 *
 * <p>The TCP data path copies no layer into a record of its own. A received frame is read in place: Ethernet and
 * IPv4 headers by offset, the TCP segment as a view into the frame, its data copied once, into the receive
 * buffer. A segment to send is built by TCP in a buffer with room in front ({@link #HEADROOM}), and IPv4 and
 * Ethernet write their headers there, so the frame is the buffer the data was copied into from the send buffer.
 * The rarer paths (ARP, ICMP, UDP, DHCP, fragments, a packet waiting for ARP) still make records, copying.
 *
 * <p>Each interface has its own MTU: a packet is fragmented to the MTU of the interface it leaves by, and a TCP
 * connection announces the MSS of its route's interface, the MTU less 40 bytes of IPv4 and TCP headers (RFC 9293
 * 3.7.1, RFC 879), and sends segments no bigger than that or the peer's MSS, whichever is less.
 *
 * <p>Everything that does not parse, is not for this host, or has nowhere to go is dropped and counted under its
 * reason ({@link Counters}); no input makes the stack throw. netd is a host, not a router: it forwards nothing.
 */
final class Stack {
    /** What TCP leaves free in front of a segment it makes: the Ethernet and IPv4 headers written there later. */
    static final int HEADROOM = EthernetFrame.HEADER_LENGTH + Ipv4Packet.MIN_HEADER_LENGTH;
    private static final long SECOND = 1_000_000_000L;
    /** An IPv4 and a TCP header without options (RFC 879): what the MSS leaves out of the MTU. */
    private static final int TCP_HEADERS = 40;

    private final Sys sys;
    final Counters counters = new Counters();
    final UdpSockets udp;
    final Pings pings;
    final TcpHost tcp;
    private final Reassembler reassembler = new Reassembler(64, Ipv4Packet.MAX_LENGTH, 15 * SECOND);
    private final Map<String, Interface> interfaces = new LinkedHashMap<>();
    private int identification;

    Stack(Sys sys) {
        this.sys = sys;
        this.udp = new UdpSockets(sys, counters);
        this.pings = new Pings(sys);
        // Fifteen retransmissions before a connection gives up, as Linux's tcp_retries2: on a LAN that loses a third
        // of its frames, twelve (the library's default) end a long transfer now and then.
        this.tcp = new TcpHost(sys::random, TcpConfig.DEFAULT.withRetries(15, TcpConfig.DEFAULT.synRetries(),
                TcpConfig.DEFAULT.maxRto()), this::mss, HEADROOM, EthernetFrame.MIN_LENGTH);
        this.identification = (int) sys.random() & 0xffff;
    }

    Interface get(String name) {
        return interfaces.get(name);
    }

    Interface byToken(int token) {
        for (Interface i : interfaces.values()) {
            if (i.token == token) {
                return i;
            }
        }
        return null;
    }

    Interface byPortId(long portId) {
        for (Interface i : interfaces.values()) {
            if (i.portId == portId) {
                return i;
            }
        }
        return null;
    }

    void add(Interface i) {
        interfaces.put(i.name, i);
    }

    void remove(Interface i) {
        interfaces.remove(i.name);
        i.dhcp.stop();
        i.arp.clear();
    }

    Iterable<Interface> all() {
        return interfaces.values();
    }

    // ---- receive ----

    /**
     * A frame from {@code i}'s driver: {@code length} bytes of {@code b} from {@code offset}, read in place; nothing
     * of it is kept after the call (whatever must stay is copied), so the caller may reuse the buffer.
     */
    void input(Interface i, byte[] b, int offset, int length, long now) {
        i.rxFrames++;
        EthernetFrame.Header f;
        try {
            f = EthernetFrame.Header.read(b, offset, length);
        } catch (MalformedPacketException e) {
            drop(i, "ethernet: malformed");
            return;
        }
        if (!f.dst().equals(i.mac) && !f.dst().equals(MacAddr.BROADCAST)) {
            drop(i, "ethernet: not for us");
            return;
        }
        int payload = offset + EthernetFrame.HEADER_LENGTH;
        switch (f.etherType()) {
            case EthernetFrame.ETHERTYPE_ARP -> arp(i, Arrays.copyOfRange(b, payload, offset + length), now);
            case EthernetFrame.ETHERTYPE_IPV4 -> ipv4(i, b, payload, offset + length - payload, now);
            default -> drop(i, "ethernet: unknown type");
        }
    }

    private void arp(Interface i, byte[] payload, long now) {
        ArpPacket a;
        try {
            a = ArpPacket.parse(payload);
        } catch (MalformedPacketException e) {
            drop(i, "arp: malformed");
            return;
        }
        boolean forUs = i.configured() && a.targetIp().equals(i.address);
        for (Ipv4Packet waiting : i.arp.learn(a.senderIp(), a.senderMac(), forUs, now)) {
            frameOut(i, a.senderMac(), waiting);
        }
        if (forUs && a.op() == ArpPacket.REQUEST) {
            ArpPacket reply = a.reply(i.mac);
            i.transmit(List.of(new EthernetFrame(a.senderMac(), i.mac, EthernetFrame.ETHERTYPE_ARP, reply.encode())
                    .encode()));
        } else if (!forUs) {
            counters.add("arp: not for us");
        }
    }

    /** The IPv4 packet in {@code length} bytes of {@code b} from {@code offset}, read in place. */
    private void ipv4(Interface i, byte[] b, int offset, int length, long now) {
        Ipv4Packet.Header p;
        try {
            p = Ipv4Packet.parseHeader(b, offset, length);
        } catch (MalformedPacketException e) {
            drop(i, "ipv4: malformed");
            return;
        }
        boolean ours = i.configured() && (p.dst().equals(i.address) || p.dst().equals(i.subnetBroadcast()))
                || p.dst().equals(Ipv4Addr.BROADCAST)
                || !i.configured() && p.protocol() == Ipv4Packet.PROTOCOL_UDP; // a DHCP offer to the address to be
        if (!ours) {
            drop(i, "ipv4: not for us");
            return;
        }
        if (p.protocol() == Ipv4Packet.PROTOCOL_TCP && !p.isFragment()) {
            tcp.input(p.src(), p.dst(), b, p.payloadOffset(), p.payloadLength(), now); // the data path: no copy
        } else {
            deliver(i, p.packet(b), now);
        }
    }

    /** A packet for this host, whole or a fragment, from {@code i} (or from this host itself). */
    private void deliver(Interface i, Ipv4Packet p, long now) {
        if (p.isFragment()) {
            switch (reassembler.accept(p, now)) {
                case Reassembler.Delivered d -> p = d.datagram();
                case Reassembler.Pending pending -> {
                    return;
                }
                case Reassembler.Refused r -> {
                    drop(i, "ipv4: fragment refused (" + r.reason().description() + ")");
                    return;
                }
            }
        }
        switch (p.protocol()) {
            case Ipv4Packet.PROTOCOL_ICMP -> icmp(i, p, now);
            case Ipv4Packet.PROTOCOL_UDP -> udp(i, p, now);
            case Ipv4Packet.PROTOCOL_TCP -> tcp.input(p.src(), p.dst(), p.payload(), now);
            default -> drop(i, "ipv4: unsupported protocol");
        }
    }

    private void icmp(Interface i, Ipv4Packet p, long now) {
        IcmpMessage m;
        try {
            m = IcmpMessage.parse(p.payload());
        } catch (MalformedPacketException e) {
            drop(i, "icmp: malformed");
            return;
        }
        if (m.type() == IcmpMessage.ECHO_REQUEST && p.dst().equals(i.address)) {
            IcmpMessage reply = IcmpMessage.echoReply(m.identifier(), m.sequence(), m.payload());
            send(Ipv4Packet.of(Ipv4Packet.PROTOCOL_ICMP, i.address, p.src(), nextId(), reply.encode()), now);
        } else if (m.type() == IcmpMessage.ECHO_REPLY && pings.reply(p.src(), m, p.ttl(), now)) {
            return;
        } else {
            drop(i, "icmp: unexpected");
        }
    }

    private void udp(Interface i, Ipv4Packet p, long now) {
        UdpDatagram d;
        try {
            d = UdpDatagram.parse(p.payload(), p.src(), p.dst());
        } catch (MalformedPacketException e) {
            drop(i, "udp: malformed");
            return;
        }
        if (d.dstPort() == DhcpMessage.CLIENT_PORT) {
            try {
                if (!i.dhcp.receive(DhcpMessage.parse(d.payload()), now)) {
                    counters.add("dhcp: not for us");
                }
            } catch (MalformedPacketException e) {
                drop(i, "dhcp: malformed");
            }
            return;
        }
        if (!i.configured()) {
            drop(i, "ipv4: not for us");
        } else if (!udp.deliver(d.dstPort(), p.src(), d.srcPort(), d.payload())) {
            drop(i, "udp: no socket");
        }
    }

    private void drop(Interface i, String why) {
        i.dropped++;
        counters.add(why);
    }

    // ---- send ----

    int nextId() {
        identification = identification + 1 & 0xffff;
        return identification;
    }

    /** Where a packet to {@code dst} leaves, and through which next hop; null when there is no route. */
    record Hop(Interface iface, Ipv4Addr nextHop) {
    }

    Hop route(Ipv4Addr dst) {
        Interface best = null;
        for (Interface i : interfaces.values()) {
            if (i.onLink(dst) && (best == null || i.prefix > best.prefix)) {
                best = i;
            }
        }
        if (best != null) {
            return new Hop(best, dst);
        }
        for (Interface i : interfaces.values()) {
            if (i.configured() && dst.equals(Ipv4Addr.BROADCAST)) {
                return new Hop(i, dst);
            }
        }
        for (Interface i : interfaces.values()) {
            if (i.configured() && !i.gateway.equals(Ipv4Addr.ANY)) {
                return new Hop(i, i.gateway);
            }
        }
        return null;
    }

    /**
     * The MSS a TCP connection to {@code remote} announces and sends at most: the MTU of the
     * interface its packets leave by, less 40 (RFC 9293 3.7.1: the IPv4 and TCP headers without options); a
     * connection to this host itself takes the MTU of the interface with that address, as Linux's loopback would
     * its own. With no route (yet) it is the default, 1460.
     */
    private int mss(Ipv4Addr remote) {
        Interface out = owner(remote);
        Hop hop = out == null ? route(remote) : null;
        if (hop != null) {
            out = hop.iface();
        }
        return out == null ? TcpConfig.DEFAULT.mss() : out.mtu - TCP_HEADERS;
    }

    /** {@code dst} itself when it is one of this host's addresses (a connection to itself), else null. */
    Ipv4Addr localAddress(Ipv4Addr dst) {
        return owner(dst) == null ? null : dst;
    }

    /** The interface that has {@code dst} as its address, or null when it is no address of this host's. */
    private Interface owner(Ipv4Addr dst) {
        for (Interface i : interfaces.values()) {
            if (i.configured() && dst.equals(i.address)) {
                return i;
            }
        }
        return null;
    }

    /**
     * Sends the segments TCP has made, each in an IPv4 packet, and each interface's frames to its driver together
     * (a burst of segments is then one SEND per lease-full). A segment to this host itself comes back in at once and
     * may make more; the rounds are bounded, and what is left waits for the next turn.
     */
    void flushTcp(long now) {
        List<Interface> all = List.copyOf(interfaces.values());
        List<byte[]> sent = new ArrayList<>();
        all.forEach(Interface::hold);
        try {
            for (int round = 0; round < 64; round++) {
                List<TcpHost.Outgoing> out = tcp.drain();
                if (out.isEmpty()) {
                    return;
                }
                for (TcpHost.Outgoing o : out) {
                    sendTcp(o, now);
                    sent.add(o.buffer());
                }
            }
        } finally {
            all.forEach(Interface::release);
            // Only now, with every held frame handed to its driver (which copied it) or dropped, are the buffers free.
            sent.forEach(tcp::recycle);
        }
    }

    /**
     * Sends a segment TCP made as {@link #send} would send it in a packet of its own, but, when it goes out whole to
     * a neighbour whose address is known (every segment of a transfer), by writing the IPv4 and Ethernet headers
     * into the headroom of the segment's buffer and handing that buffer to the driver as the frame: the same bytes,
     * no copy. Anything else (to this host, no route, broadcast, too big, address unknown) goes the general way.
     */
    private void sendTcp(TcpHost.Outgoing o, long now) {
        int id = nextId();
        Hop hop = owner(o.dst()) != null ? null : route(o.dst());
        MacAddr mac = hop == null || Ipv4Packet.MIN_HEADER_LENGTH + o.length() > hop.iface().mtu
                || isBroadcast(hop.iface(), hop.nextHop()) ? null
                : hop.iface().arp.lookup(hop.nextHop(), now);
        if (mac == null || o.offset() != HEADROOM) {
            send(Ipv4Packet.of(Ipv4Packet.PROTOCOL_TCP, o.src(), o.dst(), id, o.tcpBytes()), now);
            return;
        }
        byte[] frame = o.buffer();
        Ipv4Packet.writeHeader(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.PROTOCOL_TCP, o.src(), o.dst(), id,
                o.length());
        new EthernetFrame.Header(mac, hop.iface().mac, EthernetFrame.ETHERTYPE_IPV4).write(frame, 0);
        hop.iface().transmit(List.of(frame));
    }

    /** Whether a packet to {@code nextHop} on {@code i} goes to every station. */
    private static boolean isBroadcast(Interface i, Ipv4Addr nextHop) {
        return nextHop.equals(Ipv4Addr.BROADCAST) || i.configured() && nextHop.equals(i.subnetBroadcast());
    }

    /** Sends a packet by the routing table; false when it has no route (counted). */
    boolean send(Ipv4Packet p, long now) {
        Interface self = owner(p.dst());
        if (self != null) {
            deliver(self, p, now); // to this host itself: no wire, as through Linux's loopback
            return true;
        }
        Hop hop = route(p.dst());
        if (hop == null) {
            counters.add("ipv4: no route");
            return false;
        }
        return sendOn(hop.iface(), hop.nextHop(), p, now);
    }

    /** Sends on {@code i} to {@code nextHop} (broadcast goes to every station), fragmenting to its MTU. */
    boolean sendOn(Interface i, Ipv4Addr nextHop, Ipv4Packet p, long now) {
        List<Ipv4Packet> pieces = p.totalLength() <= i.mtu ? List.of(p) : p.fragment(i.mtu);
        if (isBroadcast(i, nextHop)) {
            return i.transmit(frames(i, MacAddr.BROADCAST, pieces));
        }
        MacAddr mac = i.arp.lookup(nextHop, now);
        if (mac != null) {
            return i.transmit(frames(i, mac, pieces));
        }
        boolean ok = true;
        for (Ipv4Packet piece : pieces) {
            if (i.arp.full(nextHop)) {
                counters.add("arp: too many waiting");
                ok = false;
            } else if (i.arp.await(nextHop, piece, now)) {
                arpRequest(i, nextHop);
            }
        }
        return ok;
    }

    private void frameOut(Interface i, MacAddr mac, Ipv4Packet p) {
        i.transmit(frames(i, mac, List.of(p)));
    }

    private static List<byte[]> frames(Interface i, MacAddr dst, List<Ipv4Packet> pieces) {
        List<byte[]> out = new ArrayList<>(pieces.size());
        for (Ipv4Packet piece : pieces) {
            out.add(new EthernetFrame(dst, i.mac, EthernetFrame.ETHERTYPE_IPV4, piece.encode()).encode());
        }
        return out;
    }

    private void arpRequest(Interface i, Ipv4Addr ip) {
        ArpPacket request = ArpPacket.request(i.mac, i.address, ip);
        i.transmit(List.of(new EthernetFrame(MacAddr.BROADCAST, i.mac, EthernetFrame.ETHERTYPE_ARP, request.encode())
                .encode()));
    }

    /**
     * A UDP datagram from the caller's socket port {@code srcPort}.
     *
     * @throws NetException UNREACHABLE without a route, BUSY when the driver could not take the frames now (its
     *                      transmit queue is full, or the link is down): the datagram is not sent, and the caller
     *                      may try again, as a blocking socket would wait
     */
    void sendUdp(int srcPort, Ipv4Addr dst, int dstPort, byte[] data, long now) throws NetException {
        if (data.length > NetRequest.MAX_DATAGRAM) {
            throw new NetException(NetError.MESSAGE_TOO_LONG, data.length + " bytes do not fit a UDP datagram");
        }
        Hop hop = route(dst);
        if (hop == null) {
            throw new NetException(NetError.UNREACHABLE, "no route to " + dst);
        }
        Ipv4Addr src = hop.iface().address;
        byte[] udpBytes = new UdpDatagram(srcPort, dstPort, data).encode(src, dst);
        if (!send(Ipv4Packet.of(Ipv4Packet.PROTOCOL_UDP, src, dst, nextId(), udpBytes), now)) {
            counters.add("udp: not sent (driver busy or link down)");
            throw new NetException(NetError.BUSY, hop.iface().name + " cannot take the datagram now (its queue is "
                    + "full or its link is down)");
        }
    }

    /** A DHCP message of {@code i}'s client: broadcast from 0.0.0.0, or unicast to the server when bound. */
    void sendDhcp(Interface i, DhcpMessage m, Ipv4Addr server, long now) {
        Ipv4Addr src = server == null ? Ipv4Addr.ANY : i.address;
        Ipv4Addr dst = server == null ? Ipv4Addr.BROADCAST : server;
        byte[] udpBytes = new UdpDatagram(DhcpMessage.CLIENT_PORT, DhcpMessage.SERVER_PORT, m.encode()).encode(src,
                dst);
        Ipv4Packet p = Ipv4Packet.of(Ipv4Packet.PROTOCOL_UDP, src, dst, nextId(), udpBytes);
        if (server == null) {
            i.transmit(frames(i, MacAddr.BROADCAST, List.of(p)));
        } else {
            send(p, now);
        }
    }

    /** An echo request of a ping; false when there is no route. */
    boolean sendEcho(Ipv4Addr to, IcmpMessage request, long now) {
        Hop hop = route(to);
        if (hop == null) {
            counters.add("ipv4: no route");
            return false;
        }
        return send(Ipv4Packet.of(Ipv4Packet.PROTOCOL_ICMP, hop.iface().address, to, nextId(), request.encode()),
                now);
    }

    // ---- time ----

    long nextDeadline() {
        long next = Math.min(Math.min(pings.nextDeadline(), udp.nextDeadline()), tcp.nextDeadline());
        for (Interface i : interfaces.values()) {
            next = Math.min(next, Math.min(i.arp.nextDeadline(), i.dhcp.nextDeadline()));
        }
        return reassembler.inProgress() > 0 ? Math.min(next, sys.now() + SECOND) : next;
    }

    void tick(long now) {
        reassembler.expire(now);
        for (Interface i : List.copyOf(interfaces.values())) {
            ArpCache.Work w = i.arp.tick(now);
            for (Ipv4Addr ip : w.requests()) {
                arpRequest(i, ip);
            }
            for (int k = 0; k < w.abandoned(); k++) {
                counters.add("arp: no answer");
            }
            i.dhcp.tick(now);
        }
        pings.tick(now, (to, request) -> sendEcho(to, request, now));
        udp.tick(now);
        tcp.tick(now);
        flushTcp(now);
    }

    // ---- tables ----

    /** Every counter: the stack's own, then TCP's, each under {@code tcp: }. */
    List<NetRequest.Counter> counters() {
        List<NetRequest.Counter> all = new ArrayList<>(counters.all());
        tcp.counters().forEach((name, value) -> all.add(new NetRequest.Counter("tcp: " + name, value)));
        return all;
    }

    List<NetTables.Interface> interfaces(long now) {
        return interfaces.values().stream().map(i -> i.row(now)).toList();
    }

    List<NetTables.Neighbour> neighbours(long now) {
        List<NetTables.Neighbour> out = new ArrayList<>();
        interfaces.values().forEach(i -> out.addAll(i.arp.table(i.name, now)));
        return out;
    }

    List<NetTables.Route> routes() {
        List<NetTables.Route> out = new ArrayList<>();
        for (Interface i : interfaces.values()) {
            if (i.configured()) {
                int mask = i.prefix == 0 ? 0 : -1 << (32 - i.prefix);
                out.add(new NetTables.Route(i.address.value() & mask, i.prefix, 0, i.name));
            }
        }
        for (Interface i : interfaces.values()) {
            if (i.configured() && !i.gateway.equals(Ipv4Addr.ANY)) {
                out.add(new NetTables.Route(0, 0, i.gateway.value(), i.name));
            }
        }
        return out;
    }
}
