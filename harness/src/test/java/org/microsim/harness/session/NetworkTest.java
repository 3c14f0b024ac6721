package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.Lease;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.NetTables;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.script.Outcome;
import org.microsim.hosttools.HostTools;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * The whole network path of two demo machines on the user LAN, driven as a user drives it: e1000 models, ethd,
 * netd, the LAN and the lockstep world.
 */
class NetworkTest {
    @TempDir
    Path dir;

    /** The demo machine and a second one, b, both booted, with addresses .15 and .16 set by hand. */
    static ConsoleMachine twoMachines(MachineOptions options) throws Exception {
        ConsoleMachine m = ConsoleMachine.with(options);
        m.run("machine", "add", "b");
        m.run("on", "b", "boot");
        m.run("ifconfig", "eth0", "10.0.2.15/24");
        m.run("on", "b", "ifconfig", "eth0", "10.0.2.16/24");
        return m;
    }

    static MachineOptions seeded(long seed, Path pcap) {
        return new MachineOptions(List.of(), List.of(), seed, false, Optional.empty(), Optional.ofNullable(pcap),
                false);
    }

    @Test
    void arpResolvesAndPingIsAnswered() throws Exception {
        try (ConsoleMachine m = twoMachines(seeded(1, null))) {
            String ping = m.run("ping", "10.0.2.16", "-c", "3");
            assertTrue(ping.contains("3 packets transmitted, 3 received, 0% packet loss"), ping);
            assertTrue(m.run("arp").matches("(?s).*10\\.0\\.2\\.16 +52:54:00:12:35:56 +eth0 +reachable.*"),
                    m.run("arp"));
            assertTrue(m.run("on", "b", "arp").contains("10.0.2.15        52:54:00:12:34:56"), "b learned a");
            assertTrue(m.run("route").contains("10.0.2.0/24"), m.run("route"));
        }
    }

    @Test
    void udpDatagramsArriveIntactAlsoWhenFragmented() throws Exception {
        try (ConsoleMachine m = twoMachines(seeded(2, null))) {
            m.run("on", "b", "spawn", "udpecho");
            ConsoleClient netd = m.lab().machine(Lab.FIRST).client("netd");
            NetRequest.Bound socket = netd.call(new NetRequest.UdpBind(0));
            SplittableRandom random = new SplittableRandom(2);
            for (int size : new int[] {0, 1, 1472, 1473, 4000, 20_000, NetRequest.MAX_DATAGRAM}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                netd.call(new NetRequest.UdpSend(socket.socket(), Ipv4Addr.parse("10.0.2.16").value(), 7),
                        Lease.readOnly(data));
                byte[] inbox = new byte[NetRequest.MAX_DATAGRAM];
                NetTables.Datagram d = netd.call(new NetRequest.UdpReceive(socket.socket(), 2000),
                        Lease.writeOnly(inbox));
                assertEquals(size, d.length(), "echo of " + size + " bytes");
                assertEquals(Ipv4Addr.parse("10.0.2.16").value(), d.source());
                assertEquals(7, d.port());
                assertArrayEquals(data, java.util.Arrays.copyOf(inbox, size), size + " bytes came back intact");
            }
        }
    }

    @Test
    void aPulledCableLosesPingsAndPuttingItBackHeals() throws Exception {
        try (ConsoleMachine m = twoMachines(seeded(3, null))) {
            m.run("ping", "10.0.2.16", "-c", "1");
            String down = m.run("on", "b", "link", "down", "eth0");
            assertTrue(down.contains("netd: eth0 link down"), down);
            Outcome lost = m.invoke("ping", "10.0.2.16", "-c", "2");
            assertTrue(lost instanceof Outcome.Failure, lost.text());
            assertTrue(lost.text().contains("100% packet loss"), lost.text());
            assertTrue(m.run("on", "b", "ifconfig", "eth0").contains("link down"));
            m.run("on", "b", "link", "up", "eth0");
            assertTrue(m.run("ping", "10.0.2.16", "-c", "2").contains("0% packet loss"));
        }
    }

    @Test
    void aCrashedEthdComesBackAndNetdRebindsKeepingItsAddress() throws Exception {
        try (ConsoleMachine m = twoMachines(seeded(4, null))) {
            m.run("ping", "10.0.2.16", "-c", "1");
            String crash = m.run("on", "b", "crash", "ethd");
            assertTrue(crash.contains("netd: eth0 is back (its driver restarted)"), crash);
            assertTrue(m.run("on", "b", "ifconfig", "eth0").contains("inet 10.0.2.16/24"), "the address stays");
            assertTrue(m.run("ping", "10.0.2.16", "-c", "3").contains("3 received"));
            String crashNetd = m.run("crash", "netd");
            assertTrue(crashNetd.contains("netd: eth0 52:54:00:12:34:56, link up"), crashNetd);
        }
    }

