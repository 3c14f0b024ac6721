package org.microsim.services.netd.tcp;

/**
 * The sending half of a connection: what to send, when to send it again, and how much may be out.
 *
 * <p>Sequence numbers are kept as offsets from our ISS in a {@code long} ({@code 0} is the SYN, data byte
 * {@code i} of the stream is {@code i + 1}, the FIN follows the last byte), so comparisons never wrap; only
 * {@link #wire} and {@link #offset} translate to and from the 32-bit numbers on the wire, and an acknowledgment
 * more than 2^31 away from {@link #una} cannot be told from one the other way, as on the wire itself.
 *
 * <pre>
 *   una ........ nxt ........ max           una: oldest unacknowledged; nxt: next to send;
 *    |<- in flight ->|                      max: highest ever sent (past nxt after a timeout's go-back)
 *    |<------------- min(send window, cwnd) ------------->|
 * </pre>
 *
 * <p>Timers: the retransmission timer runs while anything is in flight (RFC 6298 5.1 to 5.3); on expiry the
 * oldest segment goes again with the timeout doubled, the congestion window falls to one segment and sending goes
 * back to {@code una} (go-back-N; the receiver keeps what it already has out of order, so little is resent twice).
 * The persist timer runs instead while the peer's window is zero and data waits: each expiry sends one byte past
 * the window (RFC 9293 3.8.6.1), backing off like the retransmission timer. Either one, unanswered
 * {@code maxRetransmits} times in a row (a SYN {@code synRetries} times), gives up.
 */
final class Sender {
    static final long NONE = Long.MAX_VALUE;

    /**
     * Where the sender's segments go; the connection adds the acknowledgment and the window, and copies the data
     * from the send buffer ({@link #data}) straight into the segment's frame.
     */
    interface Emitter {
        /** A segment at sequence offset {@code offset}, {@code length} bytes of data; flags: SYN, FIN, PSH. */
        void emit(long offset, int length, int flags);
    }

    /** The most segments one call of {@link #output} sends, a bound on its loop whatever the window says. */
    private static final int MAX_BURST = 4096;

    private final TcpConfig config;
    private final TcpHost host;
    private final int iss;
    private final Emitter emitter;
    private final SendBuffer buffer;
    final Rtt rtt;
    private Reno reno;
    private final int ownMss;
    private int mss;
    private int scale;

    long una;
    long nxt;
    long max;
    /** The peer's window in bytes (scaled), and the segment that last set it (RFC 9293 SND.WL1, SND.WL2). */
    long window;
    private long wl1 = -1;
    private long wl2;
    private boolean finQueued;
    private int dupAcks;
    private int retries;
    private long rtoAt = NONE;
    private long persistAt = NONE;
    private int persistBackoff;
    /** The offset whose acknowledgment ends the RTT measurement under way, or -1; and when it started. */
    private long timedOffset = -1;
    private long timedSince;

    /** @param ownMss the MSS this end announced, and so the most it sends whatever the peer announces */
    Sender(TcpHost host, int iss, int ownMss, Emitter emitter) {
        this.host = host;
        this.config = host.config();
        this.ownMss = ownMss;
        this.iss = iss;
        this.emitter = emitter;
        this.buffer = new SendBuffer(config.sendBuffer());
        this.rtt = new Rtt(config);
        this.mss = Math.min(536, ownMss);
        this.reno = new Reno(mss);
    }

    // ---- numbers ----

    long wire(long offset) {
        return iss + offset & 0xffff_ffffL;
    }

    /** The offset an acknowledgment number on the wire stands for, taken within 2^31 of {@link #una}. */
    long offset(long ackNumber) {
        return una + (int) (ackNumber - wire(una));
    }

    /**
     * What the peer said in its SYN: its MSS (536 when it gave none) and window scale. Segments are at most the
     * lesser of its MSS and ours (RFC 9293 3.7.1: SendMSS = min(the peer's MSS, our MTU less the headers)).
     */
    void peerSyn(int peerMss, int peerScale, int synWindow, long segOffset) {
        mss = Math.max(64, Math.min(ownMss, peerMss < 0 ? 536 : peerMss));
        scale = peerScale;
        reno = new Reno(mss);
        window = synWindow;
        wl1 = segOffset;
        wl2 = una;
    }

    int mss() {
        return mss;
    }

    Reno reno() {
        return reno;
    }

    // ---- the application's side ----

    int write(byte[] b, int off, int len) {
        return buffer.write(b, off, len);
    }

    /** Copies the {@code len} data bytes from sequence offset {@code offset} into {@code out} from {@code at}. */
    void data(long offset, int len, byte[] out, int at) {
        if (len > 0) {
            buffer.read(offset - 1, len, out, at);
        }
    }

    int space() {
        return buffer.space();
    }

    void queueFin() {
        finQueued = true;
    }

    boolean finQueued() {
        return finQueued;
    }

    /** The FIN's offset: just past the last byte written. */
    private long finOffset() {
        return buffer.end() + 1;
    }

    boolean finAcked() {
        return finQueued && una > finOffset();
    }

    /** Whether nothing sent waits for an acknowledgment. */
    boolean idle() {
        return una == max;
    }

    // ---- output ----

