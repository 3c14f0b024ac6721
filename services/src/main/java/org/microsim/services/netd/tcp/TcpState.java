package org.microsim.services.netd.tcp;

/** The states of a TCP connection (RFC 9293 section 3.3.2); {@link TcpConnection} draws how they connect. */
public enum TcpState {
    /** No connection: never opened, or over (see {@link TcpConnection#error()} for how it ended). */
    CLOSED,
    /** A listener's state; a {@link TcpConnection} is never in it (a {@link TcpListener} is). */
    LISTEN,
    /** Our SYN is sent, no SYN from the peer yet. */
    SYN_SENT,
    /** Both SYNs seen, ours not yet acknowledged. */
    SYN_RECEIVED,
    /** Open both ways. */
    ESTABLISHED,
    /** We sent our FIN, it is not yet acknowledged, the peer has not sent its own. */
    FIN_WAIT_1,
    /** Our FIN is acknowledged; waiting for the peer's. */
    FIN_WAIT_2,
    /** The peer sent its FIN; we may still send. */
    CLOSE_WAIT,
    /** Both FINs sent, ours not yet acknowledged (a simultaneous close). */
    CLOSING,
    /** The peer closed first, we then sent our FIN; waiting for its acknowledgment. */
    LAST_ACK,
    /** Both directions closed; lingering 2*MSL so that a lost last ACK can be sent again. */
    TIME_WAIT
}
