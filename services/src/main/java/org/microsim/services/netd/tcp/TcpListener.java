package org.microsim.services.netd.tcp;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * A passive open (RFC 9293's LISTEN state): each acceptable SYN makes a connection in SYN_RECEIVED, which waits
 * here once its handshake completes until {@link #accept} takes it. The backlog bounds both kinds together, so a
 * flood of SYNs costs at most that many connections; a SYN beyond it is dropped and counted, and the peer's
 * retransmission will find room once the application accepts.
 */
public final class TcpListener {
    private final TcpHost host;
    private final Ipv4Addr local;
    private final int port;
    private final int backlog;
    private final Set<TcpConnection> halfOpen = new LinkedHashSet<>();
    private final ArrayDeque<TcpConnection> ready = new ArrayDeque<>();
    private boolean closed;

    TcpListener(TcpHost host, Ipv4Addr local, int port, int backlog) {
        this.host = host;
        this.local = local;
        this.port = port;
        this.backlog = backlog;
    }

    /** The next connection whose handshake completed, or null when none waits. */
    public TcpConnection accept() {
        return ready.poll();
    }

    /** Stops listening; the connections not yet accepted are reset. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.forget(this);
        for (TcpConnection c : List.copyOf(halfOpen)) {
            c.abort();
        }
        for (TcpConnection c : List.copyOf(ready)) {
            c.abort();
        }
        halfOpen.clear();
        ready.clear();
    }

    /** The address listened on: {@link Ipv4Addr#ANY} for all. */
    public Ipv4Addr localAddress() {
        return local;
    }

    public int localPort() {
        return port;
    }

    /** How many connections wait for {@link #accept}. */
    public int pending() {
        return ready.size();
    }

    /** A segment for no connection, to this listener's address and port (RFC 9293 3.10.7.2). */
    void input(TcpSegment s, Ipv4Addr src, Ipv4Addr dst, long now) {
        if (s.has(TcpSegment.RST)) {
            host.count("dropped: reset to a listener");
        } else if (s.has(TcpSegment.ACK)) {
            host.count("dropped: no connection");
            host.resetFor(s, src, dst);
        } else if (!s.has(TcpSegment.SYN)) {
            host.count("dropped: no connection");
        } else if (halfOpen.size() + ready.size() >= backlog) {
            host.count("dropped: listen backlog full");
        } else {
            TcpConnection c = host.accepted(this, new TcpHost.Key(dst, port, src, s.srcPort()));
            halfOpen.add(c);
            c.passiveOpen(s, now);
        }
    }

    /** A connection of ours completed its handshake. */
    void established(TcpConnection c) {
        if (halfOpen.remove(c)) {
            ready.add(c);
        }
    }

    /** A connection of ours closed before the application took it. */
    void forget(TcpConnection c) {
        halfOpen.remove(c);
        ready.remove(c);
    }
}
