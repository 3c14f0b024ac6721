package org.microsim.services.netd.wire;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * A DHCP message (RFC 2131): the fixed BOOTP part (RFC 951) and the options after the magic cookie.
 *
 * <p>What {@link #parse} checks, and why. The 236-byte fixed part and the 4-byte cookie must be there, and the
 * cookie must be 99.130.83.99 (RFC 2131 section 3): without it the rest is plain BOOTP vendor data, which this
 * stack does not speak. The op must be request or reply, and the hardware Ethernet (type 1, length 6), since
 * chaddr is read as a MAC address. The options are read as {@link DhcpOptions} says. Not kept: hops (this stack
 * relays nothing; written as 0), the 10 bytes of chaddr after the MAC, and the sname and file fields (without
 * option overload they hold only a server name and boot file, which neither the client nor the built-in server
 * uses; written as zeros). Whether a message makes sense (a DISCOVER from a server, a missing message type) is
 * the client's and the server's to judge, not the format's.
 *
 * @param op {@link #BOOTREQUEST} from a client, {@link #BOOTREPLY} from a server
 * @param xid the transaction id the client chose, echoed by the server
 * @param secs seconds since the client began, 0 to 65535
 * @param flags 0 to 65535; only {@link #FLAG_BROADCAST} has a meaning
 * @param ciaddr the client's address when it has one (renewing), else {@link Ipv4Addr#ANY}
 * @param yiaddr the address the server offers or grants
 * @param siaddr the next server (for booting), usually ANY
 * @param giaddr the relay agent's address, ANY without one
 * @param chaddr the client's MAC address
 */
public record DhcpMessage(int op, int xid, int secs, int flags, Ipv4Addr ciaddr, Ipv4Addr yiaddr, Ipv4Addr siaddr,
        Ipv4Addr giaddr, MacAddr chaddr, DhcpOptions options) {
    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    /** The client cannot receive unicast before it has an address: the server must broadcast its reply. */
    public static final int FLAG_BROADCAST = 0x8000;
    public static final int SERVER_PORT = 67;
    public static final int CLIENT_PORT = 68;

    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;
    public static final int INFORM = 8;

    /** The fixed BOOTP part: op to file. */
    static final int FIXED_LENGTH = 236;
    static final int MAGIC_COOKIE = 0x6382_5363;
    /** BOOTP's minimum message (RFC 951: a 64-byte vendor field), which some relays and clients still expect. */
    static final int MIN_LENGTH = 300;

    private static final int HTYPE_ETHERNET = 1;
    private static final int CHADDR = 28;

    public DhcpMessage {
        if (op != BOOTREQUEST && op != BOOTREPLY) {
            throw new IllegalArgumentException("DHCP op " + op + " is not request (1) or reply (2)");
        }
        Bytes.requireUnsigned(secs, 16, "DHCP secs");
        Bytes.requireUnsigned(flags, 16, "DHCP flags");
        Objects.requireNonNull(ciaddr, "ciaddr");
        Objects.requireNonNull(yiaddr, "yiaddr");
        Objects.requireNonNull(siaddr, "siaddr");
        Objects.requireNonNull(giaddr, "giaddr");
        Objects.requireNonNull(chaddr, "chaddr");
        Objects.requireNonNull(options, "options");
    }

    /** Whether the broadcast flag is set. */
    public boolean broadcast() {
        return (flags & FLAG_BROADCAST) != 0;
    }

    /** Reads a message from a UDP payload; see the class comment for what is checked. */
    public static DhcpMessage parse(byte[] b) throws MalformedPacketException {
        Bytes.requireLength(b, FIXED_LENGTH + 4, "DHCP message");
        int op = Bytes.u8(b, 0);
        if (op != BOOTREQUEST && op != BOOTREPLY) {
            throw new MalformedPacketException("DHCP op " + op + " is not request (1) or reply (2)");
        }
        if (Bytes.u8(b, 1) != HTYPE_ETHERNET || Bytes.u8(b, 2) != MacAddr.LENGTH) {
            throw new MalformedPacketException("DHCP for hardware type " + Bytes.u8(b, 1) + " with "
                    + Bytes.u8(b, 2) + "-byte addresses is not Ethernet");
        }
        if (Bytes.i32(b, FIXED_LENGTH) != MAGIC_COOKIE) {
            throw new MalformedPacketException("DHCP magic cookie is not 99.130.83.99");
        }
        return new DhcpMessage(op, Bytes.i32(b, 4), Bytes.u16(b, 8), Bytes.u16(b, 10), address(b, 12),
                address(b, 16), address(b, 20), address(b, 24), MacAddr.read(b, CHADDR),
                DhcpOptions.parse(b, FIXED_LENGTH + 4));
    }

    private static Ipv4Addr address(byte[] b, int at) {
        return new Ipv4Addr(Bytes.i32(b, at));
    }

    /** The message's bytes: options in their order, then end, zero-padded to 300 bytes. */
    public byte[] encode() {
        byte[] fixed = new byte[FIXED_LENGTH + 4];
        fixed[0] = (byte) op;
        fixed[1] = HTYPE_ETHERNET;
        fixed[2] = MacAddr.LENGTH;
        Bytes.put32(fixed, 4, xid);
        Bytes.put16(fixed, 8, secs);
        Bytes.put16(fixed, 10, flags);
        Bytes.put32(fixed, 12, ciaddr.value());
        Bytes.put32(fixed, 16, yiaddr.value());
        Bytes.put32(fixed, 20, siaddr.value());
        Bytes.put32(fixed, 24, giaddr.value());
        chaddr.write(fixed, CHADDR);
        Bytes.put32(fixed, FIXED_LENGTH, MAGIC_COOKIE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(MIN_LENGTH);
        out.writeBytes(fixed);
        options.encode(out);
        while (out.size() < MIN_LENGTH) {
            out.write(DhcpOptions.PAD);
        }
        return out.toByteArray();
    }
}
