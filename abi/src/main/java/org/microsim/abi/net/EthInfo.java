package org.microsim.abi.net;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * An Ethernet port as its driver sees it, the GET_INFO reply (44 bytes, little-endian):
 *
 * <pre>
 *  mac u48 (in a u64, the first octet on the wire in bits 47:40) | link u8 | conduit u8 | mtu u16 |
 *  rxFrames u64 | txFrames u64 | clientDropped u64 | missed u64
 * </pre>
 *
 * @param mac           the port's address, 48 bits
 * @param linkUp        whether the wire has carrier
 * @param conduit       whether the port is the NIC of a switch that tags its frames (MediaTek's special tag): its
 *                      traffic is that of the switch's user ports, which are ports of their own, so nothing is
 *                      sent or received on the conduit itself
 * @param mtu           the largest payload a frame carries, as SET_MTU last set it (1500, frames of at most 1514
 *                      bytes, until then)
 * @param rxFrames      frames received for this port since the driver started
 * @param txFrames      frames sent on this port since the driver started
 * @param clientDropped frames the caller lost because its receive queue was full
 * @param missed        frames the NIC dropped because the driver had no receive buffer free
 */
public record EthInfo(long mac, boolean linkUp, boolean conduit, int mtu, long rxFrames, long txFrames, long clientDropped,
                      long missed) {
    public static final int SIZE = 44;

    /** Checks the fields' ranges. */
    public EthInfo {
        if (mac < 0 || mac > 0xffff_ffff_ffffL) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
        if (mtu < 0 || mtu > 0xffff) {
            throw new IllegalArgumentException("MTU " + mtu + " is not a u16");
        }
    }

    /** The OK reply carrying this info. */
    public Message toMessage() {
        return Replies.ok(new WireWriter().i64(mac).u8(linkUp ? 1 : 0).u8(conduit ? 1 : 0).u16(mtu).i64(rxFrames).i64(txFrames)
                .i64(clientDropped).i64(missed).toByteArray());
    }

    /**
     * Decodes a GET_INFO reply.
     *
     * @throws MalformedException for a wrong length, a MAC over 48 bits, a flag other than 0 or 1, or handles
     */
    public static EthInfo decode(Message reply) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException("Ethernet info carries no handles");
        }
        WireReader r = reply.reader();
        long mac = r.i64("mac");
        int link = r.u8("link");
        int conduit = r.u8("conduit");
        int mtu = r.u16("mtu");
        long rx = r.i64("rx frames");
        long tx = r.i64("tx frames");
        long dropped = r.i64("client dropped");
        long missed = r.i64("missed");
        r.end("Ethernet info");
        if (mac < 0 || mac > 0xffff_ffff_ffffL) {
            throw new MalformedException("MAC address " + Long.toHexString(mac) + " has more than 48 bits");
        }
        if (link > 1 || conduit > 1) {
            throw new MalformedException("link and conduit flags must be 0 or 1, got " + link + " and " + conduit);
        }
        return new EthInfo(mac, link == 1, conduit == 1, mtu, rx, tx, dropped, missed);
    }
}
