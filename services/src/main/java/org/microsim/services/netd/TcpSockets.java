package org.microsim.services.netd;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Handler;
import org.microsim.abi.Message;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.TcpRequest;
import org.microsim.services.netd.tcp.TcpConnection;
import org.microsim.services.netd.tcp.TcpListener;
import org.microsim.services.netd.tcp.TcpState;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * The TCP sockets of tasks over the stack's {@link org.microsim.services.netd.tcp.TcpHost}: each a listener or a
 * connection, owned by the task that made it, and the calls that wait on them.
 *
 * <pre>
 *   TCP_ACCEPT / CONNECT / SEND / RECEIVE / POLL ─▶ can it be answered now? ─ yes ─▶ reply
 *                                                     └ no: timeout 0 ─▶ WOULD_BLOCK
 *                                                         else held (its reply right and deadline) ──┐
 *   after every segment, tick and request: {@link #progress} ─▶ answer what became possible or timed out
 * </pre>
 *
 * <p>A held SEND or RECEIVE keeps its caller's lease, which lives as long as the call: the bytes move when the
 * buffer has room or data, straight between the lease and the connection. At most one call of each kind waits on a
 * socket at a time (a second is BUSY), as the socket belongs to one task with one thread.
 */
final class TcpSockets {
    /** The most bytes one SEND or RECEIVE moves. */
    static final int MAX_TRANSFER = 64 * 1024;
    private static final int MAX_SOCKETS = 1024;
    private static final int MAX_POLLS = 64;

    /** A call that waits: its reply right, its deadline, its lease's length, and for a poll what it asks. */
    private record Held(ReplyRight right, long deadline, long leaseLength, List<TcpRequest.Ready> interest) {
    }

    private static final class Socket {
        final int id;
        final TaskId owner;
        final TcpListener listener;
        final TcpConnection connection;
        Held accept;
        Held connect;
        Held send;
        Held receive;

        Socket(int id, TaskId owner, TcpListener listener, TcpConnection connection) {
            this.id = id;
            this.owner = owner;
            this.listener = listener;
            this.connection = connection;
        }
    }

    private final Sys sys;
    private final Stack stack;
    private final Map<Integer, Socket> sockets = new LinkedHashMap<>();
    private final List<Held> polls = new ArrayList<>();
    /** Where a SEND's or RECEIVE's bytes pass between lease and connection (netd serves one call at a time). */
    private final byte[] transfer = new byte[MAX_TRANSFER];
    private int nextId = 1;

    TcpSockets(Sys sys, Stack stack) {
        this.sys = sys;
        this.stack = stack;
    }

    /** Serves one TCP request; {@link Handler#NO_REPLY} when the call waits. */
    Message handle(TcpRequest<?> request, Received call, long now) throws NetException {
        TaskId owner = call.sender();
        return switch (request) {
            case TcpRequest.Listen l -> listen(owner, l);
            case TcpRequest.Accept a -> hold(call, a.timeoutMillis(), now, socket(owner, a.socket(), true), Kind.ACCEPT);
            case TcpRequest.Connect c -> connect(call, c, now);
            case TcpRequest.Send s -> hold(call, s.timeoutMillis(), now, socket(owner, s.socket(), false), Kind.SEND);
            case TcpRequest.Receive r -> hold(call, r.timeoutMillis(), now, socket(owner, r.socket(), false),
                    Kind.RECEIVE);
            case TcpRequest.Shutdown s -> {
                socket(owner, s.socket(), false).connection.shutdownOutput();
                yield Replies.ok();
            }
            case TcpRequest.Close c -> {
                close(socket(owner, c.socket(), null));
                yield Replies.ok();
            }
            case TcpRequest.Poll p -> poll(call, p, now);
            case TcpRequest.Connections c -> TcpRequest.Connections.reply(connections());
        };
    }

    private Message listen(TaskId owner, TcpRequest.Listen l) throws NetException {
        forgetEarlierIncarnations(owner);
        if (l.port() == 0 || l.backlog() == 0) {
            throw new NetException(NetError.INVALID_REQUEST, "TCP_LISTEN needs a port and a backlog of at least 1");
        }
        room();
        TcpListener listener;
        try {
            listener = stack.tcp.listen(Ipv4Addr.ANY, l.port(), Math.min(l.backlog(), 1024));
        } catch (IllegalStateException e) {
            throw new NetException(NetError.ADDRESS_IN_USE, "TCP port " + l.port() + " is listened on already");
        }
        Socket s = new Socket(nextId++, owner, listener, null);
        sockets.put(s.id, s);
        return NetRequest.UdpBind.reply(new NetRequest.Bound(s.id, l.port()));
    }

    private Message connect(Received call, TcpRequest.Connect c, long now) throws NetException {
        forgetEarlierIncarnations(call.sender());
        Ipv4Addr to = new Ipv4Addr(c.destination());
        Stack.Hop hop = stack.route(to);
        Ipv4Addr local = stack.localAddress(to);
        if (hop == null && local == null || c.port() == 0) {
            throw new NetException(NetError.UNREACHABLE, "no route to " + to);
        }
        room();
        TcpConnection connection;
        try {
            connection = stack.tcp.connect(local != null ? local : hop.iface().address, to, c.port(), now);
        } catch (IllegalStateException e) {
            throw new NetException(NetError.BUSY, e.getMessage());
        }
        Socket s = new Socket(nextId++, call.sender(), null, connection);
        sockets.put(s.id, s);
        return hold(call, c.timeoutMillis(), now, s, Kind.CONNECT);
    }

    private enum Kind { ACCEPT, CONNECT, SEND, RECEIVE }

    /** Answers now if it can; else WOULD_BLOCK for a timeout of 0, else the call waits on the socket. */
    private Message hold(Received call, int timeoutMillis, long now, Socket s, Kind kind) throws NetException {
        long lease = call.lease() == null ? -1 : call.lease().length();
        if ((kind == Kind.SEND && (call.lease() == null || !call.lease().readable()))
                || (kind == Kind.RECEIVE && (call.lease() == null || !call.lease().writable()))) {
            throw new NetException(NetError.LEASE_TOO_SMALL, "TCP_" + kind + " needs a "
                    + (kind == Kind.SEND ? "readable" : "writable") + " lease");
        }
        Held h = new Held(call.replyRight(), timeoutMillis <= 0 ? now : now + timeoutMillis * 1_000_000L, lease,
                null);
        Message answer = attempt(s, kind, h, false);
        if (answer != null) {
            return answer;
        }
        if (timeoutMillis <= 0) {
            throw new NetException(NetError.WOULD_BLOCK, "not ready");
        }
        Held busy = switch (kind) {
            case ACCEPT -> s.accept;
            case CONNECT -> s.connect;
            case SEND -> s.send;
            case RECEIVE -> s.receive;
        };
        if (busy != null) {
            throw new NetException(NetError.BUSY, "a " + kind + " on socket " + s.id + " is waiting already");
        }
        switch (kind) {
            case ACCEPT -> s.accept = h;
            case CONNECT -> s.connect = h;
            case SEND -> s.send = h;
            case RECEIVE -> s.receive = h;
        }
        return Handler.NO_REPLY;
    }

    /** The answer to a call of {@code kind} on {@code s} if there is one now (or, when {@code late}, its failure). */
    private Message attempt(Socket s, Kind kind, Held h, boolean late) {
        TcpConnection c = s.connection;
        return switch (kind) {
            case ACCEPT -> {
                TcpConnection accepted = s.listener.accept();
                if (accepted == null) {
                    yield late ? timedOut("no connection came") : null;
                }
                Socket n = new Socket(nextId++, s.owner, null, accepted);
                sockets.put(n.id, n);
                yield TcpRequest.Accept.reply(new TcpRequest.Accepted(n.id, accepted.remoteAddress().value(),
                        accepted.remotePort()));
            }
            case CONNECT -> {
                if (c.error() != null) {
                    yield failure(c);
                }
                if (c.state() != TcpState.SYN_SENT && c.state() != TcpState.SYN_RECEIVED) {
                    yield NetRequest.UdpBind.reply(new NetRequest.Bound(s.id, c.localPort()));
                }
                yield late ? Replies.error(NetError.TIMED_OUT.code(), "the connection to " + c.remoteAddress() + ":"
                        + c.remotePort() + " was not set up in time") : null;
            }
            case SEND -> {
                int room = (int) Math.min(Math.min(h.leaseLength, MAX_TRANSFER), Math.max(c.sendSpace(), 0));
                if (c.error() != null) {
                    yield failure(c);
                }
                if (h.leaseLength == 0) {
                    yield TcpRequest.Send.reply(0);
                }
                if (room == 0) {
                    yield c.send(new byte[1], 0, 0) < 0 ? Replies.error(NetError.NOT_CONNECTED.code(),
                            "this side of the connection is shut down") : late ? timedOut("the send buffer stayed "
                            + "full") : null;
                }
                if (!sys.leaseRead(h.right, 0, transfer, 0, room).isOk()) {
                    yield Replies.error(NetError.LEASE_TOO_SMALL.code(), "the data cannot be read from the lease");
                }
                int taken = c.send(transfer, 0, room);
                yield taken < 0 ? Replies.error(NetError.NOT_CONNECTED.code(), "this side of the connection is "
                        + "shut down") : TcpRequest.Send.reply(taken);
            }
            case RECEIVE -> {
                int n = c.receive(transfer, 0, (int) Math.min(Math.max(h.leaseLength, 1), MAX_TRANSFER));
                if (n < 0) {
                    yield c.error() != null ? failure(c) : TcpRequest.Receive.reply(new TcpRequest.Received(0,
                            true));
                }
                if (n == 0) {
                    yield late ? timedOut("nothing came") : null;
                }
                if (!sys.leaseWrite(h.right, 0, transfer, 0, Math.min(n, (int) h.leaseLength)).isOk()) {
                    yield Replies.error(NetError.LEASE_TOO_SMALL.code(), "the data cannot be written to the lease");
                }
                yield TcpRequest.Receive.reply(new TcpRequest.Received(n, false));
            }
        };
    }

    /**
     * A call whose own timeout passed: WOULD_BLOCK, not TIMED_OUT, which is kept for a connection that failed, so a
     * writer that waits in pieces can tell "not yet" from "never".
     */
    private static Message timedOut(String why) {
        return Replies.error(NetError.WOULD_BLOCK.code(), why);
    }

    private static Message failure(TcpConnection c) {
        return switch (c.error()) {
            case REFUSED -> Replies.error(NetError.CONNECTION_REFUSED.code(), "connection refused by "
                    + c.remoteAddress() + ":" + c.remotePort());
            case RESET -> Replies.error(NetError.CONNECTION_RESET.code(), "the connection was reset by the peer");
            case TIMED_OUT -> Replies.error(NetError.TIMED_OUT.code(), "the connection timed out");
        };
    }

    private Message poll(Received call, TcpRequest.Poll p, long now) throws NetException {
        for (TcpRequest.Ready r : p.sockets()) {
            socket(call.sender(), r.socket(), null);
        }
        List<TcpRequest.Ready> ready = ready(p.sockets());
        if (!ready.isEmpty() || p.timeoutMillis() <= 0) {
            return TcpRequest.Poll.reply(ready);
        }
        if (polls.size() >= MAX_POLLS) {
            throw new NetException(NetError.BUSY, "too many polls wait");
        }
        Held h = new Held(call.replyRight(), now + p.timeoutMillis() * 1_000_000L, 0, p.sockets());
        polls.add(h);
        return Handler.NO_REPLY;
    }

    /** Which of {@code interest} have one of their events now (a socket that is gone reports ERROR). */
    private List<TcpRequest.Ready> ready(List<TcpRequest.Ready> interest) {
        List<TcpRequest.Ready> out = new ArrayList<>();
        for (TcpRequest.Ready r : interest) {
            Socket s = sockets.get(r.socket());
            int events = s == null ? TcpRequest.ERROR : events(s) & (r.events() | TcpRequest.ERROR);
            if (events != 0) {
                out.add(new TcpRequest.Ready(r.socket(), events));
            }
        }
        return out;
    }

    private static int events(Socket s) {
        if (s.listener != null) {
            return s.listener.pending() > 0 ? TcpRequest.READABLE : 0;
        }
        TcpConnection c = s.connection;
        if (c.error() != null) {
            return TcpRequest.ERROR | TcpRequest.READABLE;
        }
        int e = 0;
        TcpState st = c.state();
        boolean peerDone = st == TcpState.CLOSE_WAIT || st == TcpState.LAST_ACK || st == TcpState.CLOSING
                || st == TcpState.TIME_WAIT || st == TcpState.CLOSED;
        if (c.available() > 0 || peerDone) {
            e |= TcpRequest.READABLE;
        }
        if (c.sendSpace() > 0 && (st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT)) {
            e |= TcpRequest.WRITABLE;
        }
        return e;
    }

    /** Answers the calls that can be answered now, and those whose time is up. */
    void progress(long now) {
        for (Socket s : List.copyOf(sockets.values())) {
            s.accept = settle(s, Kind.ACCEPT, s.accept, now);
            s.connect = settle(s, Kind.CONNECT, s.connect, now);
            s.send = settle(s, Kind.SEND, s.send, now);
            s.receive = settle(s, Kind.RECEIVE, s.receive, now);
        }
        for (Iterator<Held> it = polls.iterator(); it.hasNext(); ) {
            Held h = it.next();
            List<TcpRequest.Ready> ready = ready(h.interest);
            if (!ready.isEmpty() || h.deadline <= now) {
                sys.reply(h.right, TcpRequest.Poll.reply(ready));
                it.remove();
            }
        }
    }

    private Held settle(Socket s, Kind kind, Held h, long now) {
        if (h == null) {
            return null;
        }
        boolean late = h.deadline <= now;
        if (kind == Kind.SEND && !late && !roomEnough(s.connection, h)) {
            return h;
        }
        Message answer = attempt(s, kind, h, late);
        if (answer == null) {
            return h;
        }
        sys.reply(h.right, answer); // a caller that gave up is simply not there
        return null;
    }

    /**
     * Whether a waiting writer should be woken: when a third of the send buffer is free (or all it asked for), as
     * Linux wakes a writer only once sk_stream_wspace reaches sk_stream_min_wspace. Waking it for every segment the
     * peer acknowledges would make it hand over a segment at a time, and the connection send in bursts of one.
     */
    private static boolean roomEnough(TcpConnection c, Held h) {
        int room = c.sendSpace();
        return room == 0 || room >= Math.min(Math.min(h.leaseLength, MAX_TRANSFER), c.sendBufferSize() / 3);
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Socket s : sockets.values()) {
            for (Held h : new Held[] {s.accept, s.connect, s.send, s.receive}) {
                if (h != null) {
                    next = Math.min(next, h.deadline);
                }
            }
        }
        for (Held h : polls) {
            next = Math.min(next, h.deadline);
        }
        return next;
    }

    private void close(Socket s) {
        sockets.remove(s.id);
        if (s.listener != null) {
            s.listener.close();
        } else {
            s.connection.close();
        }
        for (Held h : new Held[] {s.accept, s.connect, s.send, s.receive}) {
            if (h != null) {
                sys.reply(h.right, Replies.error(NetError.NO_SUCH_SOCKET.code(), "the socket was closed"));
            }
        }
    }

    /**
     * The caller's socket {@code id}; {@code listener} true for a listener, false for a connection, null for
     * either.
     */
    private Socket socket(TaskId owner, int id, Boolean listener) throws NetException {
        Socket s = sockets.get(id);
        if (s == null || !s.owner.equals(owner)) {
            throw new NetException(NetError.NO_SUCH_SOCKET, "no TCP socket " + id + " of this task");
        }
        if (listener != null && listener != (s.listener != null)) {
            throw new NetException(NetError.NOT_CONNECTED, "socket " + id + " is "
                    + (s.listener != null ? "a listener" : "a connection"));
        }
        return s;
    }

    private void room() throws NetException {
        if (sockets.size() >= MAX_SOCKETS) {
            throw new NetException(NetError.BUSY, "netd has " + MAX_SOCKETS + " TCP sockets open");
        }
    }

    /**
     * A task restarted in its slot (a newer generation asks): the sockets of its earlier incarnation are closed,
     * since the kernel does not tell netd that tasks end.
     */
    private void forgetEarlierIncarnations(TaskId owner) {
        for (Socket s : List.copyOf(sockets.values())) {
            if (s.owner.index() == owner.index() && s.owner.generation() < owner.generation()) {
                close(s);
            }
        }
    }

    private List<TcpRequest.Connection> connections() {
        List<TcpRequest.Connection> out = new ArrayList<>();
        for (Socket s : sockets.values()) {
            String owner = s.owner.toString();
            if (s.listener != null) {
                out.add(new TcpRequest.Connection(0, s.listener.localPort(), 0, 0, "LISTEN", 0,
                        s.listener.pending(), owner));
            } else {
                TcpConnection c = s.connection;
                out.add(new TcpRequest.Connection(c.localAddress().value(), c.localPort(), c.remoteAddress().value(),
                        c.remotePort(), c.state().name(), 0, c.available(), owner));
            }
        }
        return out;
    }
}
