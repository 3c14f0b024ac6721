package org.microsim.services.netd.tcp;

/**
 * The retransmission timeout of RFC 6298: a smoothed RTT and its variation from samples (section 2), clamped to
 * the configured floor and ceiling, doubled on each expiry (5.5) until a new sample is taken. Samples follow
 * Karn's rule: the caller never times a segment that was sent twice (section 3).
 */
final class Rtt {
    /** RFC 6298's clock granularity G: 1 ms, below what a simulated RTT rounds to. */
    private static final long GRANULARITY = 1_000_000L;

    private final long min;
    private final long max;
    private long srtt = -1;
    private long rttvar;
    private long base;
    private int backoff;

    Rtt(TcpConfig config) {
        this.min = config.minRto();
        this.max = config.maxRto();
        this.base = config.initialRto();
    }

    void sample(long r) {
        r = Math.max(r, 0);
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        base = Math.min(max, Math.max(min, srtt + Math.max(GRANULARITY, 4 * rttvar)));
        backoff = 0;
    }

    /** The timeout now, backoff included. */
    long rto() {
        long t = base;
        for (int i = 0; i < backoff && t < max; i++) {
            t *= 2;
        }
        return Math.min(t, max);
    }

    void backOff() {
        if (rto() < max) {
            backoff++;
        }
    }

    /** The smoothed RTT, or -1 before the first sample. */
    long srtt() {
        return srtt;
    }
}
