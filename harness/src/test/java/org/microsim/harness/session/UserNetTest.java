package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.session.UserNet.Outcome;
import org.microsim.harness.session.UserNetBench.Client;
import org.microsim.hosttools.HostTools;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.NetCapture;
import org.microsim.services.netd.tcp.TcpSegment;
import org.microsim.services.netd.wire.ArpPacket;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.DhcpOptions;
import org.microsim.services.netd.wire.EthernetFrame;
import org.microsim.services.netd.wire.IcmpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;

/** The user network's gateway, DNS address and DHCP server, driven by real frames on a LAN without a kernel. */
class UserNetTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Ipv4Addr GATEWAY = UserNet.GATEWAY;

    private final UserNetBench bench = new UserNetBench();
    private final Client a = bench.client("52:54:00:12:34:56");
    private final Client b = bench.client("52:54:00:12:34:57");

    @TempDir
    Path dir;

    private static Ipv4Addr ip(String text) {
        return Ipv4Addr.parse(text);
    }

    private static EthernetFrame arpRequest(Client from, Ipv4Addr senderIp, Ipv4Addr target) {
        return new EthernetFrame(MacAddr.BROADCAST, from.mac, EthernetFrame.ETHERTYPE_ARP,
                ArpPacket.request(from.mac, senderIp, target).encode());
    }

    private static EthernetFrame ping(Client from, Ipv4Addr src, Ipv4Addr dst, int id, int seq, byte[] data) {
        return UserNetBench.ipFrame(from.mac, UserNet.MAC,
                Ipv4Packet.of(Ipv4Packet.PROTOCOL_ICMP, src, dst, 1, IcmpMessage.echoRequest(id, seq, data).encode()));
    }

    private DhcpMessage discover(Client c) throws Exception {
        return bench.dhcp(c, UserNetBench.message(DhcpMessage.DISCOVER, c.mac, Ipv4Addr.ANY, DhcpOptions.EMPTY));
    }

    private DhcpMessage request(Client c, Ipv4Addr server, Ipv4Addr wanted) throws Exception {
        DhcpOptions options = DhcpOptions.EMPTY.withRequestedIp(wanted);
        return bench.dhcp(c, UserNetBench.message(DhcpMessage.REQUEST, c.mac, Ipv4Addr.ANY,
                server == null ? options : options.withServerId(server)));
    }

    @Test
    void arpForTheGatewayAndTheDnsAddressIsAnsweredToTheAskerAlone() throws Exception {
        for (Ipv4Addr target : List.of(GATEWAY, UserNet.DNS)) {
            List<EthernetFrame> heard = bench.exchange(a, arpRequest(a, ip("10.0.2.15"), target));
            assertEquals(1, heard.size(), heard.toString());
            EthernetFrame frame = heard.get(0);
            assertEquals(a.mac, frame.dst(), "unicast to the asker");
            assertEquals(UserNet.MAC, frame.src());
            ArpPacket reply = ArpPacket.parse(frame.payload());
            assertEquals(new ArpPacket(ArpPacket.REPLY, UserNet.MAC, target, a.mac, ip("10.0.2.15")), reply);
        }
        List<EthernetFrame> atB = b.take();
        assertTrue(atB.stream().allMatch(f -> f.dst().equals(MacAddr.BROADCAST)), "B hears only the requests");
        assertEquals(2, bench.net.count(Outcome.ARP_REPLY));

        assertEquals(List.of(), bench.exchange(a, arpRequest(a, ip("10.0.2.15"), ip("10.0.2.16"))), "not ours");
        assertEquals(Map.of(ip("10.0.2.15"), a.mac), bench.net.neighbours(), "the sender is learned");
        assertEquals(1, bench.net.count(Outcome.ARP_OTHER));
    }

    @Test
    void aPingToTheGatewayOrTheDnsAddressIsEchoed() throws Exception {
        byte[] data = "microsim ping data".getBytes(StandardCharsets.US_ASCII);
        for (Ipv4Addr target : List.of(GATEWAY, UserNet.DNS)) {
            List<EthernetFrame> heard = bench.exchange(a, ping(a, ip("10.0.2.15"), target, 0x4d2, 7, data));
            assertEquals(1, heard.size(), heard.toString());
            assertEquals(a.mac, heard.get(0).dst());
            Ipv4Packet ip = Ipv4Packet.parse(heard.get(0).payload()); // checks the header checksum
            assertEquals(target, ip.src());
            assertEquals(ip("10.0.2.15"), ip.dst());
            assertEquals(64, ip.ttl());
            IcmpMessage echo = IcmpMessage.parse(ip.payload()); // and the ICMP checksum
            assertEquals(IcmpMessage.ECHO_REPLY, echo.type());
            assertEquals(0x4d2, echo.identifier());
            assertEquals(7, echo.sequence());
            assertArrayEquals(data, echo.payload());
        }
        assertEquals(2, bench.net.count(Outcome.ECHO_REPLY));
    }

    @Test
    void otherTrafficToTheGatewayIsDroppedAndCounted() throws Exception {
        Ipv4Addr me = ip("10.0.2.15");
        assertEquals(List.of(), bench.exchange(a, ping(a, me, ip("8.8.8.8"), 1, 1, new byte[8])));
        assertEquals(List.of(), bench.exchange(a, UserNetBench.udpFrame(a.mac, UserNet.MAC, me, UserNet.DNS, 5353,
                53, new byte[12])));
        assertEquals(List.of(), bench.exchange(a, UserNetBench.ipFrame(a.mac, UserNet.MAC,
                Ipv4Packet.of(Ipv4Packet.PROTOCOL_TCP, me, GATEWAY, 2, new byte[20]))));
        assertEquals(List.of(), bench.exchange(a, new EthernetFrame(UserNet.MAC, a.mac, 0x86dd, new byte[40])));
        assertEquals(1, bench.net.count(Outcome.NO_ROUTE));
        assertEquals(1, bench.net.count(Outcome.NO_SERVICE));
        assertEquals(1, bench.net.count(Outcome.TCP), "TCP for the gateway goes to its TCP, which drops a bad one");
        assertEquals(1, bench.net.count(Outcome.ETHERTYPE));
        assertEquals(4, bench.net.received());
        assertEquals(Map.of("dropped: neither IPv4 nor ARP", 1L, "dropped: IPv4 off the LAN (no routing yet)", 1L,
                "dropped: no such service at the gateway", 1L, "TCP segments for the gateway", 1L),
                bench.net.counters());
        assertEquals(Map.of("dropped: malformed", 1L), bench.net.tcpCounters());
    }

    @Test
    void aSynToAPortOfTheGatewayIsRefusedAfterArpFindsTheSender() throws Exception {
        Ipv4Addr me = ip("10.0.2.15");
        TcpSegment syn = new TcpSegment(40000, 80, 1000, 0, TcpSegment.SYN, 8192, 0, 1460, -1, new byte[0]);
        List<EthernetFrame> heard = bench.exchange(a, UserNetBench.ipFrame(a.mac, UserNet.MAC,
                Ipv4Packet.of(Ipv4Packet.PROTOCOL_TCP, me, GATEWAY, 3, syn.encode(me, GATEWAY))));
        assertEquals(1, heard.size(), "the gateway does not know 10.0.2.15 yet, so it asks: " + heard);
        assertEquals(MacAddr.BROADCAST, heard.get(0).dst());
        ArpPacket ask = ArpPacket.parse(heard.get(0).payload());
        assertEquals(ArpPacket.REQUEST, ask.op());
        assertEquals(me, ask.targetIp());
        assertEquals(GATEWAY, ask.senderIp());

        heard = bench.exchange(a, new EthernetFrame(UserNet.MAC, a.mac, EthernetFrame.ETHERTYPE_ARP,
                ask.reply(a.mac).encode()));
        assertEquals(1, heard.size(), "the answer that waited for ARP: " + heard);
        assertEquals(a.mac, heard.get(0).dst());
        Ipv4Packet ip = Ipv4Packet.parse(heard.get(0).payload());
        assertEquals(GATEWAY, ip.src());
        TcpSegment rst = TcpSegment.parse(ip.payload(), ip.src(), ip.dst());
        assertTrue(rst.has(TcpSegment.RST) && rst.has(TcpSegment.ACK), rst.toString());
        assertEquals(1001, rst.ack(), "RFC 9293: the RST acknowledges the SYN");
        assertEquals(40000, rst.dstPort());
    }

    @Test
    void theFullExchangeGivesTheFirstAddressWithEveryOption() throws Exception {
        DhcpMessage offer = discover(a);
        assertEquals(DhcpMessage.BOOTREPLY, offer.op());
        assertEquals(0x1234_0000 + DhcpMessage.DISCOVER, offer.xid(), "the transaction is echoed");
        assertEquals(ip("10.0.2.15"), offer.yiaddr());
        assertEquals(a.mac, offer.chaddr());
        assertOptions(DhcpMessage.OFFER, offer.options());

        DhcpMessage ack = request(a, GATEWAY, offer.yiaddr());
        assertEquals(ip("10.0.2.15"), ack.yiaddr());
        assertOptions(DhcpMessage.ACK, ack.options());
        assertEquals(List.of("10.0.2.15 52:54:00:12:34:56 expires in 3599s"), bench.net.leases());
        assertEquals(1, bench.net.count(Outcome.DHCP_OFFER));
        assertEquals(1, bench.net.count(Outcome.DHCP_ACK));
    }

    private static void assertOptions(int type, DhcpOptions options) {
        assertEquals(List.of(53, 54, 51, 58, 59, 1, 3, 6), List.copyOf(options.asMap().keySet()), "in that order");
        assertEquals(type, options.messageType().getAsInt());
        assertEquals(GATEWAY, options.serverId().orElseThrow());
        assertEquals(3600, options.leaseTime().getAsLong());
        assertEquals(1800, options.renewalTime().getAsLong());
        assertEquals(3150, options.rebindingTime().getAsLong());
        assertEquals(ip("255.255.255.0"), options.subnetMask().orElseThrow());
        assertEquals(List.of(GATEWAY), options.routers());
        assertEquals(List.of(UserNet.DNS), options.dnsServers());
    }

    @Test
    void repliesAreBroadcastToAClientWithoutAnAddressAndUnicastToOneWithIt() throws Exception {
        a.port.transmit(UserNetBench.dhcpFrame(
                UserNetBench.message(DhcpMessage.DISCOVER, a.mac, Ipv4Addr.ANY, DhcpOptions.EMPTY)).encode());
        bench.clock.runUntilIdle();
        EthernetFrame offer = a.take().get(0);
        assertEquals(MacAddr.BROADCAST, offer.dst());
        Ipv4Packet ip = Ipv4Packet.parse(offer.payload());
        assertEquals(GATEWAY, ip.src());
        assertEquals(Ipv4Addr.BROADCAST, ip.dst());
        assertTrue(b.take().contains(offer), "B hears the broadcast offer too");
        request(a, GATEWAY, ip("10.0.2.15"));
        b.take();

        // Renewing (T1): ciaddr set, no option 50 or 54, and the ACK comes to the address, to A alone.
        DhcpMessage renew = UserNetBench.message(DhcpMessage.REQUEST, a.mac, ip("10.0.2.15"), DhcpOptions.EMPTY);
        bench.clock.advance(1800 * SECOND);
        List<EthernetFrame> heard = bench.exchange(a, UserNetBench.udpFrame(a.mac, UserNet.MAC, ip("10.0.2.15"),
                GATEWAY, DhcpMessage.CLIENT_PORT, DhcpMessage.SERVER_PORT, renew.encode()));
        assertEquals(a.mac, heard.get(0).dst());
        assertEquals(ip("10.0.2.15"), Ipv4Packet.parse(heard.get(0).payload()).dst());
        DhcpMessage ack = UserNetBench.parseDhcp(heard.get(0));
        assertEquals(DhcpMessage.ACK, ack.options().messageType().getAsInt());
        assertEquals(ip("10.0.2.15"), ack.ciaddr());
        assertEquals(List.of("10.0.2.15 52:54:00:12:34:56 expires in 3599s"), bench.net.leases(), "renewed");
        assertEquals(List.of(), b.take().stream().filter(f -> !f.src().equals(a.mac)).toList());
    }

    @Test
    void aSecondClientGetsTheNextAddressAndTheFirstGetsItsOwnAgain() throws Exception {
        assertEquals(ip("10.0.2.15"), bench.lease(a).yiaddr());
        assertEquals(ip("10.0.2.16"), bench.lease(b).yiaddr());
        assertEquals(ip("10.0.2.15"), discover(a).yiaddr(), "stable per MAC");
        assertEquals(ip("10.0.2.15"), bench.lease(a).yiaddr());
        assertEquals(List.of("10.0.2.15 52:54:00:12:34:56 expires in 3599s",
                "10.0.2.16 52:54:00:12:34:57 expires in 3599s"), bench.net.leases());
    }

    @Test
    void aRequestForAnAddressNotTheClientsIsRefused() throws Exception {
        assertEquals(ip("10.0.2.15"), discover(a).yiaddr());
        DhcpMessage nak = request(a, GATEWAY, ip("10.0.2.20"));
        assertEquals(DhcpMessage.NAK, nak.options().messageType().getAsInt());
        assertEquals(List.of(53, 54), List.copyOf(nak.options().asMap().keySet()));
        assertEquals(Ipv4Addr.ANY, nak.yiaddr());
        bench.lease(a);
        // B, rebooting (INIT-REBOOT: option 50, no server id), believes it has A's address.
        assertEquals(DhcpMessage.NAK, request(b, null, ip("10.0.2.15")).options().messageType().getAsInt());
        assertEquals(DhcpMessage.NAK, request(b, null, ip("192.168.1.5")).options().messageType().getAsInt());
        // A free address of the pool is granted to a client the server has no lease for, as slirp does.
        assertEquals(ip("10.0.2.40"), request(b, null, ip("10.0.2.40")).yiaddr());
        assertEquals(3, bench.net.count(Outcome.DHCP_NAK));
    }

    @Test
    void aRequestForAnotherServerIsIgnoredAndWithdrawsTheOffer() throws Exception {
        assertEquals(ip("10.0.2.15"), discover(a).yiaddr());
        assertNull(request(a, ip("10.0.2.99"), ip("10.0.2.15")));
        assertEquals(1, bench.net.count(Outcome.DHCP_OTHER_SERVER));
        assertEquals(List.of(), bench.net.leases());
        assertEquals(ip("10.0.2.15"), bench.lease(b).yiaddr());
    }

    @Test
    void aReleasedAddressGoesToTheNextClient() throws Exception {
        bench.lease(a);
        bench.lease(b);
        DhcpMessage release = UserNetBench.message(DhcpMessage.RELEASE, a.mac, ip("10.0.2.15"),
                DhcpOptions.EMPTY.withServerId(GATEWAY));
        assertNull(bench.dhcp(a, release), "no answer to a release");
        assertEquals(1, bench.net.count(Outcome.DHCP_RELEASE));
        assertNull(bench.dhcp(b, UserNetBench.message(DhcpMessage.RELEASE, b.mac, ip("10.0.2.15"),
                DhcpOptions.EMPTY)), "B cannot release A's address");
        assertEquals(1, bench.net.count(Outcome.DHCP_NOT_HELD));
        Client c = bench.client("52:54:00:00:00:0c");
        assertEquals(ip("10.0.2.15"), bench.lease(c).yiaddr());
        assertEquals(ip("10.0.2.17"), bench.lease(a).yiaddr(), "its old address is taken now");
    }

    @Test
    void leasesExpireByVirtualTimeAndTheirAddressesAreReused() throws Exception {
        bench.lease(a);
        bench.clock.advance(3599 * SECOND);
        assertEquals(List.of("10.0.2.15 52:54:00:12:34:56 expires in 0s"), bench.net.leases());
        assertEquals(ip("10.0.2.16"), discover(b).yiaddr(), "still A's");
        bench.clock.advance(SECOND);
        assertEquals(List.of("10.0.2.16 52:54:00:12:34:57 offered, held for 58s"), bench.net.leases());
        assertEquals(ip("10.0.2.15"), discover(a).yiaddr(), "expired, but free: A's again");
        bench.clock.advance(60 * SECOND);
        assertEquals(List.of(), bench.net.leases(), "offers are held for a minute");
        Client c = bench.client("52:54:00:00:00:0c");
        assertEquals(ip("10.0.2.15"), bench.lease(c).yiaddr());
    }

    @Test
    void anInformIsAnsweredWithTheConfigurationAndNoLease() throws Exception {
        DhcpMessage inform = UserNetBench.message(DhcpMessage.INFORM, a.mac, ip("10.0.2.77"), DhcpOptions.EMPTY);
        List<EthernetFrame> heard = bench.exchange(a, UserNetBench.udpFrame(a.mac, UserNet.MAC, ip("10.0.2.77"),
                GATEWAY, DhcpMessage.CLIENT_PORT, DhcpMessage.SERVER_PORT, inform.encode()));
        assertEquals(a.mac, heard.get(0).dst());
        DhcpMessage ack = UserNetBench.parseDhcp(heard.get(0));
        assertEquals(List.of(53, 54, 1, 3, 6), List.copyOf(ack.options().asMap().keySet()));
        assertEquals(Ipv4Addr.ANY, ack.yiaddr());
        assertEquals(List.of(), bench.net.leases());
    }

    @Test
    void anExhaustedPoolOffersNothing() throws Exception {
        for (int i = 0; i < UserNetDhcp.POOL_SIZE; i++) {
            MacAddr mac = MacAddr.parse(String.format("52:54:00:00:%02x:%02x", i >> 8, i & 0xff));
            assertEquals(new Ipv4Addr(ip("10.0.2.15").value() + i), bench.lease(a, mac).yiaddr());
        }
        assertTrue(bench.net.leases().get(239).startsWith("10.0.2.254 "), bench.net.leases().get(239));
        assertNull(discover(b));
        assertEquals(1, bench.net.count(Outcome.POOL_EXHAUSTED));
    }

    @Test
    void theUserLanOfASessionHasTheGatewayAndNoOtherLanHasIt() throws Exception {
        try (Network network = Network.create(1, null, false)) {
            Lan user = network.lan("user", bench.clock);
            assertEquals(List.of("gateway"), user.stations());
            assertTrue(network.userNet("user").isPresent());
            network.lan("lab", bench.clock);
            assertFalse(network.userNet("lab").isPresent());
        }
    }

    @Test
    void tsharkReadsTheExchangeAsCleanDhcpArpAndIcmp() throws Exception {
        HostTools.require("tshark");
        Path file = dir.resolve("usernet.pcapng");
        try (NetCapture capture = NetCapture.create(file)) {
            bench.lan.tap(capture);
            bench.lease(a);
            bench.exchange(a, arpRequest(a, ip("10.0.2.15"), GATEWAY));
            bench.exchange(a, ping(a, ip("10.0.2.15"), GATEWAY, 1, 1, new byte[32]));
        }
        String out = HostTools.ok("tshark", "-r", file, "-V", "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE").out();
        for (String type : List.of("Discover", "Offer", "Request", "ACK")) {
            assertTrue(out.contains("DHCP: " + type + " ("), type + " in:\n" + out);
        }
        assertTrue(out.contains("Echo (ping) reply"), out);
        assertTrue(out.contains("Opcode: reply (2)") && out.contains("Sender MAC address: 52:55:0a:00:02:02"), out);
        assertTrue(out.contains("[Header checksum status: Good]") && out.contains("[Checksum Status: Good]"), out);
        assertFalse(out.contains("Malformed"), out);
        assertFalse(out.contains("[Bad]") || out.contains("incorrect"), out);
    }
}
