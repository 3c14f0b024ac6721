package org.microsim.services.netd.tcp;

/**
 * A segment for a connection past SYN_SENT, step by step as RFC 9293 3.10.7.4 orders them: sequence number
 * (trimming to the window), RST, SYN, ACK, data, FIN. The steps are the RFC's; the checks on RST and SYN are
 * RFC 5961's.
 */
final class Receiving {
    private Receiving() {
    }

    static void segment(TcpConnection c, TcpSegment s, long now) {
        TcpHost host = c.host();
        ReceiveBuffer buffer = c.received();
        long rcvNxt = c.rcvNxt;
        long at = c.receiveOffset(s.seq());
        int segLen = s.sequenceLength();
        long window = buffer.free();
        // First: the sequence number. A segment at exactly RCV.NXT is always looked at, so an ACK or FIN still
        // gets through a zero window; others must overlap the window.
        boolean acceptable = at == rcvNxt || (segLen == 0 ? at > rcvNxt && at < rcvNxt + window
                : at < rcvNxt + window && at + segLen > rcvNxt);
        if (c.state() == TcpState.SYN_RECEIVED && at == 0 && s.has(TcpSegment.SYN | TcpSegment.ACK)) {
            acceptable = true; // a simultaneous open: the peer's SYN again, now with the ACK of ours
            c.ackNow();
        }
        if (!acceptable) {
            if (!s.has(TcpSegment.RST)) {
                if (segLen > 0) {
                    c.ackNow(); // data or a FIN we already had: the sender missed our ACK
                } else {
                    c.answerInvalid(now);
                }
                if (c.state() == TcpState.TIME_WAIT && s.has(TcpSegment.FIN)) {
                    c.timeWait(now); // the peer missed our last ACK: it goes again, and TIME_WAIT starts over
                }
            }
            host.count("dropped: out of window");
            return;
        }
        // Second: RST, honoured only at exactly RCV.NXT; elsewhere in the window a challenge ACK answers it.
        if (s.has(TcpSegment.RST)) {
            if (c.state() == TcpState.TIME_WAIT) {
                host.count("dropped: reset in TIME_WAIT"); // RFC 1337: no assassination of TIME_WAIT
            } else if (at != rcvNxt) {
                host.count("challenge acks");
                c.answerInvalid(now);
            } else {
                reset(c);
            }
            return;
        }
        // Trim to the window: what is before RCV.NXT was had already (a SYN there is the old one), what is past the
        // right edge (or past a FIN already seen) has no room.
        int from = 0;
        int to = s.length();
        boolean syn = s.has(TcpSegment.SYN);
        boolean fin = s.has(TcpSegment.FIN);
        if (at < rcvNxt) {
            if (syn) {
                syn = false;
                at++;
            }
            int cut = (int) Math.min(Math.max(0, rcvNxt - at), to);
            from += cut;
            at += cut;
            fin &= at >= rcvNxt;
        }
        long right = rcvNxt + window;
        if (c.peerFin >= 0 && !c.finReceived()) {
            right = Math.min(right, c.peerFin);
        }
        if ((to > from || fin) && at + (to - from) > right) {
            to = from + (int) Math.max(0, right - at);
            fin = false;
            c.ackNow(); // what did not fit is dropped: tell the sender the window (a zero-window probe's answer)
        }
        // Fourth: a SYN in the window of a synchronized connection.
        if (syn) {
            host.count("challenge acks");
            c.answerInvalid(now);
            return;
        }
        // Fifth: the acknowledgment.
        if (!s.has(TcpSegment.ACK)) {
            host.count("dropped: no ack");
            return;
        }
        Sender sender = c.sender();
        long ack = sender.offset(s.ack());
        if (c.state() == TcpState.SYN_RECEIVED) {
            if (ack < 1 || !sender.acceptable(ack)) {
                host.count("dropped: bad ack");
                host.resetFor(s, c.remoteAddress(), c.localAddress());
                return;
            }
            c.established();
        }
        if (!sender.acceptable(ack)) {
            host.count("dropped: ack of unsent data");
            c.ackNow();
            return;
        }
        sender.onAck(ack, s.window(), at, segLen == 0, now);
        if (sender.finAcked()) {
            switch (c.state()) {
                case FIN_WAIT_1 -> {
                    c.setState(TcpState.FIN_WAIT_2);
                    c.orphanTimeout(now);
                }
                case CLOSING -> c.timeWait(now);
                case LAST_ACK -> {
                    c.closed();
                    return;
                }
                default -> {
                }
            }
        }
        // Seventh: the data.
        boolean receiving = switch (c.state()) {
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> true;
            default -> false;
        };
        if (to > from) {
            if (!receiving) {
                host.count("dropped: data after FIN");
                return;
            }
            if (c.userClosed()) {
                host.count("dropped: data after close");
                c.abort();
                return;
            }
            boolean inOrder = at == c.rcvNxt && !buffer.hasGaps();
            if (!buffer.put(at - 1, s.payloadBuffer(), s.payloadOffset() + from, to - from)) {
                host.count("dropped: reassembly full");
                c.ackNow();
                return;
            }
            c.rcvNxt = buffer.inOrderEnd() + 1;
            if (inOrder) {
                c.ackLater(now);
            } else {
                c.ackNow(); // out of order, or filling a hole: at once (RFC 5681 4.2)
            }
        }
        // Eighth: the FIN, which takes effect only once everything before it is in.
        if (fin && receiving) {
            c.peerFin = at + (to - from);
        }
        if (c.peerFin >= 0 && !c.finReceived() && c.rcvNxt == c.peerFin) {
            c.finArrived(now);
        }
    }

    private static void reset(TcpConnection c) {
        c.host().count("resets received");
        switch (c.state()) {
            case SYN_RECEIVED -> {
                if (c.passive()) {
                    c.closed(); // back to the listener, which never saw it
                } else {
                    c.fail(TcpError.REFUSED);
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> c.fail(TcpError.RESET);
            default -> c.closed();
        }
    }
}
