package org.microsim.services.netd.tcp;

import java.util.Objects;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * One TCP connection (RFC 9293): the state machine, the receiving half and the application's side; the sending
 * half (buffer, retransmission, persist, congestion) is {@link Sender}.
 *
 * <h2>How it runs</h2>
 * Nothing here runs by itself. A segment arrives ({@link TcpHost#input} demultiplexes it to {@code input}), the
 * application calls a method, or a timer is due ({@link TcpHost#tick}); each of these does its work and then
 * {@code output} sends whatever became sendable, segments going to the host's queue. Time is a number passed in
 * (nanoseconds of a virtual clock); every timer is a deadline compared with it, so a simulation can jump the clock
 * to {@link TcpHost#nextDeadline} and a test can replay the same run exactly.
 *
 * <h2>The states</h2>
 * <pre>
 *                              ┌────────┐
 *          ┌───────────────────│ CLOSED │────────────────────┐
 *          │ a listener's SYN  └────────┘  connect: send SYN │
 *          │ send SYN,ACK                                    ▼
 *          ▼                        rcv SYN: send SYN,ACK ┌──────────┐
 *   ┌──────────────┐◀─────────────────────────────────────│ SYN_SENT │
 *   │ SYN_RECEIVED │          (simultaneous open)         └──────────┘
 *   └──────────────┘                                           │ rcv SYN,ACK: send ACK
 *          │ rcv ACK of SYN    ┌─────────────┐                 │
 *          └──────────────────▶│ ESTABLISHED │◀────────────────┘
 *                              └─────────────┘
 *                close: send FIN │           │ rcv FIN: send ACK
 *                                ▼           ▼
 *                       ┌────────────┐   ┌────────────┐
 *         ┌─────────────│ FIN_WAIT_1 │   │ CLOSE_WAIT │
 *         │ rcv FIN:    └────────────┘   └────────────┘
 *         │ send ACK          │ rcv ACK of FIN   │ close: send FIN
 *         ▼                   ▼                  ▼
 *   ┌─────────┐        ┌────────────┐      ┌──────────┐
 *   │ CLOSING │        │ FIN_WAIT_2 │      │ LAST_ACK │
 *   └─────────┘        └────────────┘      └──────────┘
 *         │ rcv ACK of FIN    │ rcv FIN: send ACK │ rcv ACK of FIN
 *         ▼                   ▼                   ▼
 *   ┌──────────────────────────────┐         ┌────────┐
 *   │ TIME_WAIT: 2*MSL (60 s)      │────────▶│ CLOSED │
 *   └──────────────────────────────┘         └────────┘
 * </pre>
 * A FIN that also acknowledges ours takes FIN_WAIT_1 straight to TIME_WAIT. From any state an acceptable RST,
 * {@code abort()}, or retransmissions that give up lead to CLOSED with {@link #error()} saying why; a
 * connection in CLOSED has left the host's table.
 *
 * <h2>Receiving</h2>
 * A segment is first checked against the receive window (RFC 9293 3.10.7.4): one wholly outside is answered
 * with an ACK and dropped, one partly outside is trimmed to it. A RST counts only when its sequence number is
 * exactly the next expected (RFC 5961 section 3): one merely in the window gets a "challenge" ACK, so a blind
 * attacker must guess the exact number. A SYN on a synchronized connection gets a challenge ACK too (RFC 5961 4).
 * Data is written straight into the receive ring at its place, in order or not ({@link ReceiveBuffer}); a FIN
 * that arrives before the data ahead of it is remembered and takes effect when the hole fills. ACKs for
 * in-order data may wait {@code delayedAck} (at most every second segment); out-of-order data, data that fills a
 * hole and a FIN are acknowledged at once (RFC 5681 4.2), which is what lets the sender's fast retransmit work.
 * The window advertised is the free space of the ring, scaled (RFC 7323); reading reopens it, and a reopening of
 * at least two segments (or half the buffer) is announced at once rather than left to the sender's probes.
 *
 * <h2>Closing</h2>
 * {@code shutdownOutput} queues a FIN after the buffered data; {@code close} also gives up reading: unread or
 * later-arriving data then resets the connection (RFC 2525 2.17, as Linux does) so the peer learns it was not
 * read, and a closed connection left in FIN_WAIT_2 by a silent peer ends after 2*MSL. {@code abort} resets.
 */
public final class TcpConnection {
    private static final long NONE = Sender.NONE;
    static final long INVALID_ANSWER_INTERVAL = 500_000_000L;

    private final TcpHost host;
    private final TcpConfig config;
    /** The MSS we announce: our route's (RFC 9293 3.7.1), fixed when the connection is made. */
    private final int mss;
    private final TcpHost.Key key;
    private final boolean passive;
    private TcpListener listener;
    private final Sender sender;
    private final ReceiveBuffer received;
    private TcpState state = TcpState.CLOSED;
    private TcpError error;

    /** The peer's ISN as on the wire; the receive side counts offsets from it as the sender does from ours. */
    private long irs;
    /** RCV.NXT as an offset from the peer's ISN (its SYN is 0); {@link Receiving} moves it. */
    long rcvNxt;
    /** The offset of the peer's FIN once seen, even out of order; -1 before. */
    long peerFin = -1;
    private boolean finReceived;
    private boolean windowScaling;
    private int rcvScale;
    private long advertisedEdge;
    /** RCV.NXT as the last segment we sent acknowledged it; -1 before any. */
    private long lastAcked = -1;
    private boolean userClosed;

    private boolean ackNow;
    /** When an ACK last answered a segment outside the window or a RST or SYN that needed a challenge. */
    private long invalidAnsweredAt = Long.MIN_VALUE;
    private int unackedSegments;
    private long delayedAckAt = NONE;
    /** The end of TIME_WAIT, or of an orphaned FIN_WAIT_2. */
    private long closeAt = NONE;

    TcpConnection(TcpHost host, TcpHost.Key key, TcpListener listener) {
        this.host = host;
        this.config = host.config();
        this.key = key;
        this.listener = listener;
        this.passive = listener != null;
        this.mss = host.mssTo(key.remote());
        this.sender = new Sender(host, host.isn(), mss, this::emit);
        this.received = new ReceiveBuffer(config.receiveBuffer(), config.maxOutOfOrder());
    }

    // ---- the application's side ----

    public TcpState state() {
        return state;
    }

    /** Why the connection ended, or null while it lives or when it ended by a close or the application's abort. */
    public TcpError error() {
        return error;
    }

    public Ipv4Addr localAddress() {
        return key.local();
    }

    public int localPort() {
        return key.localPort();
    }

    public Ipv4Addr remoteAddress() {
        return key.remote();
    }

    public int remotePort() {
        return key.remotePort();
    }

    /**
     * Copies as much of {@code b[off, off+len)} into the send buffer as fits, to be sent as the windows allow
     * (data written before the handshake completes waits for it).
     *
     * @return how many bytes were taken: 0 when the buffer is full (wait and try again); -1 when this side can
     *     send no more (shut down, closed, or failed)
     */
    public int send(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (!canSend()) {
            return -1;
        }
        int n = sender.write(b, off, len);
        if (n > 0) {
            output(host.now());
        }
        return n;
    }

    /**
     * Copies up to {@code len} received bytes, in order, into {@code b} from {@code off}.
     *
     * @return how many: 0 when none is there yet; -1 at the end of the stream (the peer's FIN, after all its data)
     *     and on a connection that is closed, reset or timed out (after a reset unread data is discarded)
     */
    public int receive(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (error != null) {
            return -1;
        }
        int n = received.read(b, off, len);
        if (n > 0) {
            windowUpdate();
            return n;
        }
        return len > 0 && (finReceived || userClosed || state == TcpState.CLOSED) ? -1 : 0;
    }

    /** How many received bytes {@link #receive} can give now. */
    public int available() {
        return error != null ? 0 : received.readable();
    }

    /** How many bytes {@link #send} can take now. */
    public int sendSpace() {
        return canSend() ? sender.space() : 0;
    }

    /** How many bytes the send buffer holds in all. */
    public int sendBufferSize() {
        return config.sendBuffer();
    }

    /** Sends a FIN after the buffered data; receiving goes on (a half close). */
    public void shutdownOutput() {
        if (sender.finQueued() || error != null) {
            return;
        }
        switch (state) {
            case SYN_SENT, SYN_RECEIVED -> sender.queueFin();
            case ESTABLISHED -> {
                sender.queueFin();
                state = TcpState.FIN_WAIT_1;
            }
            case CLOSE_WAIT -> {
                sender.queueFin();
                state = TcpState.LAST_ACK;
            }
            default -> {
                return;
            }
        }
        output(host.now());
    }

    /**
     * Closes both ways: a FIN after the buffered data, and no more reading. With received data unread, or when
     * data arrives later, the connection is reset instead. Before the handshake completes it just ends.
     */
    public void close() {
        if (userClosed) {
            return;
        }
        userClosed = true;
        if (state == TcpState.SYN_SENT) {
            closed();
        } else if (received.readable() > 0 && state != TcpState.TIME_WAIT) {
            abort();
        } else {
            shutdownOutput();
            if (state == TcpState.FIN_WAIT_2) {
                closeAt = host.now() + 2 * config.msl();
            }
        }
    }

    /** Resets the connection: a RST to the peer, everything buffered dropped, CLOSED at once. */
    public void abort() {
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK -> {
                host.count("resets sent");
                host.send(key.local(), key.remote(), new TcpSegment(key.localPort(), key.remotePort(),
                        sender.wire(sender.resetOffset()), 0, TcpSegment.RST, 0, 0, -1, -1, new byte[0]));
            }
            default -> {
            }
        }
        received.discard();
        closed();
    }

    @Override
    public String toString() {
        return key.local() + ":" + key.localPort() + " > " + key.remote() + ":" + key.remotePort() + " " + state;
    }

    // ---- for the host and listener ----

    TcpHost.Key key() {
        return key;
    }

    /** Whether this is the connection of that 4-tuple: {@link #key()} compared without making a key. */
    boolean is(Ipv4Addr local, int localPort, Ipv4Addr remote, int remotePort) {
        return key.localPort() == localPort && key.remotePort() == remotePort && key.local().equals(local)
                && key.remote().equals(remote);
    }

    Sender sender() {
        return sender;
    }

    /** An active open: the SYN goes out. */
    void open(long now) {
        state = TcpState.SYN_SENT;
        output(now);
    }

    /** A listener took {@code syn} for this connection: the SYN,ACK goes out. */
    void passiveOpen(TcpSegment syn, long now) {
        state = TcpState.SYN_RECEIVED;
        synchronize(syn);
        output(now);
    }

    long deadline() {
        return Math.min(Math.min(delayedAckAt, closeAt), sender.deadline());
    }

    void onTimer(long now) {
        if (closeAt <= now) {
            closeAt = NONE;
            if (state == TcpState.TIME_WAIT || state == TcpState.FIN_WAIT_2) {
                closed();
                return;
            }
        }
        if (delayedAckAt <= now) {
            delayedAckAt = NONE;
            ackNow = true;
        }
        if (!sender.onTimer(now)) {
            fail(TcpError.TIMED_OUT);
            return;
        }
        output(now);
    }

    void input(TcpSegment s, long now) {
        switch (state) {
            case SYN_SENT -> synSent(s, now);
            case CLOSED, LISTEN -> host.count("dropped: no connection");
            default -> Receiving.segment(this, s, now);
        }
        output(now);
    }

    // ---- the handshake (RFC 9293 3.10.7.3) ----

    private void synSent(TcpSegment s, long now) {
        boolean hasAck = s.has(TcpSegment.ACK);
        long ack = hasAck ? sender.offset(s.ack()) : 0;
        if (hasAck && (ack <= 0 || !sender.acceptable(ack))) {
            host.count("dropped: bad ack");
            host.resetFor(s, key.remote(), key.local());
        } else if (s.has(TcpSegment.RST)) {
            if (hasAck) {
                fail(TcpError.REFUSED);
            } else {
                host.count("dropped: reset without ack");
            }
        } else if (!s.has(TcpSegment.SYN)) {
            host.count("dropped: no SYN");
        } else if (hasAck) {
            sender.onAck(ack, s.window(), 0, false, now);
            synchronize(s);
            established();
            ackNow = true;
        } else {
            synchronize(s); // simultaneous open: our SYN goes again, now with an ACK
            state = TcpState.SYN_RECEIVED;
            sender.nxt = 0;
        }
    }

    /** Takes the peer's ISN, MSS and window scale from its SYN (RFC 7323: scaling only if both SYNs offer it). */
    private void synchronize(TcpSegment syn) {
        irs = syn.seq();
        rcvNxt = 1;
        windowScaling = config.windowScaling() && syn.windowScale() >= 0;
        rcvScale = windowScaling ? config.receiveScale() : 0;
        sender.peerSyn(syn.mss(), windowScaling ? Math.min(14, syn.windowScale()) : 0, syn.window(), 0);
    }

    void established() {
        state = sender.finQueued() ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED;
        if (listener != null) {
            listener.established(this);
        }
    }

    // ---- state, for Receiving ----

    TcpHost host() {
        return host;
    }

    TcpConfig config() {
        return config;
    }

    ReceiveBuffer received() {
        return received;
    }

    void setState(TcpState s) {
        state = s;
    }

    boolean passive() {
        return passive;
    }

    boolean userClosed() {
        return userClosed;
    }

    /** The offset a sequence number on the wire stands for, taken within 2^31 of {@link #rcvNxt}. */
    long receiveOffset(long seq) {
        return rcvNxt + (int) (seq - (irs + rcvNxt));
    }

    boolean finReceived() {
        return finReceived;
    }

    void ackNow() {
        ackNow = true;
    }

    /**
     * Owes an ACK in answer to a segment without data outside the window, or a challenge ACK, at most once per
     * {@link #INVALID_ANSWER_INTERVAL} (Linux's tcp_invalid_ratelimit; RFC 5961 10): two sides that each find
     * the other's ACKs out of window would otherwise answer each other forever.
     */
    void answerInvalid(long now) {
        if (now - invalidAnsweredAt >= INVALID_ANSWER_INTERVAL || invalidAnsweredAt == Long.MIN_VALUE) {
            invalidAnsweredAt = now;
            ackNow = true;
        }
    }

    /** In-order data arrived: acknowledge it at once, or within the delayed-ACK time. */
    void ackLater(long now) {
        unackedSegments++;
        if (config.delayedAck() == 0 || unackedSegments >= 2) {
            ackNow = true;
        } else if (delayedAckAt == NONE) {
            delayedAckAt = now + config.delayedAck();
        }
    }

    /** The peer's FIN, now that all its data is in: RFC 9293 3.10.7.4, eighth step. */
    void finArrived(long now) {
        finReceived = true;
        rcvNxt = peerFin + 1;
        ackNow = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (sender.finAcked()) {
                    timeWait(now);
                } else {
                    state = TcpState.CLOSING;
                }
            }
            case FIN_WAIT_2 -> timeWait(now);
            default -> {
            }
        }
    }

    void timeWait(long now) {
        state = TcpState.TIME_WAIT;
        sender.stop();
        closeAt = now + 2 * config.msl();
    }

    void orphanTimeout(long now) {
        if (userClosed) {
            closeAt = now + 2 * config.msl();
        }
    }

    /** The connection is over: it leaves the host's table (and its listener's queue). */
    void closed() {
        state = TcpState.CLOSED;
        sender.stop();
        delayedAckAt = NONE;
        closeAt = NONE;
        ackNow = false;
        host.forget(this);
        if (listener != null) {
            listener.forget(this);
            listener = null;
        }
    }

    void fail(TcpError e) {
        error = e;
        received.discard();
        closed();
    }

    // ---- output ----

    private boolean canSend() {
        return error == null && !sender.finQueued() && switch (state) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> true;
            default -> false;
        };
    }

    /** Sends what is due: the SYN, data and FIN as the windows allow, and an ACK if one is owed and none went. */
    private void output(long now) {
        switch (state) {
            case SYN_SENT -> sender.output(now, true);
            case SYN_RECEIVED -> {
                if (ackNow) {
                    sender.nxt = 0; // what a SYN_RECEIVED side owes is its SYN,ACK
                }
                sender.output(now, true);
            }
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> sender.output(now, false);
            default -> {
            }
        }
        if (ackNow && state != TcpState.CLOSED && state != TcpState.SYN_SENT) {
            // At the highest sequence sent, not at nxt: after a timeout's go-back nxt is behind what the peer
            // has, and an ACK there would be out of its window (4.4BSD's tcp_output does the same).
            emit(sender.max, 0, 0);
        }
    }

    /**
     * A segment of the sender's, with our acknowledgment and window added (none in our first SYN). It is built in
     * the buffer it leaves in: the data straight from the send buffer, then the header and checksum in front.
     */
    private void emit(long offset, int length, int flags) {
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean ack = state != TcpState.SYN_SENT;
        int window = syn ? Math.min(received.free(), 0xffff) : Math.min(received.free() >> rcvScale, 0xffff);
        int windowScale = !syn ? -1
                : state == TcpState.SYN_SENT ? (config.windowScaling() ? config.receiveScale() : -1)
                : windowScaling ? rcvScale : -1;
        int mssOption = syn ? mss : -1;
        int at = host.headroom();
        int dataAt = at + TcpSegment.HEADER_LENGTH + (mssOption >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
        byte[] b = host.segmentBuffer(dataAt - at + length);
        sender.data(offset, length, b, dataAt);
        TcpSegment s = new TcpSegment(key.localPort(), key.remotePort(), sender.wire(offset),
                ack ? irs + rcvNxt & 0xffff_ffffL : 0, flags | (ack ? TcpSegment.ACK : 0), window, 0, mssOption,
                windowScale, b, dataAt, length);
        s.encodeInto(b, at, key.local(), key.remote());
        // Only a bare ACK that acknowledges more than the last may be replaced by a later one; a duplicate may not.
        host.queue(key, new TcpHost.Outgoing(key.local(), key.remote(), b, at, s.encodedLength()),
                ack && flags == 0 && length == 0 && rcvNxt != lastAcked);
        if (ack) {
            lastAcked = rcvNxt;
            advertisedEdge = Math.max(advertisedEdge, rcvNxt + ((long) window << (syn ? 0 : rcvScale)));
            ackNow = false;
            unackedSegments = 0;
            delayedAckAt = NONE;
        }
    }

    /**
     * After a read: announce the reopened window when it is worth a segment of its own, as Linux's
     * tcp_cleanup_rbuf decides: the window is at least an MSS (or half the buffer, if smaller) and at least twice
     * what the peer was last told is left. A window that merely grows as the application keeps up rides on the
     * next ACK instead.
     */
    private void windowUpdate() {
        if (state != TcpState.ESTABLISHED && state != TcpState.FIN_WAIT_1 && state != TcpState.FIN_WAIT_2) {
            return;
        }
        long window = (long) Math.min(received.free() >> rcvScale, 0xffff) << rcvScale;
        long left = Math.max(0, advertisedEdge - rcvNxt);
        if (window >= Math.min(received.capacity() / 2, mss) && window >= 2 * left) {
            ackNow = true;
            output(host.now());
        }
    }
}
