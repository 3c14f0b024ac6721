package org.microsim.services.netd.tcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MalformedPacketException;

/**
 * Hosts joined by a simulated wire on a virtual clock: each segment a host sends is delivered after a delay
 * (plus seeded jitter, which reorders), or lost, or delivered twice, as the seeded fault rates say. The clock
 * jumps from event to event: the next delivery or the next host deadline.
 */
final class Wire {
    static final long MS = 1_000_000L;
    static final long SECOND = 1000 * MS;
    static final Ipv4Addr A = Ipv4Addr.parse("10.0.0.1");
    static final Ipv4Addr B = Ipv4Addr.parse("10.0.0.2");

    /** One segment as a host sent it, and whether the wire dropped it. */
    record Sent(long time, Ipv4Addr src, Ipv4Addr dst, TcpSegment segment, byte[] bytes, boolean dropped) {
    }

    private record Delivery(long time, long order, Ipv4Addr src, Ipv4Addr dst, byte[] bytes) {
    }

    final Map<Ipv4Addr, TcpHost> hosts = new LinkedHashMap<>();
    final List<Sent> sent = new ArrayList<>();
    private final PriorityQueue<Delivery> queue = new PriorityQueue<>((x, y) -> x.time != y.time
            ? Long.compare(x.time, y.time) : Long.compare(x.order, y.order));
    private final Random random;
    private long order;
    long now;
    long delay = 5 * MS;
    long jitter;
    double loss;
    double duplication;
    /** Segments it says yes to are lost, whatever the rates. */
    Predicate<Sent> drop = s -> false;

    Wire(long seed) {
        random = new Random(seed);
    }

    /** Two hosts A and B whose ISNs come from {@code seed}. */
    static Wire pair(long seed, TcpConfig a, TcpConfig b) {
        Wire w = new Wire(seed);
        Random isns = new Random(seed ^ 0x5DEECE66DL);
        w.hosts.put(A, new TcpHost(isns::nextLong, a));
        w.hosts.put(B, new TcpHost(isns::nextLong, b));
        return w;
    }

    TcpHost a() {
        return hosts.get(A);
    }

    TcpHost b() {
        return hosts.get(B);
    }

    /** Moves what the hosts sent onto the wire. */
    void pump() {
        for (TcpHost h : hosts.values()) {
            for (TcpHost.Outgoing o : h.drain()) {
                TcpSegment seg;
                try {
                    seg = TcpSegment.parse(o.tcpBytes(), o.src(), o.dst());
                } catch (MalformedPacketException e) {
                    throw new AssertionError("a host sent a malformed segment: " + e.reason());
                }
                Sent s = new Sent(now, o.src(), o.dst(), seg, o.tcpBytes(), false);
                boolean lost = drop.test(s) || random.nextDouble() < loss;
                sent.add(lost ? new Sent(now, o.src(), o.dst(), seg, o.tcpBytes(), true) : s);
                if (lost) {
                    continue;
                }
                int copies = random.nextDouble() < duplication ? 2 : 1;
                for (int i = 0; i < copies; i++) {
                    long t = now + delay + (jitter > 0 ? (long) (random.nextDouble() * jitter) : 0);
                    queue.add(new Delivery(t, order++, o.src(), o.dst(), o.tcpBytes()));
                }
            }
        }
    }

    /** Delivers {@code bytes} to {@code dst} now, outside the wire (for forged segments). */
    void inject(Ipv4Addr src, Ipv4Addr dst, byte[] bytes) {
        hosts.get(dst).input(src, dst, bytes, now);
    }

    /** The time of the next event, or {@link Long#MAX_VALUE}. */
    long next() {
        pump();
        long t = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().time;
        for (TcpHost h : hosts.values()) {
            t = Math.min(t, h.nextDeadline());
        }
        return t;
    }

    /** Runs the next event if it is due by {@code limit}; false when none is. */
    boolean step(long limit) {
        long t = next();
        if (t == Long.MAX_VALUE || t > limit) {
            return false;
        }
        now = Math.max(now, t);
        while (!queue.isEmpty() && queue.peek().time <= now) {
            Delivery d = queue.poll();
            TcpHost h = hosts.get(d.dst);
            if (h != null) {
                h.input(d.src, d.dst, d.bytes, now);
            }
        }
        for (TcpHost h : hosts.values()) {
            h.tick(now);
        }
        pump();
        return true;
    }

    /** Runs events until {@code done}, nothing is left, or the clock passes {@code limit}; bounded in steps. */
    boolean runUntil(BooleanSupplier done, long limit) {
        for (int i = 0; i < 2_000_000; i++) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (!step(limit)) {
                now = Math.max(now, Math.min(limit, next()));
                return done.getAsBoolean();
            }
        }
        throw new AssertionError("two million events without getting anywhere: a livelock");
    }

    /** Runs everything due within {@code span} from now, then sets the clock to its end. */
    void runFor(long span) {
        long end = now + span;
        runUntil(() -> false, end);
        now = end;
        for (TcpHost h : hosts.values()) {
            h.tick(now);
        }
        pump();
    }

    /** Everything {@code from} has queued, parsed, then fed to {@code to} (unless null) at {@code now}. */
    static List<TcpSegment> deliver(TcpHost from, TcpHost to, long now) throws MalformedPacketException {
        List<TcpSegment> out = new ArrayList<>();
        for (TcpHost.Outgoing o : from.drain()) {
            out.add(TcpSegment.parse(o.tcpBytes(), o.src(), o.dst()));
            if (to != null) {
                to.input(o.src(), o.dst(), o.tcpBytes(), now);
            }
        }
        return out;
    }

    /** Listens on {@code b}'s port 80, connects from {@code a}, delivers the three segments; A's side first. */
    static TcpConnection[] handshake(TcpHost a, TcpHost b) throws MalformedPacketException {
        TcpListener l = b.listen(Ipv4Addr.ANY, 80, 4);
        TcpConnection c = a.connect(A, B, 80, 0);
        deliver(a, b, 0);
        deliver(b, a, 0);
        deliver(a, b, 0);
        TcpConnection s = l.accept();
        if (s == null) {
            throw new AssertionError("the handshake did not complete");
        }
        return new TcpConnection[] {c, s};
    }

    static TcpSegment only(List<TcpSegment> segments) {
        if (segments.size() != 1) {
            throw new AssertionError("expected one segment: " + segments);
        }
        return segments.get(0);
    }

    /** The segments {@code src} sent, in order. */
    List<Sent> from(Ipv4Addr src) {
        return sent.stream().filter(s -> s.src().equals(src)).toList();
    }
}
