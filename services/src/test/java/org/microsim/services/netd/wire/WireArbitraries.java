package org.microsim.services.netd.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid addresses and packets, shared by the wire properties. */
final class WireArbitraries {
    private WireArbitraries() {
    }

    static Arbitrary<MacAddr> macs() {
        return Arbitraries.longs().between(0, 0xffff_ffff_ffffL).map(MacAddr::new);
    }

    static Arbitrary<Ipv4Addr> ipv4s() {
        return Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE).map(Ipv4Addr::new);
    }

    static Arbitrary<byte[]> bytes(int maxLength) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxLength);
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xffff);
    }

    static Arbitrary<EthernetFrame> ethernetFrames() {
        return Combinators.combine(macs(), macs(), u16(), bytes(1500)).as(EthernetFrame::new);
    }

    static Arbitrary<ArpPacket> arpPackets() {
        return Combinators.combine(Arbitraries.of(ArpPacket.REQUEST, ArpPacket.REPLY), macs(), ipv4s(), macs(),
                ipv4s()).as(ArpPacket::new);
    }

    /** Packets with any header field, options of any allowed length and up to {@code maxPayload} of data. */
    static Arbitrary<Ipv4Packet> ipv4Packets(int maxPayload) {
        Arbitrary<byte[]> options = Arbitraries.integers().between(0, 10)
                .flatMap(words -> Arbitraries.bytes().array(byte[].class).ofSize(4 * words));
        Arbitrary<byte[][]> body = Combinators.combine(options, bytes(maxPayload)).as((o, p) -> new byte[][] {o, p});
        Arbitrary<Ipv4Addr[]> ends = Combinators.combine(ipv4s(), ipv4s()).as((s, d) -> new Ipv4Addr[] {s, d});
        return Combinators.combine(Arbitraries.integers().between(0, 255), u16(),
                        Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 4096),
                        Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255), ends, body)
                .as((tos, id, flags, offsetUnits, ttl, protocol, srcDst, optionsPayload) -> new Ipv4Packet(tos, id,
                        (flags & 1) != 0, (flags & 2) != 0, offsetUnits * 8, ttl, protocol, srcDst[0], srcDst[1],
                        optionsPayload[0], optionsPayload[1]));
    }

    static Arbitrary<IcmpMessage> icmpMessages() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
                Arbitraries.integers(), bytes(1500)).as(IcmpMessage::new);
    }

    static Arbitrary<UdpDatagram> udpDatagrams() {
        return Combinators.combine(u16(), u16(), bytes(1500)).as(UdpDatagram::new);
    }
}
