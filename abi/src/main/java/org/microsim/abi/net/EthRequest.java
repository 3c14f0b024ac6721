package org.microsim.abi.net;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.EmptyReply;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Replies;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The Ethernet protocol, spoken by every port of class NETWORK that a driver serves ({@code eth0:} for a NIC,
 * {@code sw0:}.. for the user ports of a switch behind it). Requests are calls; every field is little-endian.
 *
 * <pre>
 *  id   request     inline bytes                         handles  lease                      OK reply
 * 600   GET_INFO    (none)                               0        none                       {@link EthInfo}
 * 601   SUBSCRIBE   token u32                            1        none                       (none)
 * 602   SEND        count u16                            0        readable, count frames     accepted u16
 * 603   RECEIVE     (none)                               0        writable                   {@link Batch}
 * 604   SET_FILTER  promisc u8, allmulti u8, n u8, n*u48  0        none                       (none)
 * 605   SET_MTU     mtu u16                              0        none                       (none)
 * 610   EVENT       sent by the driver, see {@link EthEvent}
 * </pre>
 *
 * <h2>Receiving: a bounded queue per client, pulled</h2>
 * A client SUBSCRIBEs with a send handle to one of its own ports and a token. From then on the driver keeps a
 * queue of the frames that arrive for the port, bounded by {@link #CLIENT_QUEUE}: when it is full the frame is
 * dropped and counted for that client ({@link Batch#dropped}), so a slow client loses frames and never makes the
 * driver wait, as a NIC drops what its host does not take. When the queue goes from empty to not empty the
 * driver sends an {@link EthEvent} to the client's port; the client then calls RECEIVE with a writable lease and
 * gets as many whole frames as fit ({@link EthFrames}), and {@code more} when some are left. Link changes come
 * the same way. A second SUBSCRIBE from the same task replaces the first.
 *
 * <pre>
 *   wire ─▶ NIC ─▶ RX ring ─▶ driver ─▶ queue(client) ─┬─ EVENT ─▶ client's port
 *                                                      └◀─ RECEIVE(lease) ── client ─ frames ─▶
 * </pre>
 *
 * <h2>Sending</h2>
 * SEND lends the frames ({@link EthFrames}); the driver puts what fits on its transmit ring at once and answers
 * how many it took. It does not wait for the wire: a frame handed over is gone, as with a real NIC. A frame the
 * driver cannot take (its ring and its short queue are full, or the link is down) is not accepted; the client
 * decides whether to try again.
 *
 * <h2>The MTU</h2>
 * Each port has an MTU, the largest payload of its frames ({@link #DEFAULT_MTU} until SET_MTU changes it, which
 * GET_INFO reports): a frame is 14 bytes of header and at most that payload ({@link #maxFrame}). SEND refuses a
 * longer one with INVALID_REQUEST, the driver takes longer ones off the wire only when the MTU asks (an e1000's
 * RCTL.LPE), and SET_MTU outside {@link #MIN_MTU}..{@link #MAX_MTU} is INVALID_REQUEST. Leases are measured in
 * bytes ({@link #MAX_LEASE}), not frames: a lease-full carries the same bytes whatever the MTU, in fewer frames when
 * they are bigger.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface EthRequest<T> extends Request<T, EthException> {
    int GET_INFO = MsgIds.NET_BASE;
    int SUBSCRIBE = MsgIds.NET_BASE + 1;
    int SEND = MsgIds.NET_BASE + 2;
    int RECEIVE = MsgIds.NET_BASE + 3;
    int SET_FILTER = MsgIds.NET_BASE + 4;
    int SET_MTU = MsgIds.NET_BASE + 5;
    int EVENT = MsgIds.NET_BASE + 10;

    /** The shortest frame: the 14-byte header. */
    int MIN_FRAME = 14;
    /** A port's MTU until SET_MTU: Ethernet's 1500 bytes of payload. */
    int DEFAULT_MTU = 1500;
    /** The smallest MTU SET_MTU takes: the least every IPv4 link must carry (RFC 791), as Linux's ETH_MIN_MTU. */
    int MIN_MTU = 68;
    /**
     * The largest MTU SET_MTU takes: Linux e1000's for the 82540 (its max_mtu), a 16128-byte frame with FCS
     * (MAX_JUMBO_FRAME_SIZE, 0x3F00) less the 14-byte header and the 4-byte FCS. The part's own limit with RCTL.LPE
     * is 16384 bytes with FCS; Linux keeps below it, and so do we. 9000 is what people set.
     */
    int MAX_MTU = 16110;
    /** The longest frame of any port: header and a {@link #MAX_MTU} payload, no FCS. */
    int MAX_FRAME = MAX_MTU + MIN_FRAME;
    /**
     * The most bytes one SEND or RECEIVE moves: a receive window of netd's TCP (256 KiB) of full frames at any MTU,
     * so that a burst of segments is one call whatever their size.
     */
    int MAX_LEASE = 256 << 10;
    /**
     * The frames a driver keeps for one client before it drops: twice an e1000 receive ring of Linux's default
     * size (256), so a client that is late by one ring-full loses nothing.
     */
    int CLIENT_QUEUE = 512;
    /** The most multicast groups SET_FILTER takes. */
    int MAX_GROUPS = 16;

    /** The longest frame of a port with MTU {@code mtu}: the payload and the 14-byte header (no FCS). */
    static int maxFrame(int mtu) {
        return mtu + MIN_FRAME;
    }

    /** A request that does not decode is INVALID_REQUEST; a server that is gone DEVICE_GONE, else IO_ERROR. */
    Protocol<EthRequest<?>, EthException> PROTOCOL = Protocol.of("ethernet", EthRequest::decode, EthException::of,
            EthException::new, EthError.INVALID_REQUEST.code(), EthError.IO_ERROR.code());

    @Override
    default Protocol<?, EthException> protocol() {
        return PROTOCOL;
    }

    /** Asks for the port's address, link and counters. */
    record GetInfo() implements EthRequest<EthInfo> {
        @Override
        public Message toMessage() {
            return Message.of(GET_INFO);
        }

        @Override
        public EthInfo decodeReply(Message reply) throws MalformedException {
            return EthInfo.decode(reply);
        }
    }

    /** Asks for events on {@code events} (a send handle, moved to the driver), tagged with {@code token}. */
    record Subscribe(int token, Handle events) implements EthRequest<Void>, EmptyReply<EthException> {
        @Override
        public Message toMessage() {
            return Message.of(SUBSCRIBE, new WireWriter().i32(token).toByteArray(), events);
        }
    }

    /** Sends the {@code count} frames of the call's readable lease; answered with how many were taken. */
    record Send(int count) implements EthRequest<Integer> {
        public Send {
            if (count < 1 || count > 0xffff) {
                throw new IllegalArgumentException("SEND takes 1..65535 frames, not " + count);
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(SEND, new WireWriter().u16(count).toByteArray());
        }

        @Override
        public Integer decodeReply(Message reply) throws MalformedException {
            noHandles(reply, "SEND reply");
            WireReader r = reply.reader();
            int accepted = r.u16("accepted");
            r.end("SEND reply");
            if (accepted > count) {
                throw new MalformedException(accepted + " of " + count + " frames accepted");
            }
            return accepted;
        }
    }

    /** Takes waiting frames into the call's writable lease. */
    record Receive() implements EthRequest<Batch> {
        @Override
        public Message toMessage() {
            return Message.of(RECEIVE);
        }

        @Override
        public Batch decodeReply(Message reply) throws MalformedException {
            return Batch.decode(reply);
        }
    }

    /**
     * Which frames the port takes besides those to its own address and broadcast: all of them ({@code
     * promiscuous}), every multicast ({@code allMulticast}), or those to the multicast {@code groups}.
     */
    record SetFilter(boolean promiscuous, boolean allMulticast, List<Long> groups)
            implements EthRequest<Void>, EmptyReply<EthException> {
        public SetFilter {
            groups = List.copyOf(groups);
            if (groups.size() > MAX_GROUPS) {
                throw new IllegalArgumentException("at most " + MAX_GROUPS + " multicast groups, not " + groups.size());
            }
            for (long g : groups) {
                if (g < 0 || g > 0xffff_ffff_ffffL || (g >>> 40 & 1) == 0) {
                    throw new IllegalArgumentException(Long.toHexString(g) + " is not a multicast address");
                }
            }
        }

        @Override
        public Message toMessage() {
            WireWriter w = new WireWriter().u8(promiscuous ? 1 : 0).u8(allMulticast ? 1 : 0).u8(groups.size());
            for (long g : groups) {
                w.u16((int) (g & 0xffff)).i32((int) (g >>> 16));
            }
            return Message.of(SET_FILTER, w.toByteArray());
        }
    }

    /**
     * Sets the port's MTU, {@value #MIN_MTU} to {@value #MAX_MTU} (the driver refuses others with INVALID_REQUEST,
     * so that the range is checked where the hardware is); until then it is {@value #DEFAULT_MTU}.
     */
    record SetMtu(int mtu) implements EthRequest<Void>, EmptyReply<EthException> {
        public SetMtu {
            if (mtu < 0 || mtu > 0xffff) {
                throw new IllegalArgumentException("MTU " + mtu + " is not a u16");
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(SET_MTU, new WireWriter().u16(mtu).toByteArray());
        }
    }

    /**
     * What RECEIVE put in the lease: {@code count} frames in {@code bytes} bytes ({@link EthFrames}), the frames
     * this client lost since its last RECEIVE because its queue was full, and whether more are waiting.
     */
    record Batch(int count, int bytes, long dropped, boolean more) {
        /** The OK reply. */
        public Message toMessage() {
            return Replies.ok(new WireWriter().u16(count).u32(bytes).u32(dropped).u8(more ? 1 : 0).toByteArray());
        }

        static Batch decode(Message reply) throws MalformedException {
            noHandles(reply, "RECEIVE reply");
            WireReader r = reply.reader();
            int count = r.u16("frame count");
            long bytes = r.u32("bytes");
            long dropped = r.u32("dropped");
            int more = r.u8("more");
            r.end("RECEIVE reply");
            if (more > 1 || bytes > Integer.MAX_VALUE) {
                throw new MalformedException("RECEIVE reply with more=" + more + " and " + bytes + " bytes");
            }
            return new Batch(count, (int) bytes, dropped, more == 1);
        }
    }

    private static void noHandles(Message m, String what) throws MalformedException {
        if (!m.handles().isEmpty()) {
            throw new MalformedException(what + " carries no handles, not " + m.handles().size());
        }
    }

    /**
     * Decodes a request message (its lease is the server's to check).
     *
     * @throws MalformedException for an unknown msg id, a wrong length, trailing bytes, a SEND of no frames, a
     *                            filter group that is not multicast, or handles where none belong (one for
     *                            SUBSCRIBE)
     */
    static EthRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        int handles = message.handles().size();
        EthRequest<?> request = switch (message.msgId()) {
            case GET_INFO -> new GetInfo();
            case RECEIVE -> new Receive();
            case SUBSCRIBE -> {
                if (handles != 1) {
                    throw new MalformedException("SUBSCRIBE carries one handle, not " + handles);
                }
                yield new Subscribe(r.i32("token"), message.handles().getFirst());
            }
            case SEND -> {
                int count = r.u16("frame count");
                if (count == 0) {
                    throw new MalformedException("SEND of no frames");
                }
                yield new Send(count);
            }
            case SET_FILTER -> filter(r);
            case SET_MTU -> new SetMtu(r.u16("mtu"));
            default -> throw new MalformedException("msg id " + message.msgId() + " is not an Ethernet request ("
                    + GET_INFO + ".." + SET_MTU + ")");
        };
        r.end("Ethernet request " + message.msgId());
        if (message.msgId() != SUBSCRIBE && handles != 0) {
            throw new MalformedException("Ethernet request " + message.msgId() + " carries no handles, not " + handles);
        }
        return request;
    }

    private static SetFilter filter(WireReader r) throws MalformedException {
        int promiscuous = r.u8("promiscuous");
        int allMulticast = r.u8("all multicast");
        int n = r.u8("group count");
        if (promiscuous > 1 || allMulticast > 1 || n > MAX_GROUPS) {
            throw new MalformedException("SET_FILTER with promiscuous=" + promiscuous + ", allmulti=" + allMulticast
                    + " and " + n + " groups (at most " + MAX_GROUPS + ")");
        }
        List<Long> groups = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long low = r.u16("group");
            long high = r.u32("group");
            long g = high << 16 | low;
            if ((g >>> 40 & 1) == 0) {
                throw new MalformedException("group " + Long.toHexString(g) + " is not a multicast address");
            }
            groups.add(g);
        }
        return new SetFilter(promiscuous == 1, allMulticast == 1, groups);
    }
}