    @Test
    void switchPortsAreInterfacesAndTheConduitIsNot() throws Exception {
        MachineOptions options = new MachineOptions(List.of(), List.of("model=mt7531,ports=2"), 5, false,
                Optional.empty(), Optional.empty(), false);
        try (ConsoleMachine m = ConsoleMachine.with(options)) {
            String ifconfig = m.run("ifconfig");
            assertTrue(ifconfig.contains("sw0: link up") && ifconfig.contains("sw1: link up"), ifconfig);
            assertFalse(ifconfig.contains("eth0:"), ifconfig);
            java.util.regex.Matcher inet = java.util.regex.Pattern.compile("inet (10\\.0\\.2\\.\\d+)/24")
                    .matcher(ifconfig);
            assertTrue(inet.find(), ifconfig);
            String first = inet.group(1);
            assertTrue(inet.find(), ifconfig);
            assertFalse(first.equals(inet.group(1)), "each port its own address, by its own MAC: " + ifconfig);
            assertTrue(ifconfig.contains("02:00:12:34:56:01") && ifconfig.contains("02:00:12:34:56:02"), ifconfig);
            String lsdev = m.run("lsdev");
            assertTrue(lsdev.matches("(?s).*eth0: network ethernet 8086:100e DMA.*\n +sw0: network switch_port "
                    + "4d54:7531 INTERNAL.*"), lsdev);
            m.run("link", "down", "sw1");
            m.run("sleep", "2s");
            assertTrue(m.run("ifconfig", "sw1").contains("link down"));
            assertTrue(m.run("ifconfig", "sw0").contains("link up"));
        }
    }

    @Test
    void theCaptureIsTheSameForTheSameSeedAndTsharkReadsItClean() throws Exception {
        Path a = dir.resolve("a.pcapng");
        Path b = dir.resolve("b.pcapng");
        for (Path p : List.of(a, b)) {
            try (ConsoleMachine m = twoMachines(seeded(6, p))) {
                m.run("ping", "10.0.2.16", "-c", "2", "-s", "3000");
                m.run("on", "b", "spawn", "udpecho");
                m.run("udp", "send", "10.0.2.16", "7", "hello");
            }
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same capture");
        HostTools.require("tshark");
        String[] checked = {"tshark", "-r", a.toString(), "-o", "ip.check_checksum:TRUE", "-o",
            "udp.check_checksum:TRUE"};
        String all = HostTools.ok(checked).out();
        assertTrue(all.contains("ARP") && all.contains("DHCP Discover") && all.contains("Echo (ping) reply"), all);
        assertFalse(HostTools.ok("tshark", "-r", a.toString(), "-Y", "udp.port == 7").out().isBlank(), "udp echo");
        String[] errors = java.util.stream.Stream.concat(java.util.Arrays.stream(checked),
                java.util.stream.Stream.of("-Y", "_ws.malformed || _ws.expert.severity >= error")).toArray(String[]::new);
        assertEquals("", HostTools.ok(errors).out().strip(), "no malformed packet, no bad checksum");
        String fragments = HostTools.ok("tshark", "-r", a.toString(), "-Y", "ip.flags.mf == 1").out();
        assertFalse(fragments.isBlank(), "the 3000-byte pings went out in fragments");
    }

    @Test
    void tsharkReadsAnHttpFetchOverTcpCleanAndTheSameSeedWritesTheSameCapture() throws Exception {
        Path[] files = {dir.resolve("h1.pcapng"), dir.resolve("h2.pcapng")};
        for (Path p : files) {
            try (ConsoleMachine m = ConsoleMachine.with(seeded(7, p))) {
                m.run("machine", "add", "b");
                m.run("on", "b", "boot");
                String fetched = m.run("on", "b", "fetch", "http://10.0.2.15/ahci0:disk1p1/HELLO.TXT",
                        "/vol/ahci0:disk0p2/hello.txt");
                assertTrue(m.run("on", "b", "cat", "/vol/ahci0:disk0p2/hello.txt").contains("Hello from disk 1"),
                        fetched);
            }
        }
        assertArrayEquals(Files.readAllBytes(files[0]), Files.readAllBytes(files[1]), "same seed, same capture");
        HostTools.require("tshark");
        String[] checked = {"tshark", "-r", files[0].toString(), "-o", "ip.check_checksum:TRUE", "-o",
            "tcp.check_checksum:TRUE"};
        String all = HostTools.ok((Object[]) checked).out();
        assertTrue(all.contains("GET /ahci0:disk1p1/HELLO.TXT HTTP/1.1") && all.contains("HTTP/1.1 200 OK"), all);
        assertTrue(all.contains("[SYN]") && all.contains("[FIN, ACK]"), "a whole TCP session: " + all);
        String[] errors = java.util.stream.Stream.concat(java.util.Arrays.stream(checked),
                java.util.stream.Stream.of("-Y", "_ws.malformed || _ws.expert.severity >= error")).toArray(String[]::new);
        assertEquals("", HostTools.ok((Object[]) errors).out().strip(), "no malformed packet, no bad checksum");
    }

    /**
     * Under the free scheduler each machine's NIC sends from its own timer thread, which holds its kernel's lock; two
     * machines sending to each other at once once deadlocked when each scheduled its frames on the other's clock.
     */
    @Test
    void twoMachinesUnderTheFreeSchedulerMoveTcpDataWithoutDeadlock() throws Exception {
        MachineOptions free = new MachineOptions(List.of(), List.of(), 1, true, Optional.empty(), Optional.empty(),
                false);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(90), () -> {
            try (ConsoleMachine m = ConsoleMachine.with(free)) {
                m.run("machine", "add", "b");
                m.run("on", "b", "boot");
                m.run("on", "b", "spawn", "tcpperf", "recv", "5001");
                m.run("spawn", "tcpperf", "send", "10.0.2.16", "5001", "4M");
                String seen = "";
                for (int i = 0; i < 300 && !seen.contains("received 4194304 bytes, 0 wrong"); i++) {
                    seen += m.run("on", "b", "sleep", "100ms");
                }
                assertTrue(seen.contains("received 4194304 bytes, 0 wrong"), seen);
            }
        });
    }
}
