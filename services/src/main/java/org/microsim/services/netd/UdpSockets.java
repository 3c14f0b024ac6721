package org.microsim.services.netd;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
import org.microsim.abi.net.NetTables;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * The UDP sockets of tasks: each bound to a port by the task that asked, with a bounded queue of datagrams that
 * came for it and at most one UDP_RECEIVE waiting (held, with its deadline) for the next one.
 *
 * <pre>
 *   datagram for port P ─▶ socket of P? ─ no ─▶ dropped, counted ("udp: no socket")
 *                           └ yes ─▶ a receive waits? ─ yes ─▶ into its lease, answered
 *                                     └ no ─▶ queue (at most {@value #QUEUE}; full: dropped, counted)
 * </pre>
 *
 * A socket belongs to its task: another task's request for it is NO_SUCH_SOCKET. A task that binds again with a
 * newer generation of its slot (it was restarted) takes over nothing: the old incarnation's sockets are closed
 * then, since the kernel does not tell netd about ended tasks.
 */
final class UdpSockets {
    static final int QUEUE = 64;
    private static final int FIRST_EPHEMERAL = 49152;
    private static final int MAX_SOCKETS = 256;

    private record Datagram(Ipv4Addr from, int port, byte[] data) {
    }

    private static final class Socket {
        final int id;
        final TaskId owner;
        final int port;
        final ArrayDeque<Datagram> queue = new ArrayDeque<>();
        ReplyRight waiting;
        long leaseLength;
        long deadline = Long.MAX_VALUE;

        Socket(int id, TaskId owner, int port) {
            this.id = id;
            this.owner = owner;
            this.port = port;
        }
    }

    private final Sys sys;
    private final Counters counters;
    private final Map<Integer, Socket> byId = new LinkedHashMap<>();
    private final Map<Integer, Socket> byPort = new LinkedHashMap<>();
    private int nextId = 1;
    private int nextEphemeral = FIRST_EPHEMERAL;

    UdpSockets(Sys sys, Counters counters) {
        this.sys = sys;
        this.counters = counters;
    }

    NetRequest.Bound bind(TaskId owner, int port) throws NetException {
        byId.values().removeIf(s -> s.owner.index() == owner.index() && s.owner.generation() < owner.generation()
                && forget(s));
        if (byId.size() >= MAX_SOCKETS) {
            throw new NetException(NetError.BUSY, "netd has " + MAX_SOCKETS + " sockets open");
        }
        if (port == 0) {
            port = ephemeral();
        } else if (byPort.containsKey(port)) {
            throw new NetException(NetError.ADDRESS_IN_USE, "UDP port " + port + " is bound already");
        }
        Socket s = new Socket(nextId++, owner, port);
        byId.put(s.id, s);
        byPort.put(port, s);
        return new NetRequest.Bound(s.id, port);
    }

    private boolean forget(Socket s) {
        byPort.remove(s.port);
        return true;
    }

    private int ephemeral() throws NetException {
        for (int i = 0; i < 0x10000 - FIRST_EPHEMERAL; i++) {
            int p = nextEphemeral;
            nextEphemeral = nextEphemeral == 0xffff ? FIRST_EPHEMERAL : nextEphemeral + 1;
            if (!byPort.containsKey(p)) {
                return p;
            }
        }
        throw new NetException(NetError.BUSY, "no free UDP port");
    }

    /** The port of the caller's socket {@code id}. */
    int port(TaskId owner, int id) throws NetException {
        return socket(owner, id).port;
    }

    void close(TaskId owner, int id) throws NetException {
        Socket s = socket(owner, id);
        byId.remove(id);
        byPort.remove(s.port);
        if (s.waiting != null) {
            sys.reply(s.waiting, Replies.error(NetError.NO_SUCH_SOCKET.code(), "the socket was closed"));
        }
    }

    private Socket socket(TaskId owner, int id) throws NetException {
        Socket s = byId.get(id);
        if (s == null || !s.owner.equals(owner)) {
            throw new NetException(NetError.NO_SUCH_SOCKET, "no UDP socket " + id + " of this task");
        }
        return s;
    }

    /** A UDP_RECEIVE: answered now with a queued datagram, or held until one comes or {@code timeout} passes. */
    Message receive(Received call, int id, int timeoutMillis, long now) throws NetException {
        Socket s = socket(call.sender(), id);
        if (call.lease() == null || !call.lease().writable()) {
            throw new NetException(NetError.LEASE_TOO_SMALL, "UDP_RECEIVE needs a writable lease");
        }
        if (s.waiting != null) {
            throw new NetException(NetError.BUSY, "a receive on socket " + id + " is waiting already");
        }
        Datagram d = s.queue.poll();
        if (d != null) {
            return answer(call.replyRight(), call.lease().length(), d);
        }
        if (timeoutMillis <= 0) {
            throw new NetException(NetError.TIMED_OUT, "no datagram waiting");
        }
        s.waiting = call.replyRight();
        s.leaseLength = call.lease().length();
        s.deadline = now + timeoutMillis * 1_000_000L;
        return Handler.NO_REPLY;
    }

    /** A datagram came for {@code port}; false when no socket has it. */
    boolean deliver(int port, Ipv4Addr from, int fromPort, byte[] data) {
        Socket s = byPort.get(port);
        if (s == null) {
            return false;
        }
        Datagram d = new Datagram(from, fromPort, data);
        if (s.waiting != null) {
            ReplyRight right = s.waiting;
            s.waiting = null;
            s.deadline = Long.MAX_VALUE;
            sys.reply(right, answer(right, s.leaseLength, d));
        } else if (s.queue.size() < QUEUE) {
            s.queue.add(d);
        } else {
            counters.add("udp: socket queue full");
        }
        return true;
    }

    private Message answer(ReplyRight right, long leaseLength, Datagram d) {
        int n = (int) Math.min(leaseLength, d.data.length);
        if (n > 0 && !sys.leaseWrite(right, 0, d.data, 0, n).isOk()) {
            return Replies.error(NetError.LEASE_TOO_SMALL.code(), "the datagram cannot be written to the lease");
        }
        return new NetTables.Datagram(d.from.value(), d.port, d.data.length, n < d.data.length).toMessage();
    }

    /** Answers the receives whose time is up. */
    void tick(long now) {
        for (Iterator<Socket> it = byId.values().iterator(); it.hasNext(); ) {
            Socket s = it.next();
            if (s.waiting != null && s.deadline <= now) {
                ReplyRight right = s.waiting;
                s.waiting = null;
                s.deadline = Long.MAX_VALUE;
                sys.reply(right, Replies.error(NetError.TIMED_OUT.code(), "no datagram came for UDP port " + s.port));
            }
        }
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Socket s : byId.values()) {
            next = Math.min(next, s.deadline);
        }
        return next;
    }
}
