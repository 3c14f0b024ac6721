package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.microsim.abi.Lease;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.NetTables;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;
import org.microsim.services.netd.wire.ArpPacket;
import org.microsim.services.netd.wire.EthernetFrame;
import org.microsim.services.netd.wire.IcmpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;
import org.microsim.services.netd.wire.UdpDatagram;

/**
 * netd under fire: a station on the demo machine's LAN sends it random frames, whole UDP datagrams (some cut into
 * fragments that arrive shuffled and duplicated) and damaged ones (a flipped bit, a cut, garbage, fragments that
 * overlap with different bytes, a lying length). netd never crashes, answers pings after, delivers every whole
 * datagram exactly once, and never a byte of a damaged one.
 */
class NetdFuzzProperties {
    static final MacAddr NETD_MAC = MacAddr.parse("52:54:00:12:34:56");
    static final MacAddr FUZZER_MAC = MacAddr.parse("02:00:00:00:00:99");
    static final Ipv4Addr NETD = Ipv4Addr.parse("10.0.2.15");
    static final Ipv4Addr FUZZER = Ipv4Addr.parse("10.0.2.99");
    static final int PORT = 9;

    /** A station that only talks. */
    static final class Fuzzer implements EthernetLink.Station {
        @Override
        public void receive(byte[] frame) {
        }

        @Override
        public void linkChanged(boolean up) {
        }
    }

