package org.microsim.services.netd;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.net.NetTables;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.Ipv4Packet;
import org.microsim.services.netd.wire.MacAddr;

/**
 * One interface's neighbours (RFC 826, with RFC 1122's timeouts): what each address's MAC is, learned from ARP
 * replies and requests, and the packets waiting for an address that is being asked for.
 *
 * <pre>
 *   send to ip ─▶ known? ─ yes ─▶ frame out
 *                  └ no ─▶ wait (at most {@value #MAX_WAITING} packets per address) ─▶ request now,
 *                          again every {@value #RETRY_MILLIS} ms, {@value #TRIES} times ─▶ answered: send them
 *                                                                                       └▶ never: drop them
 * </pre>
 *
 * <p>An entry lives {@value #LIFETIME_SECONDS} s (smoltcp's 60 s) from when it was last confirmed. Time is the
 * caller's virtual clock; nothing here sends a frame itself: the caller does what {@link #tick} and {@link
 * #learn} return.
 */
final class ArpCache {
    static final int LIFETIME_SECONDS = 60;
    static final int RETRY_MILLIS = 1000;
    static final int TRIES = 3;
    static final int MAX_WAITING = 8;
    private static final int MAX_ENTRIES = 256;

    private record Entry(MacAddr mac, long expires) {
    }

    /** An address being asked for: the packets waiting for it, and when to ask again. */
    private static final class Asking {
        final List<Ipv4Packet> waiting = new ArrayList<>();
        int tries;
        long next;
    }

    /** What the caller does next: requests to send again, and how many waiting packets were given up on. */
    record Work(List<Ipv4Addr> requests, int abandoned) {
    }

    private final Map<Ipv4Addr, Entry> entries = new LinkedHashMap<>();
    private final Map<Ipv4Addr, Asking> asking = new LinkedHashMap<>();

    /** The MAC of {@code ip} if known and fresh. */
    MacAddr lookup(Ipv4Addr ip, long now) {
        Entry e = entries.get(ip);
        return e == null || e.expires <= now ? null : e.mac;
    }

    /**
     * Keeps {@code packet} until {@code ip} is resolved.
     *
     * @return true when a request should go out now (the first packet for that address); false when one is out
     *         already, or the packet was dropped because too many wait (the caller counts that by {@link #full})
     */
    boolean await(Ipv4Addr ip, Ipv4Packet packet, long now) {
        Asking a = asking.get(ip);
        if (a == null) {
            if (asking.size() >= MAX_ENTRIES) {
                return false;
            }
            a = new Asking();
            asking.put(ip, a);
        }
        if (a.waiting.size() < MAX_WAITING) {
            a.waiting.add(packet);
        }
        if (a.tries == 0) {
            a.tries = 1;
            a.next = now + RETRY_MILLIS * 1_000_000L;
            return true;
        }
        return false;
    }

    /** Whether packets for {@code ip} are no longer taken (the caller counts the drop). */
    boolean full(Ipv4Addr ip) {
        Asking a = asking.get(ip);
        return a == null ? asking.size() >= MAX_ENTRIES : a.waiting.size() >= MAX_WAITING;
    }

    /**
     * {@code ip} is at {@code mac}: remembered (when {@code create}, or when the address was known or asked
     * for already, as RFC 826's merge rule says), and the packets that waited for it are returned to be sent.
     */
    List<Ipv4Packet> learn(Ipv4Addr ip, MacAddr mac, boolean create, long now) {
        if (ip.equals(Ipv4Addr.ANY) || mac.isMulticast()) {
            return List.of();
        }
        Asking a = asking.remove(ip);
        if (create || a != null || entries.containsKey(ip)) {
            if (entries.size() >= MAX_ENTRIES && !entries.containsKey(ip)) {
                entries.remove(entries.keySet().iterator().next());
            }
            entries.put(ip, new Entry(mac, now + LIFETIME_SECONDS * 1_000_000_000L));
        }
        return a == null ? List.of() : a.waiting;
    }

    /** Asks again where due; gives up after {@value #TRIES} requests; forgets stale entries. */
    Work tick(long now) {
        entries.values().removeIf(e -> e.expires <= now);
        List<Ipv4Addr> again = new ArrayList<>();
        int abandoned = 0;
        for (Iterator<Map.Entry<Ipv4Addr, Asking>> it = asking.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Ipv4Addr, Asking> e = it.next();
            Asking a = e.getValue();
            if (a.next > now) {
                continue;
            }
            if (a.tries >= TRIES) {
                abandoned += a.waiting.size();
                it.remove();
            } else {
                a.tries++;
                a.next = now + RETRY_MILLIS * 1_000_000L;
                again.add(e.getKey());
            }
        }
        return new Work(again, abandoned);
    }

    /** When {@link #tick} has something to do next. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Asking a : asking.values()) {
            next = Math.min(next, a.next);
        }
        for (Entry e : entries.values()) {
            next = Math.min(next, e.expires);
        }
        return next;
    }

    /** Forgets everything (the interface lost its address or its driver). */
    int clear() {
        int dropped = asking.values().stream().mapToInt(a -> a.waiting.size()).sum();
        entries.clear();
        asking.clear();
        return dropped;
    }

    /** The table for the console. */
    List<NetTables.Neighbour> table(String iface, long now) {
        List<NetTables.Neighbour> out = new ArrayList<>();
        entries.forEach((ip, e) -> out.add(new NetTables.Neighbour(ip.value(), e.mac.value(), iface, "reachable",
                (e.expires - now) / 1_000_000)));
        asking.forEach((ip, a) -> out.add(new NetTables.Neighbour(ip.value(), 0, iface, "incomplete",
                (a.next - now) / 1_000_000)));
        return out;
    }
}
