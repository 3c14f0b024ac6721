package org.microsim.services.netd.wire;

import java.util.Objects;

/**
 * An ARP packet (RFC 826) for IPv4 over Ethernet, the only kind this stack resolves: hardware type 1, protocol
 * type 0x0800, address lengths 6 and 4, operation request or reply. A packet with other types or lengths is
 * refused as malformed rather than skipped silently, so that netd's counters show it. Bytes after the 28 that
 * matter are Ethernet padding and ignored.
 *
 * @param op {@link #REQUEST} or {@link #REPLY}
 * @param targetMac {@link MacAddr#ZERO} in a request: the address being asked for
 */
public record ArpPacket(int op, MacAddr senderMac, Ipv4Addr senderIp, MacAddr targetMac, Ipv4Addr targetIp) {
    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    public static final int LENGTH = 28;

    private static final int HTYPE_ETHERNET = 1;

    public ArpPacket {
        if (op != REQUEST && op != REPLY) {
            throw new IllegalArgumentException("ARP operation " + op + " is not request (1) or reply (2)");
        }
        Objects.requireNonNull(senderMac, "senderMac");
        Objects.requireNonNull(senderIp, "senderIp");
        Objects.requireNonNull(targetMac, "targetMac");
        Objects.requireNonNull(targetIp, "targetIp");
    }

    /** "Who has {@code targetIp}? Tell {@code senderIp}", to be sent to {@link MacAddr#BROADCAST}. */
    public static ArpPacket request(MacAddr senderMac, Ipv4Addr senderIp, Ipv4Addr targetIp) {
        return new ArpPacket(REQUEST, senderMac, senderIp, MacAddr.ZERO, targetIp);
    }

    /** The reply to this request from the owner of its target address, {@code ownMac}. */
    public ArpPacket reply(MacAddr ownMac) {
        return new ArpPacket(REPLY, ownMac, targetIp, senderMac, senderIp);
    }

    /** Reads an ARP packet from an Ethernet payload (padding allowed). */
    public static ArpPacket parse(byte[] b) throws MalformedPacketException {
        Bytes.requireLength(b, LENGTH, "ARP packet");
        if (Bytes.u16(b, 0) != HTYPE_ETHERNET || Bytes.u16(b, 2) != EthernetFrame.ETHERTYPE_IPV4
                || Bytes.u8(b, 4) != MacAddr.LENGTH || Bytes.u8(b, 5) != 4) {
            throw new MalformedPacketException(String.format(
                    "ARP for hardware type %d, protocol 0x%04x, address lengths %d and %d is not Ethernet/IPv4",
                    Bytes.u16(b, 0), Bytes.u16(b, 2), Bytes.u8(b, 4), Bytes.u8(b, 5)));
        }
        int op = Bytes.u16(b, 6);
        if (op != REQUEST && op != REPLY) {
            throw new MalformedPacketException("ARP operation " + op + " is not request (1) or reply (2)");
        }
        return new ArpPacket(op, MacAddr.read(b, 8), new Ipv4Addr(Bytes.i32(b, 14)), MacAddr.read(b, 18),
                new Ipv4Addr(Bytes.i32(b, 24)));
    }

    /** The 28 bytes of the packet (the Ethernet frame pads them). */
    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        Bytes.put16(b, 0, HTYPE_ETHERNET);
        Bytes.put16(b, 2, EthernetFrame.ETHERTYPE_IPV4);
        b[4] = MacAddr.LENGTH;
        b[5] = 4;
        Bytes.put16(b, 6, op);
        senderMac.write(b, 8);
        Bytes.put32(b, 14, senderIp.value());
        targetMac.write(b, 18);
        Bytes.put32(b, 24, targetIp.value());
        return b;
    }
}
