package org.microsim.services.netd.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MalformedPacketException;

/**
 * The TCP of one IPv4 host, as event functions: a segment came ({@link #input}), the time came ({@link #tick}),
 * the application asked (the methods of {@link TcpConnection} and {@link TcpListener}). What it has to send
 * waits in a queue the caller empties with {@link #drain} and wraps in IPv4 itself; {@link #nextDeadline} says
 * when to call {@link #tick} next. It has no thread, reads no clock and draws randomness (initial sequence
 * numbers) only from the supplier it is given, so the same inputs at the same times give the same segments.
 *
 * <p>A segment to send is built once, in the buffer it will leave in: {@link Outgoing} holds it with room in
 * front for the headers of the layers below (the caller says how much), so IPv4 and Ethernet write their headers
 * in place and the data, copied once from the send buffer, is never copied again inside the stack.
 *
 * <p>A call that takes no time (a {@code send}, a {@code close} ...) happens at the latest time the host was
 * given. No segment makes it throw: each refused one is counted in {@link #counters()} under one reason.
 * Not thread-safe: one caller drives it.
 */
public final class TcpHost {
    /** The first ephemeral port (RFC 6335 section 6). */
    public static final int FIRST_EPHEMERAL = 49152;
    /** Bounds on the spare segment buffers: how many sizes, and how many of each (more than one flush sends). */
    private static final int SPARE_SIZES = 8;
    private static final int SPARE_PER_SIZE = 256;

    private final LongSupplier random;
    private final TcpConfig config;
    private final ToIntFunction<Ipv4Addr> mss;
    private final int headroom;
    private final int minBuffer;
    private final Map<Key, TcpConnection> connections = new LinkedHashMap<>();
    private final Map<Endpoint, TcpListener> listeners = new LinkedHashMap<>();
    private final List<Outgoing> outgoing = new ArrayList<>();
    /** Where in {@link #outgoing} a connection's replaceable ACK waits, while nothing else of it came after. */
    private final Map<Key, Integer> bareAcks = new HashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private int nextEphemeral = FIRST_EPHEMERAL;
    private long now;
    /** Buffers of sent segments to build new ones in, by size; see {@link #recycle}. */
    private final Map<Integer, ArrayDeque<byte[]>> spare = new HashMap<>();
    /** The connection the last segment went to: a bulk transfer's segments all do, so its table lookup is skipped. */
    private TcpConnection last;

    /**
     * A segment to send: the caller puts its bytes in an IPv4 packet from {@code src} to {@code dst}. The segment is
     * {@code length} bytes of {@code buffer} from {@code offset}; the buffer has the host's headroom in front of it
     * (free for the headers below) and is at least the host's minimum length, zeros after the segment. The
     * buffer is the caller's once {@link #drain} returned it: the host keeps nothing of it.
     */
    public record Outgoing(Ipv4Addr src, Ipv4Addr dst, byte[] buffer, int offset, int length) {
        /** A copy of the segment's bytes. */
        public byte[] tcpBytes() {
            return Arrays.copyOfRange(buffer, offset, offset + length);
        }
    }

    record Key(Ipv4Addr local, int localPort, Ipv4Addr remote, int remotePort) {
    }

    private record Endpoint(Ipv4Addr addr, int port) {
    }

    /**
     * A host whose every connection has the MSS of {@code config}.
     *
     * @param random where initial sequence numbers come from: seed it for a reproducible run
     * @param config buffers, timers and limits of every connection
     */
    public TcpHost(LongSupplier random, TcpConfig config) {
        this(random, config, remote -> config.mss(), 0, 0);
    }

    /**
     * A host whose connections each take their MSS from their route, as a host with links of different MTUs does,
     * and whose segments are built with room in front for the headers below.
     *
     * @param random   where initial sequence numbers come from: seed it for a reproducible run
     * @param config   buffers, timers and limits of every connection
     * @param mss      the MSS a new connection to an address announces in its SYN and sends at most (RFC 9293
     *                 3.7.1: the MTU of the interface it leaves by, less 40), instead of {@code config}'s; from 64 to
     *                 {@link TcpSegment#MAX_PAYLOAD}
     * @param headroom the bytes each {@link Outgoing} buffer leaves free before its segment, for the headers below
     * @param minBuffer the least length of an {@link Outgoing} buffer (the shortest frame, padded with zeros)
     */
    public TcpHost(LongSupplier random, TcpConfig config, ToIntFunction<Ipv4Addr> mss, int headroom, int minBuffer) {
        this.random = Objects.requireNonNull(random, "random");
        this.config = Objects.requireNonNull(config, "config");
        this.mss = Objects.requireNonNull(mss, "mss");
        if (headroom < 0 || minBuffer < 0) {
            throw new IllegalArgumentException("headroom " + headroom + " and minimum buffer " + minBuffer
                    + " cannot be negative");
        }
        this.headroom = headroom;
        this.minBuffer = minBuffer;
    }

