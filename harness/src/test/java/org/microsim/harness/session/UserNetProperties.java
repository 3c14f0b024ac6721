package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.microsim.harness.session.UserNet.Outcome;
import org.microsim.harness.session.UserNetBench.Client;
import org.microsim.services.netd.wire.ArpPacket;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.DhcpOptions;
import org.microsim.services.netd.wire.EthernetFrame;
import org.microsim.services.netd.wire.IcmpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;

/**
 * What a user network does with anything the wire brings: it never throws, counts every frame under exactly one
 * outcome, never the internal error, and never grants one address to two clients at once.
 */
class UserNetProperties {
    private static final MacAddr CLIENT = MacAddr.parse("52:54:00:12:34:56");
    private static final Ipv4Addr ME = Ipv4Addr.parse("10.0.2.15");

    /** Valid frames of every kind the gateway handles, to be damaged. */
    private static final List<EthernetFrame> VALID = validFrames();

    private static List<EthernetFrame> validFrames() {
        List<EthernetFrame> frames = new ArrayList<>();
        frames.add(new EthernetFrame(MacAddr.BROADCAST, CLIENT, EthernetFrame.ETHERTYPE_ARP,
                ArpPacket.request(CLIENT, ME, UserNet.GATEWAY).encode()));
        frames.add(UserNetBench.ipFrame(CLIENT, UserNet.MAC, Ipv4Packet.of(Ipv4Packet.PROTOCOL_ICMP, ME,
                UserNet.GATEWAY, 3, IcmpMessage.echoRequest(1, 2, new byte[40]).encode())));
        DhcpOptions asked = DhcpOptions.EMPTY.withRequestedIp(ME).withServerId(UserNet.GATEWAY);
        for (int type : new int[] {DhcpMessage.DISCOVER, DhcpMessage.REQUEST, DhcpMessage.RELEASE,
                DhcpMessage.DECLINE, DhcpMessage.INFORM}) {
            frames.add(UserNetBench.dhcpFrame(UserNetBench.message(type, CLIENT,
                    type == DhcpMessage.INFORM || type == DhcpMessage.RELEASE ? ME : Ipv4Addr.ANY, asked)));
        }
        return List.copyOf(frames);
    }

    /** Sends the frames straight to a fresh gateway and checks the counting; returns it. */
    private static UserNet receiveAll(List<byte[]> frames) {
        UserNetBench bench = new UserNetBench();
        for (byte[] frame : frames) {
            bench.net.receive(frame); // straight in: the LAN would drop frames shorter than a header
            bench.clock.runUntilIdle();
        }
        assertCountedOnce(bench.net, frames.size());
        return bench.net;
    }

    private static void assertCountedOnce(UserNet net, long frames) {
        assertEquals(0, net.count(Outcome.INTERNAL_ERROR), net.counters().toString());
        assertEquals(frames, net.received());
        assertEquals(frames, Arrays.stream(Outcome.values()).mapToLong(net::count).sum(), net.counters().toString());
    }

    @Property
    void randomBytesNeverThrowAndAreEachCountedOnce(@ForAll @Size(max = 20) List<@From("noise") byte[]> frames) {
        receiveAll(frames);
    }

