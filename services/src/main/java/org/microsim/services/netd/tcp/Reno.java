package org.microsim.services.netd.tcp;

/**
 * Reno congestion control (RFC 5681) with NewReno's partial acknowledgments (RFC 6582), in bytes: slow start
 * below ssthresh (cwnd grows by the bytes each ACK covers, as Linux's tcp_slow_start does, so the window doubles
 * each round trip whether the receiver acknowledges every segment, every second one, or a whole burst at once),
 * congestion avoidance above it (one SMSS a window), and
 * on the third duplicate ACK fast retransmit and fast recovery, which NewReno stays in until everything sent
 * before the loss is acknowledged, so that several losses in one window cost one recovery, not one RTO each.
 */
final class Reno {
    private final int smss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE / 4;
    private long avoidanceBytes;
    private boolean recovering;
    /** RFC 6582's "recover": the highest offset sent when the last loss was seen. */
    private long recover;

    Reno(int smss) {
        this.smss = smss;
        this.cwnd = Math.min(4L * smss, Math.max(2L * smss, 4380)); // RFC 5681 3.1, equation 1
    }

    long cwnd() {
        return cwnd;
    }

    long ssthresh() {
        return ssthresh;
    }

    boolean recovering() {
        return recovering;
    }

    long recover() {
        return recover;
    }

    /** New data acknowledged outside recovery. */
    void onAck(long acked) {
        if (cwnd < ssthresh) {
            cwnd += acked;
        } else {
            avoidanceBytes += acked;
            if (avoidanceBytes >= cwnd) {
                avoidanceBytes -= cwnd;
                cwnd += smss;
            }
        }
    }

    /**
     * The third duplicate ACK: whether to fast-retransmit, which RFC 6582 allows only when the ACK is past the last
     * recovery point (else the duplicates are echoes of a go-back after a timeout).
     */
    boolean onThirdDuplicate(long ackOffset, long flight, long highestSent) {
        if (ackOffset <= recover) {
            return false;
        }
        ssthresh = Math.max(flight / 2, 2L * smss);
        cwnd = ssthresh + 3L * smss;
        recovering = true;
        recover = highestSent;
        return true;
    }

    /** A further duplicate in recovery: one more segment has left the network. */
    void onDuplicateInRecovery() {
        cwnd += smss;
    }

    /**
     * New data acknowledged in recovery: a full ACK (past "recover") ends it; a partial one deflates the window by
     * what it acknowledged and says the next hole must be sent again (returns true).
     */
    boolean onAckInRecovery(long ackOffset, long acked, long flight) {
        if (ackOffset >= recover) {
            cwnd = Math.min(ssthresh, Math.max(flight, smss) + smss);
            recovering = false;
            return false;
        }
        cwnd = Math.max(smss, cwnd - acked + (acked >= smss ? smss : 0));
        return true;
    }

    /** The retransmission timer went off: back to one segment and slow start (RFC 5681 3.1, equations 4 and 5). */
    void onTimeout(long flight, long highestSent) {
        ssthresh = Math.max(flight / 2, 2L * smss);
        cwnd = smss;
        avoidanceBytes = 0;
        recovering = false;
        recover = highestSent;
    }
}
