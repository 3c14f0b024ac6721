package org.microsim.services.netd.tcp;

/**
 * The knobs of a {@link TcpHost}. Times are nanoseconds of the caller's (virtual) clock.
 *
 * <p>The defaults, and why:
 * <ul>
 * <li>MSS 1460: an Ethernet MTU of 1500 less 40 bytes of IPv4 and TCP headers.
 * <li>Buffers of 256 KiB each way: a window that keeps a simulated LAN busy; the window scale is the smallest shift
 *     that makes the receive buffer fit the 16-bit window field (3 for 256 KiB).
 * <li>MSL 30 s, so TIME_WAIT lasts 60 s as on Linux, rather than smoltcp's 10 s: the clock is virtual, so a long
 *     TIME_WAIT costs a table entry and no waiting, and a shorter one would weaken the very guarantee it exists
 *     for (an old duplicate never lands in a new incarnation).
 * <li>RTO floor 200 ms (Linux's) instead of RFC 6298's 1 s: simulated links have RTTs of milliseconds, and a 1 s
 *     floor would make every loss stall a transfer a hundred RTTs. The first RTO, before any RTT sample, is the
 *     RFC's 1 s; the ceiling is 60 s (RFC 6298 2.5).
 * <li>12 retransmissions before TIMED_OUT (Linux has 15), 6 for a SYN or SYN-ACK (Linux's tcp_syn_retries).
 * <li>Delayed ACK 40 ms (Linux's minimum), at most every second full segment, never for out-of-order data.
 * <li>32 out-of-order ranges held for reassembly (smoltcp holds 4 to 32), all inside the receive buffer.
 * </ul>
 *
 * @param mss the MSS we announce, and the most we send in a segment, 64 to 65495
 * @param sendBuffer bytes {@code send} can hold before it answers 0, at least 1
 * @param receiveBuffer bytes of receive buffer, and so the largest window we advertise, at least 1
 * @param windowScaling whether to offer the window scale option (RFC 7323)
 * @param msl the maximum segment lifetime; TIME_WAIT lasts twice this
 * @param minRto the least retransmission timeout
 * @param initialRto the retransmission timeout before any RTT is measured
 * @param maxRto the most the timeout backs off to
 * @param maxRetransmits how many times one segment (or zero-window probe) is sent again before TIMED_OUT
 * @param synRetries how many times a SYN or SYN-ACK is sent again before TIMED_OUT
 * @param delayedAck how long an ACK for in-order data may wait, 0 for none
 * @param maxOutOfOrder how many separate out-of-order ranges the receiver holds
 */
public record TcpConfig(int mss, int sendBuffer, int receiveBuffer, boolean windowScaling, long msl, long minRto,
        long initialRto, long maxRto, int maxRetransmits, int synRetries, long delayedAck, int maxOutOfOrder) {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    public static final TcpConfig DEFAULT = new TcpConfig(1460, 256 << 10, 256 << 10, true, 30 * SECOND,
            200 * MS, SECOND, 60 * SECOND, 12, 6, 40 * MS, 32);

    public TcpConfig {
        if (mss < 64 || mss > TcpSegment.MAX_PAYLOAD) {
            throw new IllegalArgumentException("MSS " + mss + " is not from 64 to " + TcpSegment.MAX_PAYLOAD);
        }
        if (sendBuffer < 1 || receiveBuffer < 1) {
            throw new IllegalArgumentException("buffers need at least one byte");
        }
        if (msl < 0 || minRto <= 0 || initialRto < minRto || maxRto < initialRto || delayedAck < 0) {
            throw new IllegalArgumentException("times need 0 <= msl, delayedAck and 0 < minRto <= initialRto"
                    + " <= maxRto");
        }
        if (maxRetransmits < 0 || synRetries < 0 || maxOutOfOrder < 0) {
            throw new IllegalArgumentException("retry and range counts cannot be negative");
        }
    }

    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(mss, send, receive, windowScaling, msl, minRto, initialRto, maxRto, maxRetransmits,
                synRetries, delayedAck, maxOutOfOrder);
    }

    public TcpConfig withMss(int newMss) {
        return new TcpConfig(newMss, sendBuffer, receiveBuffer, windowScaling, msl, minRto, initialRto, maxRto,
                maxRetransmits, synRetries, delayedAck, maxOutOfOrder);
    }

    public TcpConfig withWindowScaling(boolean on) {
        return new TcpConfig(mss, sendBuffer, receiveBuffer, on, msl, minRto, initialRto, maxRto, maxRetransmits,
                synRetries, delayedAck, maxOutOfOrder);
    }

    public TcpConfig withRetries(int retransmits, int syn, long newMaxRto) {
        return new TcpConfig(mss, sendBuffer, receiveBuffer, windowScaling, msl, minRto, initialRto, newMaxRto,
                retransmits, syn, delayedAck, maxOutOfOrder);
    }

    public TcpConfig withDelayedAck(long delay) {
        return new TcpConfig(mss, sendBuffer, receiveBuffer, windowScaling, msl, minRto, initialRto, maxRto,
                maxRetransmits, synRetries, delay, maxOutOfOrder);
    }

    /** The shift that makes the receive buffer fit the 16-bit window field, at most 14 (RFC 7323 2.3). */
    int receiveScale() {
        int shift = 0;
        while (shift < 14 && receiveBuffer >>> shift > 0xffff) {
            shift++;
        }
        return shift;
    }
}