    /** Bytes of any length, often with a header that reaches the gateway's parsers. */
    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(1600);
        Arbitrary<Integer> type = Arbitraries.of(EthernetFrame.ETHERTYPE_IPV4, EthernetFrame.ETHERTYPE_ARP, 0x86dd);
        Arbitrary<byte[]> addressed = Combinators.combine(Arbitraries.of(UserNet.MAC, MacAddr.BROADCAST), type,
                raw).as((dst, t, payload) -> new EthernetFrame(dst, CLIENT, t, payload).encode());
        return Arbitraries.oneOf(raw, addressed);
    }

    @Property
    void damagedValidFramesNeverThrowAndAreEachCountedOnce(
            @ForAll @Size(max = 20) List<@From("damaged") byte[]> frames) {
        receiveAll(frames);
    }

    /**
     * A valid frame damaged at one layer: its bytes anywhere (most fail a checksum); or the IPv4 payload or the
     * DHCP message, wrapped again with good headers and checksums, so that the damage reaches the inner parsers
     * and the DHCP server.
     */
    @Provide
    Arbitrary<byte[]> damaged() {
        Arbitrary<EthernetFrame> valid = Arbitraries.of(VALID);
        Arbitrary<List<int[]>> edits = Arbitraries.integers().between(0, 1 << 20).array(int[].class).ofSize(2)
                .list().ofMinSize(1).ofMaxSize(6);
        Arbitrary<Integer> cut = Arbitraries.integers().between(-1, 400);
        return Combinators.combine(valid, Arbitraries.integers().between(0, 2), edits, cut)
                .as((frame, layer, e, length) -> switch (layer) {
                    case 0 -> damage(frame.encode(), e, length);
                    case 1 -> rewrapIp(frame, e, length);
                    default -> rewrapDhcp(frame, e, length);
                });
    }

    /** {@code b} with each edit (position, value) made, then cut to {@code length} bytes unless that is -1. */
    private static byte[] damage(byte[] b, List<int[]> edits, int length) {
        byte[] out = length < 0 ? b.clone() : Arrays.copyOf(b, length);
        for (int[] edit : edits) {
            if (out.length > 0) {
                out[edit[0] % out.length] = (byte) edit[1];
            }
        }
        return out;
    }

    private static byte[] rewrapIp(EthernetFrame frame, List<int[]> edits, int length) {
        try {
            Ipv4Packet ip = Ipv4Packet.parse(frame.payload());
            Ipv4Packet bad = Ipv4Packet.of(ip.protocol(), ip.src(), ip.dst(), 9, damage(ip.payload(), edits, length));
            return UserNetBench.ipFrame(frame.src(), frame.dst(), bad).encode();
        } catch (Exception e) {
            return damage(frame.encode(), edits, length); // ARP: no IPv4 layer to damage
        }
    }

    private static byte[] rewrapDhcp(EthernetFrame frame, List<int[]> edits, int length) {
        try {
            byte[] dhcp = UserNetBench.parseDhcpBytes(frame);
            return UserNetBench.udpFrame(frame.src(), frame.dst(), ME, Ipv4Addr.BROADCAST, DhcpMessage.CLIENT_PORT,
                    DhcpMessage.SERVER_PORT, damage(dhcp, edits, length)).encode();
        } catch (Exception e) {
            return rewrapIp(frame, edits, length); // not DHCP
        }
    }

    /** One step of a few clients' DHCP lives. */
    record Step(int client, int kind, int address, int seconds) {
    }

    @Provide
    Arbitrary<List<Step>> lives() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(10, 24), Arbitraries.of(1, 30, 61, 1800, 3601))
                .as(Step::new).list().ofMaxSize(40);
    }

    /**
     * Four clients discover, request (what they were offered, or an address of their own choosing, from this
     * server or, when {@code kind} says so, another), release, decline and let time pass, in any order: no two of
     * them are ever acknowledged the same address while both leases run, and the lease table has each address
     * and each client at most once, every address in the pool.
     */
    @Property
    void noAddressIsEverGrantedToTwoClientsAtOnce(@ForAll("lives") List<Step> steps) throws Exception {
        UserNetBench bench = new UserNetBench();
        Client via = bench.client("52:54:00:00:00:99");
        Map<Integer, Ipv4Addr> offered = new HashMap<>();
        Map<Integer, Ipv4Addr> bound = new HashMap<>();
        Map<Integer, Long> until = new HashMap<>();
        for (Step s : steps) {
            MacAddr mac = new MacAddr(CLIENT.value() + s.client);
            Ipv4Addr chosen = new Ipv4Addr(ME.value() + s.address - 15);
            DhcpOptions options = DhcpOptions.EMPTY;
            int type = DhcpMessage.REQUEST;
            Ipv4Addr ciaddr = Ipv4Addr.ANY;
            switch (s.kind) {
                case 0 -> type = DhcpMessage.DISCOVER;
                case 1 -> options = options.withServerId(UserNet.GATEWAY)
                        .withRequestedIp(offered.getOrDefault(s.client, chosen));
                case 2 -> options = options.withRequestedIp(chosen);
                case 3 -> options = options.withServerId(Ipv4Addr.parse("10.0.2.99")).withRequestedIp(chosen);
                case 4 -> {
                    type = DhcpMessage.RELEASE;
                    ciaddr = bound.getOrDefault(s.client, chosen);
                }
                case 5 -> {
                    type = DhcpMessage.DECLINE;
                    options = options.withRequestedIp(bound.getOrDefault(s.client, chosen));
                }
                default -> {
                    bench.clock.advance(s.seconds * 1_000_000_000L);
                    continue;
                }
            }
            DhcpMessage reply = bench.dhcp(via, UserNetBench.message(type, mac, ciaddr, options));
            if (type == DhcpMessage.RELEASE || type == DhcpMessage.DECLINE) {
                bound.remove(s.client); // its own address given back, or a stranger's that it does not hold
            }
            int replyType = reply == null ? 0 : reply.options().messageType().getAsInt();
            if (replyType == DhcpMessage.OFFER) {
                offered.put(s.client, reply.yiaddr());
            } else if (replyType == DhcpMessage.ACK) {
                long now = bench.clock.now();
                for (var other : bound.entrySet()) {
                    assertTrue(other.getKey() == s.client || !other.getValue().equals(reply.yiaddr())
                            || until.get(other.getKey()) <= now, reply.yiaddr() + " granted twice");
                }
                bound.put(s.client, reply.yiaddr());
                until.put(s.client, now + UserNetDhcp.LEASE_SECONDS * 1_000_000_000L);
            }
            List<String> table = bench.net.leases();
            Set<String> addresses = new HashSet<>();
            Set<String> macs = new HashSet<>();
            for (String line : table) {
                String[] words = line.split(" ");
                int last = Ipv4Addr.parse(words[0]).value() - ME.value();
                assertTrue(last >= 0 && last < UserNetDhcp.POOL_SIZE, line);
                assertTrue(addresses.add(words[0]), "address twice in " + table);
                assertTrue(words[1].equals("declined,") || macs.add(words[1]), "client twice in " + table);
            }
        }
        assertCountedOnce(bench.net, bench.net.received());
    }
}