    /**
     * Sends what the windows allow: the SYN while {@code synchronizing}, else data from {@link #nxt} and the FIN
     * after it. Sender-side silly window avoidance: while something is in flight, a segment shorter than the MSS
     * goes only when it empties the buffer.
     */
    void output(long now, boolean synchronizing) {
        if (synchronizing) {
            if (nxt == 0) {
                send(now, 0, 0, TcpSegment.SYN);
            }
            return;
        }
        long dataEnd = finOffset();
        for (int burst = 0; burst < MAX_BURST; burst++) {
            long limit = una + Math.min(window, reno.cwnd());
            int len = (int) Math.max(0, Math.min(Math.min(dataEnd - nxt, limit - nxt), mss));
            boolean fin = finQueued && nxt + len == dataEnd;
            if (len == 0 && !fin || len < mss && nxt + len < dataEnd && nxt > una) {
                break;
            }
            int flags = (fin ? TcpSegment.FIN : 0) | (len > 0 && nxt + len == dataEnd ? TcpSegment.PSH : 0);
            send(now, nxt, len, flags);
            if (fin) {
                break;
            }
        }
        if (window == 0 && nxt < dataEnd && nxt == una && persistAt == NONE) {
            persistAt = now + persistInterval();
        }
    }

    /** Sends {@code len} bytes (and SYN or FIN) at {@code at}, moving {@link #nxt} past them and arming the timer. */
    private void send(long now, long at, int len, int flags) {
        long end = at + len + ((flags & (TcpSegment.SYN | TcpSegment.FIN)) != 0 ? 1 : 0);
        if (at < max) {
            timedOffset = -1; // Karn: while anything is sent twice, no acknowledgment can be trusted as a sample
        } else if (timedOffset < 0) {
            timedOffset = end;
            timedSince = now;
        }
        emitter.emit(at, len, flags);
        nxt = Math.max(nxt, end);
        max = Math.max(max, end);
        if (rtoAt == NONE) {
            rtoAt = now + rtt.rto();
        }
    }

    /** Sends the oldest unacknowledged segment again, leaving {@link #nxt} where it is (fast retransmit). */
    private void retransmitFirst(long now) {
        long keep = nxt;
        long dataEnd = finOffset();
        int len = (int) Math.max(0, Math.min(Math.min(dataEnd, max) - una, mss));
        boolean fin = finQueued && una + len == dataEnd && max > dataEnd;
        if (len > 0 || fin) {
            send(now, una, len, fin ? TcpSegment.FIN : 0);
        }
        nxt = keep;
    }

    private long persistInterval() {
        long t = Math.max(rtt.rto(), config.minRto());
        for (int i = 0; i < persistBackoff && t < config.maxRto(); i++) {
            t *= 2;
        }
        return Math.min(t, config.maxRto());
    }

    // ---- input ----

    /** Whether an acknowledgment for {@code ackOffset} acknowledges nothing we never sent. */
    boolean acceptable(long ackOffset) {
        return ackOffset <= max;
    }

    /**
     * An acceptable segment's acknowledgment and window (RFC 9293 3.10.7.4, fifth step) at {@code segOffset} in
     * the peer's sequence space; {@code pure} when it carries no data, SYN nor FIN (a duplicate ACK candidate).
     */
    void onAck(long ackOffset, int windowField, long segOffset, boolean pure, long now) {
        long newWindow = (long) windowField << scale;
        retries = 0; // the peer is alive: a timer's count of unanswered tries starts over
        if (ackOffset > una) {
            newData(ackOffset, now);
        } else if (ackOffset == una && pure && newWindow == window && nxt > una && window > 0) {
            duplicate(now);
        }
        if (wl1 < segOffset || wl1 == segOffset && wl2 <= ackOffset) {
            window = newWindow;
            wl1 = segOffset;
            wl2 = ackOffset;
        }
        if (window > 0) {
            persistAt = NONE;
            persistBackoff = 0;
        }
    }

    private void newData(long ackOffset, long now) {
        long acked = ackOffset - una;
        long flight = max - una;
        una = ackOffset;
        nxt = Math.max(nxt, una);
        buffer.release(una - 1);
        dupAcks = 0;
        if (timedOffset >= 0 && una >= timedOffset) {
            rtt.sample(now - timedSince);
            timedOffset = -1;
        }
        if (!reno.recovering()) {
            reno.onAck(acked);
        } else if (reno.onAckInRecovery(ackOffset, acked, flight - acked)) {
            retransmitFirst(now);
        }
        rtoAt = una == max ? NONE : now + rtt.rto();
    }

    private void duplicate(long now) {
        dupAcks++;
        if (reno.recovering()) {
            reno.onDuplicateInRecovery();
        } else if (dupAcks == 3 && reno.onThirdDuplicate(una, max - una, max)) {
            host.count("fast retransmits");
            retransmitFirst(now);
        }
    }

    // ---- timers ----

    long deadline() {
        return Math.min(rtoAt, persistAt);
    }

    /**
     * Runs the timers due at {@code now}; false when the connection must give up (TIMED_OUT). After a
     * retransmission timeout {@link #nxt} is back at {@link #una}: the caller's {@link #output} resends.
     */
    boolean onTimer(long now) {
        if (rtoAt <= now) {
            rtoAt = NONE;
            if (una < max) {
                if (++retries > (una == 0 ? config.synRetries() : config.maxRetransmits())) {
                    return false;
                }
                host.count("retransmission timeouts");
                rtt.backOff();
                reno.onTimeout(max - una, max);
                dupAcks = 0;
                nxt = una; // go back: the caller's output sends the oldest segment again
            }
        }
        if (persistAt <= now) {
            persistAt = NONE;
            if (window == 0 && nxt == una && nxt < finOffset()) {
                if (++retries > config.maxRetransmits()) {
                    return false;
                }
                host.count("zero window probes");
                emitter.emit(nxt, 1, 0);
                max = Math.max(max, nxt + 1);
                persistBackoff++;
                persistAt = now + persistInterval();
            }
        }
        return true;
    }

    /** Stops both timers, for a connection that is over. */
    void stop() {
        rtoAt = NONE;
        persistAt = NONE;
    }

    /** For a RST: the offset the peer most likely expects next. */
    long resetOffset() {
        return max;
    }
}