    /**
     * A segment that arrived in an IPv4 packet from {@code src} to {@code dst} (this host), at time {@code now}.
     * It goes to its connection, or a listener, or is answered with a RST (RFC 9293 3.10.7.1); a damaged one is
     * counted and dropped.
     */
    public void input(Ipv4Addr src, Ipv4Addr dst, byte[] tcpBytes, long now) {
        input(src, dst, tcpBytes, 0, tcpBytes.length, now);
    }

    /**
     * The same for the segment in {@code length} bytes of {@code b} from {@code offset}, read in place: nothing of
     * {@code b} is kept after the call (data is copied into the receive buffer), so the caller may reuse it.
     */
    public void input(Ipv4Addr src, Ipv4Addr dst, byte[] b, int offset, int length, long now) {
        advance(now);
        TcpSegment s;
        try {
            s = TcpSegment.parse(b, offset, length, src, dst);
        } catch (MalformedPacketException e) {
            count(e.reason().contains("checksum") ? "dropped: bad checksum" : "dropped: malformed");
            return;
        }
        if (s.srcPort() == 0 || s.dstPort() == 0 || s.has(TcpSegment.SYN) && s.has(TcpSegment.FIN)
                || s.has(TcpSegment.SYN) && s.has(TcpSegment.RST)) {
            count("dropped: impossible fields");
            return;
        }
        TcpConnection c = last != null && last.is(dst, s.dstPort(), src, s.srcPort()) ? last
                : connections.get(new Key(dst, s.dstPort(), src, s.srcPort()));
        if (c != null) {
            last = c;
            c.input(s, now);
            return;
        }
        TcpListener l = listeners.get(new Endpoint(dst, s.dstPort()));
        if (l == null) {
            l = listeners.get(new Endpoint(Ipv4Addr.ANY, s.dstPort()));
        }
        if (l != null) {
            l.input(s, src, dst, now);
            return;
        }
        count("dropped: no connection");
        resetFor(s, src, dst);
    }

    /**
     * Listens on {@code port} of {@code local} ({@link Ipv4Addr#ANY}: every address of the host).
     *
     * @param backlog how many connections may wait, half-open or for {@link TcpListener#accept}; a SYN beyond it
     *     is dropped (the peer sends it again)
     * @throws IllegalStateException when something already listens there
     */
    public TcpListener listen(Ipv4Addr local, int port, int backlog) {
        if (port < 1 || port > 0xffff || backlog < 1) {
            throw new IllegalArgumentException("port " + port + " or backlog " + backlog + " is out of range");
        }
        Endpoint e = new Endpoint(local, port);
        if (listeners.containsKey(e)) {
            throw new IllegalStateException("something already listens on " + local + ":" + port);
        }
        TcpListener l = new TcpListener(this, local, port, backlog);
        listeners.put(e, l);
        return l;
    }

    /**
     * Opens a connection from {@code local} (a real address of this host, chosen by the caller's routing) and an
     * ephemeral port to {@code remote}:{@code remotePort}; its SYN is in the next {@link #drain}.
     *
     * @throws IllegalStateException when every ephemeral port to that peer is taken
     */
    public TcpConnection connect(Ipv4Addr local, Ipv4Addr remote, int remotePort, long now) {
        if (local.equals(Ipv4Addr.ANY) || remotePort < 1 || remotePort > 0xffff) {
            throw new IllegalArgumentException("connect needs a local address and a port from 1 to 65535");
        }
        advance(now);
        int span = 0x10000 - FIRST_EPHEMERAL;
        for (int i = 0; i < span; i++) {
            int port = nextEphemeral;
            nextEphemeral = port == 0xffff ? FIRST_EPHEMERAL : port + 1;
            Key k = new Key(local, port, remote, remotePort);
            if (!connections.containsKey(k) && !listeners.containsKey(new Endpoint(local, port))
                    && !listeners.containsKey(new Endpoint(Ipv4Addr.ANY, port))) {
                TcpConnection c = new TcpConnection(this, k, null);
                connections.put(k, c);
                c.open(now);
                return c;
            }
        }
        throw new IllegalStateException("no ephemeral port is free for " + local + " to " + remote + ":"
                + remotePort);
    }

    /** Runs the timers due at {@code now}: retransmissions, probes, delayed ACKs, TIME_WAIT ends. */
    public void tick(long now) {
        advance(now);
        for (TcpConnection c : List.copyOf(connections.values())) {
            if (c.deadline() <= now) {
                c.onTimer(now);
            }
        }
    }

    /** The earliest time {@link #tick} has something to do, or {@link Long#MAX_VALUE} when nothing waits. */
    public long nextDeadline() {
        long d = Long.MAX_VALUE;
        for (TcpConnection c : connections.values()) {
            d = Math.min(d, c.deadline());
        }
        return d;
    }

    /** The segments to send, oldest first; the queue is empty afterwards. */
    public List<Outgoing> drain() {
        List<Outgoing> out = List.copyOf(outgoing);
        outgoing.clear();
        bareAcks.clear();
        return out;
    }

