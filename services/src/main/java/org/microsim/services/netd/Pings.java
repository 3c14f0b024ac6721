package org.microsim.services.netd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Sys;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.NetTables;
import org.microsim.services.netd.wire.IcmpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * The pings in progress: each PING call is held (its caller waits, netd does not) while its echo requests go out
 * {@code interval} apart on the virtual clock, and is answered with every round trip once the last reply came or
 * the last request timed out. Each ping has its own ICMP identifier, so replies find their ping.
 */
final class Pings {
    /** What sends an echo request; false when it could not be sent (no route, no address). */
    interface Sender {
        boolean echo(Ipv4Addr to, IcmpMessage request);
    }

    private static final int MAX_PINGS = 16;
    private static final long MILLI = 1_000_000L;

    private static final class Ping {
        final ReplyRight right;
        final Ipv4Addr to;
        final int id;
        final NetRequest.Ping request;
        final long[] sentAt;
        final NetTables.Echo[] echoes;
        int sent;
        long nextSend;

        Ping(ReplyRight right, Ipv4Addr to, int id, NetRequest.Ping request, long now) {
            this.right = right;
            this.to = to;
            this.id = id;
            this.request = request;
            this.sentAt = new long[request.count()];
            this.echoes = new NetTables.Echo[request.count()];
            this.nextSend = now;
        }

        boolean done(long now) {
            if (sent < sentAt.length) {
                return false;
            }
            boolean all = Arrays.stream(echoes).allMatch(e -> e != null);
            return all || now >= sentAt[sent - 1] + request.timeoutMillis() * MILLI;
        }
    }

    private final Sys sys;
    private final List<Ping> pings = new ArrayList<>();
    private int nextId = 1;

    Pings(Sys sys) {
        this.sys = sys;
    }

    /** Whether another ping can start now. */
    boolean full() {
        return pings.size() >= MAX_PINGS;
    }

    void start(ReplyRight right, Ipv4Addr to, NetRequest.Ping request, long now) {
        pings.add(new Ping(right, to, nextId, request, now));
        nextId = nextId % 0xffff + 1;
    }

    /** An echo reply came from {@code from} with {@code ttl}; false when no ping waits for it. */
    boolean reply(Ipv4Addr from, IcmpMessage m, int ttl, long now) {
        for (Ping p : pings) {
            int seq = m.sequence() - 1;
            if (p.id == m.identifier() && p.to.equals(from) && seq >= 0 && seq < p.sent && p.echoes[seq] == null
                    && Arrays.equals(m.payload(), data(p.request.size(), seq + 1))) {
                p.echoes[seq] = new NetTables.Echo(seq + 1, ttl, now - p.sentAt[seq]);
                return true;
            }
        }
        return false;
    }

    /** Sends what is due and answers the pings that are over. */
    void tick(long now, Sender sender) {
        for (Iterator<Ping> it = pings.iterator(); it.hasNext(); ) {
            Ping p = it.next();
            while (p.sent < p.sentAt.length && p.nextSend <= now) {
                int seq = p.sent + 1;
                p.sentAt[p.sent] = now;
                p.sent++;
                p.nextSend = now + p.request.intervalMillis() * MILLI;
                sender.echo(p.to, IcmpMessage.echoRequest(p.id, seq, data(p.request.size(), seq)));
            }
            if (p.done(now)) {
                List<NetTables.Echo> all = new ArrayList<>();
                for (int i = 0; i < p.echoes.length; i++) {
                    all.add(p.echoes[i] != null ? p.echoes[i] : new NetTables.Echo(i + 1, 0, -1));
                }
                sys.reply(p.right, NetRequest.Ping.reply(all)); // a caller that gave up is simply not there
                it.remove();
            }
        }
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Ping p : pings) {
            next = Math.min(next, p.sent < p.sentAt.length ? p.nextSend
                    : p.sentAt[p.sent - 1] + p.request.timeoutMillis() * MILLI);
        }
        return next;
    }

    /** The bytes of echo {@code seq}: recognisable in a capture, and checked when the reply comes back. */
    private static byte[] data(int size, int seq) {
        byte[] d = new byte[size];
        for (int i = 0; i < size; i++) {
            d[i] = (byte) (i + seq);
        }
        return d;
    }
}
