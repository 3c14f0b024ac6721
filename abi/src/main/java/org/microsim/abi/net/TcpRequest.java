package org.microsim.abi.net;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.EmptyReply;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The TCP part of the network service's protocol: sockets for tasks, as the BSD calls are (listen, accept,
 * connect, send, receive, shutdown, close) and a poll over many sockets, so that one task can serve many
 * connections. Fields are little-endian, addresses u32 as in {@link NetRequest}, data in leases.
 *
 * <pre>
 *  id   request       inline                                             lease           OK reply
 * 630  TCP_LISTEN    port u16 (0: any), backlog u16                     none            socket u32, port u16
 * 631  TCP_ACCEPT    socket u32, timeout ms u32                         none            {@link Accepted}
 * 632  TCP_CONNECT   dst u32, port u16, timeout ms u32                  none            socket u32, local port u16
 * 633  TCP_SEND      socket u32, timeout ms u32                         readable: data  bytes taken u32
 * 634  TCP_RECEIVE   socket u32, timeout ms u32                         writable        bytes u32, end u8
 * 635  TCP_SHUTDOWN  socket u32                                         none            (none)
 * 636  TCP_CLOSE     socket u32                                         none            (none)
 * 637  TCP_POLL      timeout ms u32, n u16, n x (socket u32, events u8)  none            n x (socket u32, events u8)
 * 638  CONNECTIONS   (none)                                             none            list of {@link Connection}
 * </pre>
 *
 * <p>Calls that would wait (accept with nothing in the backlog, connect before the handshake ends, send with a
 * full send buffer, receive with nothing received, poll with nothing ready) are held by the service until they can
 * be answered or their timeout passes; a timeout of 0 answers at once, as a non-blocking socket does. Either way a
 * call that could not be done answers WOULD_BLOCK (a poll: no sockets), except a connect, whose handshake not ending
 * in time is TIMED_OUT; TIMED_OUT otherwise means the connection itself failed (its retransmissions gave up). SEND takes what fits in the send buffer (at least one byte when it answers OK), so a
 * writer loops, as with {@code write(2)}; RECEIVE answers with {@code end} once the peer has closed its side and
 * everything before was read. Failures: CONNECTION_REFUSED, CONNECTION_RESET, TIMED_OUT, UNREACHABLE,
 * NOT_CONNECTED, NO_SUCH_SOCKET.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface TcpRequest<T> extends NetRequest<T> {
    int TCP_LISTEN = MsgIds.NET_BASE + 30;
    int TCP_ACCEPT = MsgIds.NET_BASE + 31;
    int TCP_CONNECT = MsgIds.NET_BASE + 32;
    int TCP_SEND = MsgIds.NET_BASE + 33;
    int TCP_RECEIVE = MsgIds.NET_BASE + 34;
    int TCP_SHUTDOWN = MsgIds.NET_BASE + 35;
    int TCP_CLOSE = MsgIds.NET_BASE + 36;
    int TCP_POLL = MsgIds.NET_BASE + 37;
    int CONNECTIONS = MsgIds.NET_BASE + 38;

    /** Poll events: data or end of stream to read, or a connection to accept. */
    int READABLE = 1;
    /** Poll events: room in the send buffer. */
    int WRITABLE = 2;
    /** Poll events (in answers only): the connection failed or was reset. */
    int ERROR = 4;
    /** The most sockets one poll names. */
    int MAX_POLL = 128;

    /** A connection taken from a listener's backlog: its socket and who it is with. */
    record Accepted(int socket, int remote, int port) {
    }

    /** What was received: {@code length} bytes in the lease, and whether the peer has closed its side. */
    record Received(int length, boolean end) {
    }

    /** A socket and its poll events. */
    record Ready(int socket, int events) {
    }

    /** A connection or listener, as {@code netstat} shows it. */
    record Connection(int local, int localPort, int remote, int remotePort, String state, int sendQueue,
                      int receiveQueue, String owner) {
    }

    record Listen(int port, int backlog) implements TcpRequest<Bound> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_LISTEN, new WireWriter().u16(port).u16(backlog).toByteArray());
        }

        @Override
        public Bound decodeReply(Message reply) throws MalformedException {
            return new UdpBind(0).decodeReply(reply);
        }
    }

    record Accept(int socket, int timeoutMillis) implements TcpRequest<Accepted> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_ACCEPT, new WireWriter().i32(socket).i32(timeoutMillis).toByteArray());
        }

        @Override
        public Accepted decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            Accepted a = new Accepted(r.i32("socket"), r.i32("remote"), r.u16("port"));
            r.end("TCP_ACCEPT reply");
            return a;
        }

        public static Message reply(Accepted a) {
            return Replies.ok(new WireWriter().i32(a.socket()).i32(a.remote()).u16(a.port()).toByteArray());
        }
    }

    record Connect(int destination, int port, int timeoutMillis) implements TcpRequest<Bound> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_CONNECT, new WireWriter().i32(destination).u16(port).i32(timeoutMillis)
                    .toByteArray());
        }

        @Override
        public Bound decodeReply(Message reply) throws MalformedException {
            return new UdpBind(0).decodeReply(reply);
        }
    }

    record Send(int socket, int timeoutMillis) implements TcpRequest<Integer> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_SEND, new WireWriter().i32(socket).i32(timeoutMillis).toByteArray());
        }

        @Override
        public Integer decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            int n = r.i32("bytes taken");
            r.end("TCP_SEND reply");
            if (n < 0) {
                throw new MalformedException("TCP_SEND took " + n + " bytes");
            }
            return n;
        }

        public static Message reply(int taken) {
            return Replies.ok(new WireWriter().i32(taken).toByteArray());
        }
    }

    record Receive(int socket, int timeoutMillis) implements TcpRequest<Received> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_RECEIVE, new WireWriter().i32(socket).i32(timeoutMillis).toByteArray());
        }

        @Override
        public Received decodeReply(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            Received got = new Received(r.i32("length"), NetTables.flag(r, "end"));
            r.end("TCP_RECEIVE reply");
            if (got.length() < 0) {
                throw new MalformedException("TCP_RECEIVE of " + got.length() + " bytes");
            }
            return got;
        }

        public static Message reply(Received r) {
            return Replies.ok(new WireWriter().i32(r.length()).u8(r.end() ? 1 : 0).toByteArray());
        }
    }

    record Shutdown(int socket) implements TcpRequest<Void>, EmptyReply<NetException> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_SHUTDOWN, new WireWriter().i32(socket).toByteArray());
        }
    }

    record Close(int socket) implements TcpRequest<Void>, EmptyReply<NetException> {
        @Override
        public Message toMessage() {
            return Message.of(TCP_CLOSE, new WireWriter().i32(socket).toByteArray());
        }
    }

    /** Waits up to {@code timeoutMillis} until one of {@code sockets} has one of its events. */
    record Poll(int timeoutMillis, List<Ready> sockets) implements TcpRequest<List<Ready>> {
        public Poll {
            sockets = List.copyOf(sockets);
            if (sockets.isEmpty() || sockets.size() > MAX_POLL) {
                throw new IllegalArgumentException("a poll names 1 to " + MAX_POLL + " sockets, not " + sockets.size());
            }
        }

        @Override
        public Message toMessage() {
            WireWriter w = new WireWriter().i32(timeoutMillis).u16(sockets.size());
            sockets.forEach(s -> w.i32(s.socket()).u8(s.events()));
            return Message.of(TCP_POLL, w.toByteArray());
        }

        @Override
        public List<Ready> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, r -> new Ready(r.i32("socket"), r.u8("events")), "ready sockets");
        }

        public static Message reply(List<Ready> ready) {
            return NetTables.list(ready, (s, w) -> w.i32(s.socket()).u8(s.events()));
        }
    }

    record Connections() implements TcpRequest<List<Connection>> {
        @Override
        public Message toMessage() {
            return Message.of(CONNECTIONS);
        }

        @Override
        public List<Connection> decodeReply(Message reply) throws MalformedException {
            return NetTables.list(reply, r -> new Connection(r.i32("local"), r.u16("local port"), r.i32("remote"),
                    r.u16("remote port"), r.string("state"), r.i32("send queue"), r.i32("receive queue"),
                    r.string("owner")), "connections");
        }

        public static Message reply(List<Connection> all) {
            return NetTables.list(all, (c, w) -> w.i32(c.local()).u16(c.localPort()).i32(c.remote())
                    .u16(c.remotePort()).string(c.state()).i32(c.sendQueue()).i32(c.receiveQueue()).string(c.owner()));
        }
    }

    /** Decodes the TCP requests ({@link NetRequest#decode} hands them here). */
    static TcpRequest<?> decode(int msgId, WireReader r) throws MalformedException {
        return switch (msgId) {
            case TCP_LISTEN -> new Listen(r.u16("port"), r.u16("backlog"));
            case TCP_ACCEPT -> new Accept(r.i32("socket"), r.i32("timeout"));
            case TCP_CONNECT -> new Connect(r.i32("destination"), r.u16("port"), r.i32("timeout"));
            case TCP_SEND -> new Send(r.i32("socket"), r.i32("timeout"));
            case TCP_RECEIVE -> new Receive(r.i32("socket"), r.i32("timeout"));
            case TCP_SHUTDOWN -> new Shutdown(r.i32("socket"));
            case TCP_CLOSE -> new Close(r.i32("socket"));
            case TCP_POLL -> {
                int timeout = r.i32("timeout");
                int n = r.u16("socket count");
                if (n == 0 || n > MAX_POLL) {
                    throw new MalformedException("a poll names 1 to " + MAX_POLL + " sockets, not " + n);
                }
                List<Ready> sockets = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    sockets.add(new Ready(r.i32("socket"), r.u8("events")));
                }
                yield new Poll(timeout, sockets);
            }
            case CONNECTIONS -> new Connections();
            default -> throw new MalformedException("msg id " + msgId + " is not a TCP request");
        };
    }
}
