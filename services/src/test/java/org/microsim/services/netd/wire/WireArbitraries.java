package org.microsim.services.netd.wire;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
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

    /** The option codes with typed accessors, and overload: not to be set as raw bytes of any length. */
    private static final Set<Integer> CHECKED_OPTIONS = Set.of(1, 3, 6, 12, 50, 51, 52, 53, 54, 55, 58, 59, 61);

    /** Options built by a random sequence of typed and raw settings. */
    static Arbitrary<DhcpOptions> dhcpOptions() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(0, DhcpOptions.INFINITE_LEASE);
        Arbitrary<List<Ipv4Addr>> addressList = ipv4s().list().ofMinSize(1).ofMaxSize(4);
        Arbitrary<UnaryOperator<DhcpOptions>> setting = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 8).map(t -> o -> o.withMessageType(t)),
                ipv4s().map(a -> o -> o.withRequestedIp(a)),
                ipv4s().map(a -> o -> o.withServerId(a)),
                ipv4s().map(a -> o -> o.withSubnetMask(a)),
                seconds.map(t -> o -> o.withLeaseTime(t)),
                seconds.map(t -> o -> o.withRenewalTime(t)),
                seconds.map(t -> o -> o.withRebindingTime(t)),
                addressList.map(a -> o -> o.withRouters(a)),
                addressList.map(a -> o -> o.withDnsServers(a)),
                Arbitraries.integers().between(0, 255).array(int[].class).ofMinSize(1).ofMaxSize(20)
                        .map(codes -> o -> o.withParameterRequestList(codes)),
                Arbitraries.bytes().array(byte[].class).ofMinSize(2).ofMaxSize(20).map(id -> o -> o.withClientId(id)),
                Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(300).map(n -> o -> o.withHostName(n)),
                Combinators.combine(Arbitraries.integers().between(1, 254).filter(c -> !CHECKED_OPTIONS.contains(c)),
                        bytes(300)).as((code, value) -> o -> o.with(code, value)));
        return setting.list().ofMaxSize(12).map(settings -> {
            DhcpOptions options = DhcpOptions.EMPTY;
            for (UnaryOperator<DhcpOptions> set : settings) {
                options = set.apply(options);
            }
            return options;
        });
    }

    static Arbitrary<DhcpMessage> dhcpMessages() {
        Arbitrary<Ipv4Addr[]> addresses = ipv4s().array(Ipv4Addr[].class).ofSize(4);
        return Combinators.combine(Arbitraries.of(DhcpMessage.BOOTREQUEST, DhcpMessage.BOOTREPLY),
                        Arbitraries.integers(), u16(), u16(), addresses, macs(), dhcpOptions())
                .as((op, xid, secs, flags, a, chaddr, options) -> new DhcpMessage(op, xid, secs, flags, a[0], a[1],
                        a[2], a[3], chaddr, options));
    }
}
