package org.microsim.abi.net;

import java.util.List;
import org.microsim.abi.EmptyReply;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The network service's protocol ({@code netd}): its configuration and tables for the console, ping, and UDP
 * sockets for tasks. Requests are calls; fields are little-endian; IPv4 addresses are u32 with the first octet in
 * bits 31:24; strings a u16 length and UTF-8; no request carries handles.
 *
 * <pre>
 *  id   request      inline                                                  lease            OK reply
 * 620  INTERFACES   (none)                                                  none             list of {@link NetTables.Interface}
 * 621  CONFIGURE    iface str, mode u8 (0 dhcp 1 static 2 off), addr u32,  none             (none)
 *                   prefix u8, gateway u32
 * 622  NEIGHBOURS   (none)                                                  none             list of {@link NetTables.Neighbour}
 * 623  ROUTES       (none)                                                  none             list of {@link NetTables.Route}
 * 624  PING         dst u32, count u16, size u16, interval ms u32,          none             list of {@link NetTables.Echo}
 *                   timeout ms u32
 * 625  UDP_BIND     port u16 (0: any free one)                              none             socket u32, port u16
 * 626  UDP_SEND     socket u32, dst u32, port u16                           readable: data   (none)
 * 627  UDP_RECEIVE  socket u32, timeout ms u32                              writable         {@link NetTables.Datagram}
 * 628  UDP_CLOSE    socket u32                                              none             (none)
 * 629  COUNTERS     (none)                                                  none             list of name str, value u64
 * 630..638          TCP sockets: {@link TcpRequest}
 * 639  SET_MTU      iface str, mtu u16                                      none             (none)
 * </pre>
 *
 * <p>PING and UDP_RECEIVE are answered when they are done (the last echo came back or timed out; a datagram came
 * or the timeout passed): the caller waits, the service does not. A socket belongs to the task that bound it.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface NetRequest<T> extends Request<T, NetException> permits NetRequest.Interfaces,
        NetRequest.Configure, NetRequest.Neighbours, NetRequest.Routes, NetRequest.Ping, NetRequest.UdpBind,
        NetRequest.UdpSend, NetRequest.UdpReceive, NetRequest.UdpClose, NetRequest.Counters, NetRequest.SetMtu,
        TcpRequest {
    int INTERFACES = MsgIds.NET_BASE + 20;
    int CONFIGURE = MsgIds.NET_BASE + 21;
    int NEIGHBOURS = MsgIds.NET_BASE + 22;
    int ROUTES = MsgIds.NET_BASE + 23;
    int PING = MsgIds.NET_BASE + 24;
    int UDP_BIND = MsgIds.NET_BASE + 25;
    int UDP_SEND = MsgIds.NET_BASE + 26;
    int UDP_RECEIVE = MsgIds.NET_BASE + 27;
    int UDP_CLOSE = MsgIds.NET_BASE + 28;
    int COUNTERS = MsgIds.NET_BASE + 29;
    int SET_MTU = MsgIds.NET_BASE + 39;

    /** The longest UDP payload: 65535 less the IPv4 and UDP headers. */
    int MAX_DATAGRAM = 65507;
    /** The most echo requests one PING sends: the reply, 11 bytes an echo, must fit in a message's inline bytes. */
    int MAX_PINGS = 64;

    /** A request that does not decode is INVALID_REQUEST; any other failure IO_ERROR. */
    Protocol<NetRequest<?>, NetException> PROTOCOL = Protocol.of("network", NetRequest::decode, NetException::of,
            NetException::new, NetError.INVALID_REQUEST.code(), NetError.IO_ERROR.code());

    @Override
    default Protocol<?, NetException> protocol() {
        return PROTOCOL;
    }

    /** How an interface gets its address. */
    enum Mode {
        DHCP, STATIC, OFF;

        /** Its name as the console and tables write it. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Interfaces() implements NetRequest<List<NetTables.Interface>> {
        @Override
        public Message toMessage() {
            return Message.of(INTERFACES);
        }

        @Override
        public List<NetTables.Interface> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, NetTables.Interface::read, "interfaces");
        }

        /** The OK reply. */
        public static Message reply(List<NetTables.Interface> all) {
            return NetTables.list(all, NetTables.Interface::write);
        }
    }

    /** Sets how {@code iface} gets its address; {@code address}, {@code prefix} and {@code gateway} for STATIC. */
    record Configure(String iface, Mode mode, int address, int prefix, int gateway)
            implements NetRequest<Void>, EmptyReply<NetException> {
        public Configure {
            if (prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException("prefix length " + prefix);
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(CONFIGURE, new WireWriter().string(iface).u8(mode.ordinal()).i32(address).u8(prefix)
                    .i32(gateway).toByteArray());
        }
    }

    /**
     * Sets {@code iface}'s MTU: netd asks the interface's driver (Ethernet SET_MTU, which checks the range, {@link
     * EthRequest#MIN_MTU}..{@link EthRequest#MAX_MTU}), then fragments to it and announces an MSS of it less 40 in
     * new TCP connections. The interface keeps it across a restart of its driver.
     */
    record SetMtu(String iface, int mtu) implements NetRequest<Void>, EmptyReply<NetException> {
        public SetMtu {
            if (mtu < 0 || mtu > 0xffff) {
                throw new IllegalArgumentException("MTU " + mtu + " is not a u16");
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(SET_MTU, new WireWriter().string(iface).u16(mtu).toByteArray());
        }
    }

    record Neighbours() implements NetRequest<List<NetTables.Neighbour>> {
        @Override
        public Message toMessage() {
            return Message.of(NEIGHBOURS);
        }

        @Override
        public List<NetTables.Neighbour> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, NetTables.Neighbour::read, "neighbours");
        }

        public static Message reply(List<NetTables.Neighbour> all) {
            return NetTables.list(all, NetTables.Neighbour::write);
        }
    }

    record Routes() implements NetRequest<List<NetTables.Route>> {
        @Override
        public Message toMessage() {
            return Message.of(ROUTES);
        }

        @Override
        public List<NetTables.Route> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, NetTables.Route::read, "routes");
        }

        public static Message reply(List<NetTables.Route> all) {
            return NetTables.list(all, NetTables.Route::write);
        }
    }

    /** Sends {@code count} echo requests of {@code size} data bytes, {@code intervalMillis} apart. */
    record Ping(int destination, int count, int size, int intervalMillis, int timeoutMillis)
            implements NetRequest<List<NetTables.Echo>> {
        public Ping {
            if (count < 1 || count > MAX_PINGS || size < 0 || size > MAX_DATAGRAM || intervalMillis < 0
                    || timeoutMillis < 1) {
                throw new IllegalArgumentException("ping of " + count + " x " + size + " bytes every "
                        + intervalMillis + " ms, timeout " + timeoutMillis + " ms");
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(PING, new WireWriter().i32(destination).u16(count).u16(size).i32(intervalMillis)
                    .i32(timeoutMillis).toByteArray());
        }

        @Override
        public List<NetTables.Echo> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, NetTables.Echo::read, "echoes");
        }

        public static Message reply(List<NetTables.Echo> all) {
            return NetTables.list(all, NetTables.Echo::write);
        }
    }

    /** A bound socket: its number and its port. */
    record Bound(int socket, int port) {
    }

    record UdpBind(int port) implements NetRequest<Bound> {
        public UdpBind {
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port " + port);
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(UDP_BIND, new WireWriter().u16(port).toByteArray());
        }

        @Override
        public Bound decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            Bound b = new Bound(r.i32("socket"), r.u16("port"));
            r.end("UDP_BIND reply");
            return b;
        }

        public static Message reply(Bound b) {
            return org.microsim.abi.Replies.ok(new WireWriter().i32(b.socket()).u16(b.port()).toByteArray());
        }
    }

    /** Sends the call's readable lease as one datagram to {@code destination:port}. */
    record UdpSend(int socket, int destination, int port) implements NetRequest<Void>, EmptyReply<NetException> {
        @Override
        public Message toMessage() {
            return Message.of(UDP_SEND, new WireWriter().i32(socket).i32(destination).u16(port).toByteArray());
        }
    }

    /** Waits up to {@code timeoutMillis} for a datagram, written into the call's writable lease. */
    record UdpReceive(int socket, int timeoutMillis) implements NetRequest<NetTables.Datagram> {
        @Override
        public Message toMessage() {
            return Message.of(UDP_RECEIVE, new WireWriter().i32(socket).i32(timeoutMillis).toByteArray());
        }

        @Override
        public NetTables.Datagram decodeReply(Message reply) throws MalformedException {
            return NetTables.Datagram.decode(reply);
        }
    }

    record UdpClose(int socket) implements NetRequest<Void>, EmptyReply<NetException> {
        @Override
        public Message toMessage() {
            return Message.of(UDP_CLOSE, new WireWriter().i32(socket).toByteArray());
        }
    }

    /** A named counter of the service: frames and packets dropped, by why. */
    record Counter(String name, long value) {
    }

    record Counters() implements NetRequest<List<Counter>> {
        @Override
        public Message toMessage() {
            return Message.of(COUNTERS);
        }

        @Override
        public List<Counter> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, r -> new Counter(r.string("name"), r.i64("value")), "counters");
        }

        public static Message reply(List<Counter> all) {
            return NetTables.list(all, (c, w) -> w.string(c.name()).i64(c.value()));
        }
    }

    /**
     * Decodes a request message (its lease is the server's to check).
     *
     * @throws MalformedException for an unknown msg id, a wrong length, trailing bytes, an unknown mode, a prefix
     *                            over 32, ping parameters out of range, or handles
     */
    static NetRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        NetRequest<?> request = switch (message.msgId()) {
            case INTERFACES -> new Interfaces();
            case NEIGHBOURS -> new Neighbours();
            case ROUTES -> new Routes();
            case COUNTERS -> new Counters();
            case CONFIGURE -> {
                String iface = r.string("interface");
                int mode = r.u8("mode");
                if (mode >= Mode.values().length) {
                    throw new MalformedException("unknown configuration mode " + mode);
                }
                yield new Configure(iface, Mode.values()[mode], r.i32("address"), NetTables.prefixLength(r),
                        r.i32("gateway"));
            }
            case PING -> {
                int dst = r.i32("destination");
                int count = r.u16("count");
                int size = r.u16("size");
                int interval = r.i32("interval");
                int timeout = r.i32("timeout");
                try {
                    yield new Ping(dst, count, size, interval, timeout);
                } catch (IllegalArgumentException e) {
                    throw new MalformedException(e.getMessage());
                }
            }
            case UDP_BIND -> new UdpBind(r.u16("port"));
            case UDP_SEND -> new UdpSend(r.i32("socket"), r.i32("destination"), r.u16("port"));
            case UDP_RECEIVE -> new UdpReceive(r.i32("socket"), r.i32("timeout"));
            case UDP_CLOSE -> new UdpClose(r.i32("socket"));
            case SET_MTU -> new SetMtu(r.string("interface"), r.u16("mtu"));
            case TcpRequest.TCP_LISTEN, TcpRequest.TCP_ACCEPT, TcpRequest.TCP_CONNECT, TcpRequest.TCP_SEND,
                    TcpRequest.TCP_RECEIVE, TcpRequest.TCP_SHUTDOWN, TcpRequest.TCP_CLOSE, TcpRequest.TCP_POLL,
                    TcpRequest.CONNECTIONS -> TcpRequest.decode(message.msgId(), r);
            default -> throw new MalformedException("msg id " + message.msgId() + " is not a network request ("
                    + INTERFACES + ".." + SET_MTU + ")");
        };
        r.end("network request " + message.msgId());
        if (!message.handles().isEmpty()) {
            throw new MalformedException("network requests carry no handles");
        }
        return request;
    }
}
