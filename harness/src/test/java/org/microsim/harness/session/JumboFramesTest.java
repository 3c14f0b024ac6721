package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.script.Outcome;
import org.microsim.hosttools.HostTools;

/**
 * Jumbo frames from the console to the wire: {@code ifconfig eth0 mtu 9000} on two machines, checked in the
 * capture (segment sizes, MSS options, fragments) with tshark, not by assumption.
 */
class JumboFramesTest {
    @TempDir
    Path dir;

    /** Sets {@code iface}'s MTU on the machine {@code on} names ("" for the first); its ifconfig row says it. */
    private static void mtu(ConsoleMachine m, String on, int mtu) {
        String out = on.isEmpty() ? m.run("ifconfig", "eth0", "mtu", Integer.toString(mtu))
                : m.run("on", on, "ifconfig", "eth0", "mtu", Integer.toString(mtu));
        assertTrue(out.contains("eth0: link up, 52:54:00:12:3") && out.contains(", mtu " + mtu + ", static"), out);
    }

    /** tcpperf sends {@code size} from the first machine to b; every byte arrives checked. */
    private static void transfer(ConsoleMachine m, int port, String size, long bytes) {
        m.run("on", "b", "spawn", "tcpperf", "recv", Integer.toString(port));
        m.run("spawn", "tcpperf", "send", "10.0.2.16", Integer.toString(port), size);
        String done = "received " + bytes + " bytes, 0 wrong";
        String seen = "";
        for (int i = 0; i < 300 && !seen.contains(done); i++) {
            seen += m.run("on", "b", "sleep", "100ms");
        }
        assertTrue(seen.contains(done), seen);
    }

    /** The distinct values of a tshark field over the packets {@code filter} picks, as numbers, sorted. */
    private static List<Integer> field(Path pcap, String filter, String name) throws Exception {
        String out = HostTools.ok("tshark", "-r", pcap.toString(), "-Y", filter, "-T", "fields", "-e", name).out();
        return out.lines().filter(l -> !l.isBlank()).map(String::strip).map(Integer::valueOf).distinct().sorted()
                .toList();
    }

    private static String[] checked(Path pcap, String... more) {
        return Stream.concat(Stream.of("tshark", "-r", pcap.toString(), "-o", "ip.check_checksum:TRUE", "-o",
                "tcp.check_checksum:TRUE"), Arrays.stream(more))
                .toArray(String[]::new);
    }

    @Test
    void atMtu9000TcpSendsSegmentsOf8960AndPingsOf8000BytesAreNotFragmented() throws Exception {
        Path pcap = dir.resolve("jumbo.pcapng");
        Path again = dir.resolve("again.pcapng");
        for (Path p : List.of(pcap, again)) {
            try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(21, p))) {
                mtu(m, "", 9000);
                mtu(m, "b", 9000);
                transfer(m, 5001, "2M", 2L << 20);
                String ping = m.run("ping", "10.0.2.16", "-c", "2", "-s", "8000");
                assertTrue(ping.contains("2 packets transmitted, 2 received"), ping);
            }
        }
        assertArrayEquals(Files.readAllBytes(pcap), Files.readAllBytes(again), "same seed, same capture");
        HostTools.require("tshark");
        assertEquals(List.of(8960), field(pcap, "tcp.flags.syn == 1", "tcp.options.mss_val"), "both SYNs: 9000 - 40");
        List<Integer> lengths = field(pcap, "tcp.len > 0 && tcp.srcport != 5001", "tcp.len");
        assertEquals(8960, lengths.getLast(), "full segments are 8960 bytes: " + lengths);
        assertEquals(9014, field(pcap, "tcp.len == 8960", "frame.len").getFirst(), "in one 9014-byte frame each");
        assertEquals(List.of(8042), field(pcap, "icmp", "frame.len"), "8000 bytes of echo data and 42 of headers");
        assertEquals("", HostTools.ok("tshark", "-r", pcap.toString(), "-Y", "ip.flags.mf == 1 || ip.frag_offset > 0")
                .out().strip(), "no fragments at all");
        assertEquals("", HostTools.ok(checked(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= error")).out()
                .strip(), "no malformed packet, no bad checksum");
    }

    /** One side at 9000, the other at 1500: each SYN says its own MSS, and the segments both ways fit 1460. */
    @Test
    void mixedMtusNegotiateTheSmallerMss() throws Exception {
        Path pcap = dir.resolve("mixed.pcapng");
        try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(22, pcap))) {
            mtu(m, "", 9000);
            transfer(m, 5001, "1M", 1L << 20);
        }
        HostTools.require("tshark");
        assertEquals(List.of(1460, 8960), field(pcap, "tcp.flags.syn == 1", "tcp.options.mss_val"));
        assertEquals(1460, field(pcap, "tcp.len > 0", "tcp.len").getLast(), "min(peer's MSS, own MTU - 40)");
        assertEquals("", HostTools.ok(checked(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= error")).out()
                .strip(), "no malformed packet, no bad checksum");
    }

    /**
     * The MTU survives a restart of either side: a restarted ethd starts at 1500 and netd sets it again (else b's
     * NIC would drop the 8000-byte pings, LPE clear); a restarted netd reads it from ethd, which kept it.
     */
    @Test
    void theMtuSurvivesRestartsOfEthdAndOfNetd() throws Exception {
        try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(23, null))) {
            mtu(m, "", 9000);
            mtu(m, "b", 9000);
            String crash = m.run("on", "b", "crash", "ethd");
            assertTrue(crash.contains("netd: eth0 is back (its driver restarted)")
                    && crash.contains("ethd: eth0 mtu 9000"), crash);
            assertTrue(m.run("ping", "10.0.2.16", "-c", "2", "-s", "8000").contains("2 received"));
            m.run("on", "b", "crash", "netd");
            m.run("on", "b", "ifconfig", "eth0", "10.0.2.16/24");
            assertTrue(m.run("on", "b", "ifconfig", "eth0").contains(", mtu 9000, "), m.run("on", "b", "ifconfig"));
            assertTrue(m.run("ping", "10.0.2.16", "-c", "2", "-s", "8000").contains("2 received"));
        }
    }

    @Test
    void badMtusGetAOneLineErrorAndChangeNothing() throws Exception {
        try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(24, null))) {
            assertTrue(m.run("ifconfig", "eth0").contains(", mtu 1500, "), m.run("ifconfig", "eth0"));
            for (String bad : List.of("10", "67", "16111", "100000", "99999999999", "x", "-1", "9000.5")) {
                Outcome o = m.invoke("ifconfig", "eth0", "mtu", bad);
                Outcome.Misuse misuse = assertInstanceOf(Outcome.Misuse.class, o, bad + ": " + o.text());
                assertEquals("'" + bad + "' is not an MTU from 68 to 16110", misuse.message());
            }
            assertInstanceOf(Outcome.Misuse.class, m.invoke("ifconfig", "eth0", "mtu"));
            assertInstanceOf(Outcome.Misuse.class, m.invoke("ifconfig", "eth0", "mtu", "9000", "9000"));
            Outcome none = m.invoke("ifconfig", "eth9", "mtu", "9000");
            assertInstanceOf(Outcome.Failure.class, none);
            assertTrue(none.text().contains("no interface eth9") && !none.text().contains("Exception")
                    && none.text().lines().count() == 1, none.text());
            assertTrue(m.run("ifconfig", "eth0").contains(", mtu 1500, "), "nothing changed");
            assertTrue(m.run("help", "ifconfig").contains("mtu N"), m.run("help", "ifconfig"));
        }
    }
}
