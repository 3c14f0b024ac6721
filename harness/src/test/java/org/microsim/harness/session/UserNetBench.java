package org.microsim.harness.session;

import java.util.ArrayList;
import java.util.List;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.ManualTimeline;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.DhcpOptions;
import org.microsim.services.netd.wire.EthernetFrame;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;
import org.microsim.services.netd.wire.MalformedPacketException;
import org.microsim.services.netd.wire.UdpDatagram;

/**
 * A {@link UserNet} on a LAN of its own, without any kernel: the LAN runs on a {@link ManualTimeline} the test
 * turns by hand, and the test's clients are plain stations that keep what they hear. Frames are built and read
 * with netd's wire library, as a real client's would be.
 */
final class UserNetBench {
    /** A station that keeps every frame it hears. */
    static final class Client implements EthernetLink.Station {
        final MacAddr mac;
        final Lan.Port port;
        private final List<byte[]> heard = new ArrayList<>();

        Client(Lan lan, ManualTimeline clock, MacAddr mac) {
            this.mac = mac;
            this.port = lan.plug(this, clock, "client " + mac);
        }

        @Override
        public void receive(byte[] frame) {
            heard.add(frame);
        }

        @Override
        public void linkChanged(boolean up) {
        }

        /** The frames heard since the last call, parsed. */
        List<EthernetFrame> take() throws MalformedPacketException {
            List<EthernetFrame> frames = new ArrayList<>();
            for (byte[] b : heard) {
                frames.add(EthernetFrame.parse(b));
            }
            heard.clear();
            return frames;
        }
    }

    final ManualTimeline clock = new ManualTimeline();
    final Lan lan = new Lan("user", Lan.Kind.SWITCH, clock, 1);
    final UserNet net = UserNet.plugInto(lan, clock);

    Client client(String mac) {
        return new Client(lan, clock, MacAddr.parse(mac));
    }

    /**
     * Sends {@code frame} from {@code client}, lets the LAN run, and returns what the client heard from the
     * gateway meanwhile (not the other clients' broadcasts).
     */
    List<EthernetFrame> exchange(Client client, EthernetFrame frame) throws MalformedPacketException {
        clock.runUntilIdle();
        client.take();
        client.port.transmit(frame.encode());
        clock.runUntilIdle();
        return client.take().stream().filter(f -> f.src().equals(UserNet.MAC)).toList();
    }

    /** The one DHCP reply {@code client} hears to {@code m}, or null if none. */
    DhcpMessage dhcp(Client client, DhcpMessage m) throws MalformedPacketException {
        List<EthernetFrame> heard = exchange(client, dhcpFrame(m));
        if (heard.size() > 1) {
            throw new AssertionError("more than one reply: " + heard);
        }
        return heard.isEmpty() ? null : parseDhcp(heard.get(0));
    }

    /** DISCOVER, OFFER, REQUEST, ACK for {@code client}: the ACK. */
    DhcpMessage lease(Client client) throws MalformedPacketException {
        return lease(client, client.mac);
    }

    /** The same exchange for the client {@code mac}, sent through {@code via}'s port: many clients, one station. */
    DhcpMessage lease(Client via, MacAddr mac) throws MalformedPacketException {
        DhcpMessage offer = dhcp(via, message(DhcpMessage.DISCOVER, mac, Ipv4Addr.ANY, DhcpOptions.EMPTY));
        return dhcp(via, message(DhcpMessage.REQUEST, mac, Ipv4Addr.ANY,
                DhcpOptions.EMPTY.withServerId(UserNet.GATEWAY).withRequestedIp(offer.yiaddr())));
    }

    /** A client's message of {@code type}, options 53 and then {@code options}'. */
    static DhcpMessage message(int type, MacAddr mac, Ipv4Addr ciaddr, DhcpOptions options) {
        DhcpOptions all = DhcpOptions.EMPTY.withMessageType(type);
        for (var option : options.asMap().entrySet()) {
            all = all.with(option.getKey(), option.getValue());
        }
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, 0x1234_0000 + type, 0, 0, ciaddr, Ipv4Addr.ANY,
                Ipv4Addr.ANY, Ipv4Addr.ANY, mac, all);
    }

    /** {@code m} as its client sends it: from ciaddr (or 0.0.0.0) port 68 to the broadcast port 67. */
    static EthernetFrame dhcpFrame(DhcpMessage m) {
        return udpFrame(m.chaddr(), MacAddr.BROADCAST, m.ciaddr(), Ipv4Addr.BROADCAST, DhcpMessage.CLIENT_PORT,
                DhcpMessage.SERVER_PORT, m.encode());
    }

    static EthernetFrame udpFrame(MacAddr src, MacAddr dst, Ipv4Addr srcIp, Ipv4Addr dstIp, int srcPort,
            int dstPort, byte[] data) {
        byte[] udp = new UdpDatagram(srcPort, dstPort, data).encode(srcIp, dstIp);
        return ipFrame(src, dst, Ipv4Packet.of(Ipv4Packet.PROTOCOL_UDP, srcIp, dstIp, 7, udp));
    }

    static EthernetFrame ipFrame(MacAddr src, MacAddr dst, Ipv4Packet ip) {
        return new EthernetFrame(dst, src, EthernetFrame.ETHERTYPE_IPV4, ip.encode());
    }

    /** The DHCP message inside a frame from the server, checking every layer on the way. */
    static DhcpMessage parseDhcp(EthernetFrame frame) throws MalformedPacketException {
        Ipv4Packet ip = Ipv4Packet.parse(frame.payload());
        UdpDatagram udp = UdpDatagram.parse(ip.payload(), ip.src(), ip.dst());
        if (udp.srcPort() != DhcpMessage.SERVER_PORT || udp.dstPort() != DhcpMessage.CLIENT_PORT) {
            throw new AssertionError("DHCP from port " + udp.srcPort() + " to " + udp.dstPort());
        }
        return DhcpMessage.parse(udp.payload());
    }

    /** The UDP payload of a frame: a client's DHCP message as bytes. */
    static byte[] parseDhcpBytes(EthernetFrame frame) throws MalformedPacketException {
        Ipv4Packet ip = Ipv4Packet.parse(frame.payload());
        return UdpDatagram.parse(ip.payload(), ip.src(), ip.dst()).payload();
    }
}