    @Property(tries = 15)
    void randomAndDamagedFramesNeverCrashNetdNorDeliverCorruptedDatagrams(
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 20) int datagrams)
            throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        try (ConsoleMachine m = ConsoleMachine.demo()) {
            SimSession main = m.lab().machine(Lab.FIRST);
            Lan lan = main.network().lans().getFirst();
            Lan.Port fuzzer = lan.plug(new Fuzzer(), "fuzzer");
            ConsoleClient netd = main.client("netd");
            NetRequest.Bound socket = netd.call(new NetRequest.UdpBind(PORT));
            TaskInfo before = netdTask(main);

            // How often each payload may come out: a whole datagram at least once, at most as often as the LAN
            // carried a full set of its fragments (UDP does not remove duplicates); a damaged one never more.
            java.util.Map<String, Integer> owed = new java.util.HashMap<>();
            java.util.Map<String, Integer> allowed = new java.util.HashMap<>();
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < datagrams; i++) {
                byte[] payload = new byte[random.nextInt(0, 4000)];
                random.nextBytes(payload);
                Ipv4Packet p = Ipv4Packet.of(Ipv4Packet.PROTOCOL_UDP, FUZZER, NETD, 1000 + i,
                        new UdpDatagram(4000 + i, PORT, payload).encode(FUZZER, NETD));
                List<byte[]> pieces = pieces(p, random);
                String key = Arrays.toString(payload);
                allowed.merge(key, copies(pieces), Integer::sum);
                if (random.nextInt(3) == 0) {
                    frames.addAll(damaged(pieces, p, random));
                } else {
                    owed.merge(key, 1, Integer::sum);
                    frames.addAll(pieces);
                }
                for (int k = random.nextInt(3); k > 0; k--) {
                    byte[] junk = new byte[random.nextInt(0, 1600)];
                    random.nextBytes(junk);
                    frames.add(junk);
                }
            }
            for (byte[] f : frames) {
                fuzzer.transmit(f);
            }
            m.run("sleep", "20ms");

            List<byte[]> got = new ArrayList<>();
            byte[] inbox = new byte[NetRequest.MAX_DATAGRAM];
            while (true) {
                NetTables.Datagram d;
                try {
                    d = netd.call(new NetRequest.UdpReceive(socket.socket(), 1), Lease.writeOnly(inbox));
                } catch (CommandFailedException e) {
                    break; // nothing more waiting
                }
                got.add(Arrays.copyOf(inbox, d.length()));
            }
            // Only the very bytes of a datagram sent ever come out (damage that missed what matters, such as the
            // padding, leaves one whole), never more often than the LAN carried it, and every whole one does.
            for (byte[] g : got) {
                String key = Arrays.toString(g);
                assertTrue(allowed.merge(key, -1, Integer::sum) >= 0, "a datagram that was never sent came out, or "
                        + "more often than it was sent (seed " + seed + ")");
                owed.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            }
            assertTrue(owed.isEmpty(), owed.size() + " whole datagrams never came out (seed " + seed + ")");
            assertEquals(before.id(), netdTask(main).id(), "netd never crashed");
            assertTrue(m.run("ping", "10.0.2.2", "-c", "1").contains("1 received"), "netd still answers");
        }
    }

    /** How many full sets of a datagram's frames {@code frames} hold. */
    private static int copies(List<byte[]> frames) {
        java.util.Map<String, Integer> count = new java.util.HashMap<>();
        frames.forEach(f -> count.merge(Arrays.toString(f), 1, Integer::sum));
        return count.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    /** The datagram as frames: whole, or cut at a random MTU, shuffled, with some fragments twice. */
    private static List<byte[]> pieces(Ipv4Packet p, SplittableRandom random) {
        List<Ipv4Packet> cut = p.totalLength() <= 1500 && random.nextBoolean() ? List.of(p)
                : p.fragment(random.nextInt(68, 1501));
        List<byte[]> out = new ArrayList<>();
        for (Ipv4Packet piece : cut) {
            out.add(frame(piece.encode()));
            if (random.nextInt(5) == 0) {
                out.add(frame(piece.encode()));
            }
        }
        for (int i = out.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte[] t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }

    /** The datagram's frames, with one kind of damage no checksum lets through. */
    private static List<byte[]> damaged(List<byte[]> pieces, Ipv4Packet p, SplittableRandom random) {
        List<byte[]> out = new ArrayList<>();
        pieces.forEach(f -> out.add(f.clone()));
        int which = random.nextInt(out.size());
        byte[] f = out.get(which);
        switch (random.nextInt(4)) {
            case 0 -> { // one flipped bit past the Ethernet header: a checksum catches it
                int bit = random.nextInt(14 * 8, f.length * 8);
                f[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            case 1 -> out.set(which, Arrays.copyOf(f, random.nextInt(14, f.length))); // cut short
            case 2 -> { // a fragment overlapping another with different bytes
                List<Ipv4Packet> cut = p.fragment(random.nextInt(68, 600));
                Ipv4Packet first = cut.getFirst();
                byte[] forged = first.payload();
                forged[forged.length - 1] ^= 1;
                Ipv4Packet overlap = new Ipv4Packet(first.tos(), first.identification(), false, true, 0, first.ttl(),
                        first.protocol(), first.src(), first.dst(), first.options(), forged);
                out.clear();
                cut.forEach(c -> out.add(frame(c.encode())));
                out.add(random.nextInt(out.size() + 1), frame(overlap.encode()));
            }
            default -> { // a total length that lies, past what the frame holds
                f[14 + 2] = (byte) 0xff;
                f[14 + 3] = (byte) 0xff;
            }
        }
        if (random.nextBoolean()) { // and now and then something else entirely
            out.add(frame(ArpPacket.request(FUZZER_MAC, FUZZER, NETD).encode(), EthernetFrame.ETHERTYPE_ARP));
            out.add(frame(Ipv4Packet.of(Ipv4Packet.PROTOCOL_ICMP, FUZZER, NETD, 77, IcmpMessage.echoRequest(1, 1,
                    new byte[8]).encode()).encode()));
        }
        return out;
    }

    private static byte[] frame(byte[] ip) {
        return frame(ip, EthernetFrame.ETHERTYPE_IPV4);
    }

    private static byte[] frame(byte[] payload, int type) {
        return new EthernetFrame(NETD_MAC, FUZZER_MAC, type, payload).encode();
    }

    private static TaskInfo netdTask(SimSession s) throws CommandFailedException {
        return s.task("netd");
    }
}
