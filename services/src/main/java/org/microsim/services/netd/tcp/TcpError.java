package org.microsim.services.netd.tcp;

/** Why a connection ended other than by an orderly close or the application's own {@code abort()}. */
public enum TcpError {
    /** The peer answered our SYN with a RST: nothing listens on that port. */
    REFUSED,
    /** The peer reset an established connection. */
    RESET,
    /** The handshake never completed, or data went unacknowledged through every retransmission. */
    TIMED_OUT
}