    /** Counts by name: "dropped: ..." for each reason a segment was refused, and events (retransmissions ...). */
    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    // ---- for the package ----

    TcpConfig config() {
        return config;
    }

    long now() {
        return now;
    }

    /** The MSS of a new connection to {@code remote}, kept in range whatever the route says. */
    int mssTo(Ipv4Addr remote) {
        return Math.max(64, Math.min(TcpSegment.MAX_PAYLOAD, mss.applyAsInt(remote)));
    }

    int isn() {
        return (int) random.getAsLong();
    }

    int connectionCount() {
        return connections.size();
    }

    /** The connections in the table, for tests. */
    List<TcpConnection> connections() {
        return List.copyOf(connections.values());
    }

    void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    void send(Ipv4Addr src, Ipv4Addr dst, TcpSegment s) {
        Key key = new Key(src, s.srcPort(), dst, s.dstPort());
        byte[] b = segmentBuffer(s.encodedLength());
        s.encodeInto(b, headroom, src, dst);
        queue(key, new Outgoing(src, dst, b, headroom, s.encodedLength()), false);
    }

    /**
     * A buffer for a segment of {@code length} bytes at {@link #headroom()}: see {@link Outgoing}. One handed back
     * by {@link #recycle} when there is one of that size, with the bytes after the segment zeroed again (the padding
     * of a short frame); the segment and the headers before it are all written over by whoever fills it.
     */
    byte[] segmentBuffer(int length) {
        int size = Math.max(minBuffer, headroom + length);
        ArrayDeque<byte[]> free = spare.get(size);
        byte[] b = free == null ? null : free.pollLast();
        if (b == null) {
            return new byte[size];
        }
        Arrays.fill(b, headroom + length, size, (byte) 0);
        return b;
    }

    /**
     * Takes back the buffer of an {@link Outgoing} whose frame is gone (handed to the driver, who copied it, or
     * dropped): a later segment of the same size is built in it. A transfer's segments come in a few sizes (full
     * ones, bare ACKs), so it runs on a few dozen buffers the cache already holds instead of fresh memory for
     * every segment. The caller keeps no reference to {@code buffer}.
     */
    public void recycle(byte[] buffer) {
        ArrayDeque<byte[]> free = spare.get(buffer.length);
        if (free == null) {
            if (spare.size() >= SPARE_SIZES) {
                return;
            }
            free = new ArrayDeque<>();
            spare.put(buffer.length, free);
        }
        if (free.size() < SPARE_PER_SIZE) {
            free.addLast(buffer);
        }
    }

    int headroom() {
        return headroom;
    }

    /**
     * Queues a segment. A {@code replaceable} one (a bare ACK that acknowledges new data) takes the place of the
     * connection's replaceable one still waiting here, as a receiver that takes a burst at once (Linux's GRO)
     * acknowledges it once: the ACK is cumulative, so the newer says all the older did. Duplicate ACKs are never
     * replaceable, as fast retransmit counts them; and once anything else of the connection is queued, later ACKs
     * go behind it.
     */
    void queue(Key key, Outgoing o, boolean replaceable) {
        Integer earlier = replaceable ? bareAcks.get(key) : null;
        if (earlier != null) {
            recycle(outgoing.set(earlier, o).buffer());
            return;
        }
        outgoing.add(o);
        if (replaceable) {
            bareAcks.put(key, outgoing.size() - 1);
        } else {
            bareAcks.remove(key);
        }
    }

    /** A connection for a SYN a listener accepted; the caller checked the 4-tuple is free. */
    TcpConnection accepted(TcpListener l, Key k) {
        TcpConnection c = new TcpConnection(this, k, l);
        connections.put(k, c);
        return c;
    }

    void forget(TcpConnection c) {
        connections.remove(c.key(), c);
        if (last == c) {
            last = null;
        }
    }

    void forget(TcpListener l) {
        listeners.remove(new Endpoint(l.localAddress(), l.localPort()), l);
    }

    /** The RST RFC 9293 (3.10.7.1) answers a segment with, when nothing can take it; a RST gets none. */
    void resetFor(TcpSegment s, Ipv4Addr src, Ipv4Addr dst) {
        if (s.has(TcpSegment.RST)) {
            return;
        }
        TcpSegment r = s.has(TcpSegment.ACK)
                ? new TcpSegment(s.dstPort(), s.srcPort(), s.ack(), 0, TcpSegment.RST, 0, 0, -1, -1, new byte[0])
                : new TcpSegment(s.dstPort(), s.srcPort(), 0, s.seq() + s.sequenceLength() & 0xffff_ffffL,
                        TcpSegment.RST | TcpSegment.ACK, 0, 0, -1, -1, new byte[0]);
        count("resets sent");
        send(dst, src, r);
    }

    private void advance(long t) {
        now = Math.max(now, t);
    }
}
