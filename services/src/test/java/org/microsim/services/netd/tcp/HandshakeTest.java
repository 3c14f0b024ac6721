package org.microsim.services.netd.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MalformedPacketException;

/** Opening and closing, segment by segment: the handshake, simultaneous open and close, RSTs, the backlog. */
class HandshakeTest {
    private static final Ipv4Addr A = Wire.A;
    private static final Ipv4Addr B = Wire.B;
    private static final TcpConfig NO_DELAY = TcpConfig.DEFAULT.withDelayedAck(0);

    private final Random isns = new Random(7);
    private final TcpHost a = new TcpHost(isns::nextLong, NO_DELAY);
    private final TcpHost b = new TcpHost(isns::nextLong, NO_DELAY);

    @Example
    void theThreeWayHandshakeSegmentBySegment() throws MalformedPacketException {
        TcpListener l = b.listen(Ipv4Addr.ANY, 80, 4);
        TcpConnection c = a.connect(A, B, 80, 0);
        assertEquals(TcpState.SYN_SENT, c.state());
        assertEquals(TcpHost.FIRST_EPHEMERAL, c.localPort());

        TcpSegment syn = Wire.only(Wire.deliver(a, b, 1));
        assertEquals(TcpSegment.SYN, syn.flags());
        assertEquals(TcpHost.FIRST_EPHEMERAL, syn.srcPort());
        assertEquals(80, syn.dstPort());
        assertEquals(0, syn.ack());
        assertEquals(1460, syn.mss());
        assertEquals(3, syn.windowScale(), "256 KiB needs a shift of 3 to fit 16 bits");
        assertEquals(0xffff, syn.window(), "a SYN's window is never scaled");
        assertEquals(0, syn.length());
        assertNull(l.accept(), "nothing is accepted before the handshake completes");

        TcpSegment synAck = Wire.only(Wire.deliver(b, a, 2));
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, synAck.flags());
        assertEquals(syn.seq() + 1 & 0xffff_ffffL, synAck.ack());
        assertEquals(1460, synAck.mss());
        assertEquals(3, synAck.windowScale());
        assertEquals(TcpState.ESTABLISHED, c.state());

        TcpSegment ack = Wire.only(Wire.deliver(a, b, 3));
        assertEquals(TcpSegment.ACK, ack.flags());
        assertEquals(syn.seq() + 1 & 0xffff_ffffL, ack.seq());
        assertEquals(synAck.seq() + 1 & 0xffff_ffffL, ack.ack());
        assertEquals(-1, ack.mss(), "options only in SYNs");
        assertEquals(-1, ack.windowScale());
        assertEquals((256 << 10) >> 3, ack.window(), "the window is scaled after the handshake");

        TcpConnection s = l.accept();
        assertNotNull(s);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(A, s.remoteAddress());
        assertEquals(c.localPort(), s.remotePort());
        assertNull(l.accept());

        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertEquals(5, c.send(hello, 0, 5));
        TcpSegment data = Wire.only(Wire.deliver(a, b, 4));
        assertEquals(TcpSegment.ACK | TcpSegment.PSH, data.flags());
        assertEquals(ack.seq(), data.seq());
        byte[] got = new byte[10];
        assertEquals(5, s.receive(got, 0, 10));
        assertEquals("hello", new String(got, 0, 5, StandardCharsets.US_ASCII));
        assertEquals(0, s.receive(got, 0, 10));
        TcpSegment dataAck = Wire.only(Wire.deliver(b, a, 5));
        assertEquals(data.seq() + 5 & 0xffff_ffffL, dataAck.ack());
    }

    @Example
    void withoutWindowScalingOnOneSideNeitherScales() throws MalformedPacketException {
        TcpHost plain = new TcpHost(isns::nextLong, NO_DELAY.withWindowScaling(false));
        plain.listen(B, 80, 1);
        a.connect(A, B, 80, 0);
        assertEquals(3, Wire.only(Wire.deliver(a, plain, 0)).windowScale());
        TcpSegment synAck = Wire.only(Wire.deliver(plain, a, 0));
        assertEquals(-1, synAck.windowScale());
        TcpSegment ack = Wire.only(Wire.deliver(a, plain, 0));
        assertEquals(0xffff, ack.window(), "unscaled, the window field saturates");
    }

    @Example
    void simultaneousOpen() throws MalformedPacketException {
        TcpConnection ca = a.connect(A, B, TcpHost.FIRST_EPHEMERAL, 0);
        TcpConnection cb = b.connect(B, A, TcpHost.FIRST_EPHEMERAL, 0);
        TcpSegment synA = Wire.only(Wire.deliver(a, null, 0));
        TcpSegment synB = Wire.only(Wire.deliver(b, null, 0));
        assertEquals(TcpSegment.SYN, synA.flags());
        a.input(B, A, synB.encode(B, A), 1);
        b.input(A, B, synA.encode(A, B), 1);
        assertEquals(TcpState.SYN_RECEIVED, ca.state());
        assertEquals(TcpState.SYN_RECEIVED, cb.state());
        TcpSegment synAckA = Wire.only(Wire.deliver(a, b, 2));
        List<TcpSegment> fromB = Wire.deliver(b, a, 2);
        assertEquals(2, fromB.size(), "B's SYN,ACK, then its ACK of A's, which made it ESTABLISHED");
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, fromB.get(0).flags());
        assertEquals(TcpSegment.ACK, fromB.get(1).flags());
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, synAckA.flags());
        assertEquals(synA.seq(), synAckA.seq(), "the same SYN again, now acknowledging the peer's");
        assertEquals(synB.seq() + 1 & 0xffff_ffffL, synAckA.ack());
        assertEquals(TcpState.ESTABLISHED, ca.state());
        assertEquals(TcpState.ESTABLISHED, cb.state());
        assertEquals(TcpSegment.ACK, Wire.only(Wire.deliver(a, b, 3)).flags());
        assertEquals(List.of(), Wire.deliver(b, a, 3));

        Wire w = wireOf(a, b);
        byte[] x = {1, 2, 3};
        ca.send(x, 0, 3);
        cb.send(x, 0, 2);
        w.runFor(Wire.SECOND);
        assertEquals(2, ca.available());
        assertEquals(3, cb.available());
        assertEquals(0, a.counters().getOrDefault("retransmission timeouts", 0L));
    }

    @Example
    void simultaneousCloseGoesThroughClosingToTimeWait() throws MalformedPacketException {
        TcpConnection[] pair = establish();
        TcpConnection ca = pair[0];
        TcpConnection cb = pair[1];
        ca.close();
        cb.close();
        assertEquals(TcpState.FIN_WAIT_1, ca.state());
        assertEquals(TcpState.FIN_WAIT_1, cb.state());
        TcpSegment finA = Wire.only(Wire.deliver(a, null, 10));
        TcpSegment finB = Wire.only(Wire.deliver(b, null, 10));
        assertTrue(finA.has(TcpSegment.FIN | TcpSegment.ACK));
        a.input(B, A, finB.encode(B, A), 11);
        b.input(A, B, finA.encode(A, B), 11);
        assertEquals(TcpState.CLOSING, ca.state());
        assertEquals(TcpState.CLOSING, cb.state());
        Wire.deliver(a, b, 12);
        Wire.deliver(b, a, 12);
        assertEquals(TcpState.TIME_WAIT, ca.state());
        assertEquals(TcpState.TIME_WAIT, cb.state());
        assertEquals(12 + 60 * Wire.SECOND, a.nextDeadline(), "TIME_WAIT is 2 * MSL = 60 s");
        a.tick(12 + 60 * Wire.SECOND - 1);
        assertEquals(TcpState.TIME_WAIT, ca.state());
        a.tick(12 + 60 * Wire.SECOND);
        b.tick(12 + 60 * Wire.SECOND);
        assertEquals(TcpState.CLOSED, ca.state());
        assertEquals(TcpState.CLOSED, cb.state());
        assertNull(ca.error());
        assertEquals(0, a.connectionCount());
        assertEquals(Long.MAX_VALUE, a.nextDeadline());
    }

    @Example
    void anOrderlyCloseWithCloseWaitAndLastAck() throws MalformedPacketException {
        TcpConnection[] pair = establish();
        pair[0].shutdownOutput();
        Wire.deliver(a, b, 10);
        assertEquals(TcpState.CLOSE_WAIT, pair[1].state());
        assertEquals(-1, pair[1].receive(new byte[1], 0, 1));
        Wire.deliver(b, a, 11);
        assertEquals(TcpState.FIN_WAIT_2, pair[0].state());
        byte[] late = {9};
        assertEquals(1, pair[1].send(late, 0, 1), "a half-closed connection still sends the other way");
        pair[1].close();
        assertEquals(TcpState.LAST_ACK, pair[1].state());
        Wire.deliver(b, a, 12);
        assertEquals(TcpState.TIME_WAIT, pair[0].state());
        assertEquals(1, pair[0].receive(new byte[4], 0, 4));
        assertEquals(-1, pair[0].receive(new byte[4], 0, 4));
        Wire.deliver(a, b, 13);
        assertEquals(TcpState.CLOSED, pair[1].state());
        assertEquals(1, b.connectionCount() + a.connectionCount(), "only A lingers, in TIME_WAIT");
    }

    @Example
    void aSynToAClosedPortIsRefused() throws MalformedPacketException {
        TcpConnection c = a.connect(A, B, 81, 0);
        Wire.deliver(a, b, 1);
        TcpSegment rst = Wire.only(Wire.deliver(b, a, 2));
        assertEquals(TcpSegment.RST | TcpSegment.ACK, rst.flags());
        assertEquals(0, rst.seq());
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(TcpError.REFUSED, c.error());
        assertEquals(1L, b.counters().get("dropped: no connection"));
        assertEquals(-1, c.send(new byte[1], 0, 1));
        assertEquals(-1, c.receive(new byte[1], 0, 1));
        assertEquals(0, a.connectionCount());
    }

    @Example
    void anAckForNothingIsAnsweredWithARstAtItsAckNumber() throws MalformedPacketException {
        TcpSegment stray = new TcpSegment(1234, 80, 5000, 777, TcpSegment.ACK, 100, 0, -1, -1, new byte[3]);
        b.input(A, B, stray.encode(A, B), 0);
        TcpSegment rst = Wire.only(Wire.deliver(b, null, 0));
        assertEquals(TcpSegment.RST, rst.flags());
        assertEquals(777, rst.seq());
        TcpSegment strayRst = new TcpSegment(1234, 80, 5000, 0, TcpSegment.RST, 0, 0, -1, -1, new byte[0]);
        b.input(A, B, strayRst.encode(A, B), 0);
        assertEquals(List.of(), Wire.deliver(b, null, 0), "a RST is never answered");
    }

    @Example
    void aRstAtTheExpectedSequenceResetsAndOneMerelyInTheWindowIsChallenged() throws MalformedPacketException {
        TcpConnection[] pair = establish();
        TcpConnection cb = pair[1];
        pair[0].send(new byte[] {1}, 0, 1);
        TcpSegment data = Wire.only(Wire.deliver(a, b, 5));
        Wire.deliver(b, a, 5);
        long next = data.seq() + 1 & 0xffff_ffffL;
        TcpSegment blind = new TcpSegment(pair[0].localPort(), 80, next + 100 & 0xffff_ffffL, 0, TcpSegment.RST,
                0, 0, -1, -1, new byte[0]);
        b.input(A, B, blind.encode(A, B), 6);
        assertEquals(TcpState.ESTABLISHED, cb.state());
        TcpSegment challenge = Wire.only(Wire.deliver(b, null, 6));
        assertEquals(TcpSegment.ACK, challenge.flags());
        assertEquals(1L, b.counters().get("challenge acks"));
        TcpSegment exact = new TcpSegment(pair[0].localPort(), 80, next, 0, TcpSegment.RST, 0, 0, -1, -1,
                new byte[0]);
        b.input(A, B, exact.encode(A, B), 7);
        assertEquals(TcpState.CLOSED, cb.state());
        assertEquals(TcpError.RESET, cb.error());
    }

    @Example
    void abortSendsARstThatResetsThePeer() throws MalformedPacketException {
        TcpConnection[] pair = establish();
        pair[0].abort();
        assertEquals(TcpState.CLOSED, pair[0].state());
        assertNull(pair[0].error());
        assertEquals(TcpSegment.RST, Wire.only(Wire.deliver(a, b, 5)).flags());
        assertEquals(TcpError.RESET, pair[1].error());
        assertEquals(0, a.connectionCount() + b.connectionCount());
    }

    @Example
    void closingWithUnreadDataResets() throws MalformedPacketException {
        TcpConnection[] pair = establish();
        pair[0].send(new byte[10], 0, 10);
        Wire.deliver(a, b, 5);
        Wire.deliver(b, a, 5);
        pair[1].close();
        assertEquals(TcpSegment.RST, Wire.only(Wire.deliver(b, a, 6)).flags());
        assertEquals(TcpError.RESET, pair[0].error());
    }

    @Example
    void aSynBeyondTheBacklogIsDroppedUntilTheApplicationAccepts() {
        Wire w = wireOf(a, b);
        TcpListener l = b.listen(B, 80, 2);
        TcpConnection c1 = a.connect(A, B, 80, 0);
        TcpConnection c2 = a.connect(A, B, 80, 0);
        TcpConnection c3 = a.connect(A, B, 80, 0);
        w.runFor(500 * Wire.MS);
        assertEquals(TcpState.ESTABLISHED, c1.state());
        assertEquals(TcpState.ESTABLISHED, c2.state());
        assertEquals(TcpState.SYN_SENT, c3.state());
        assertEquals(2, l.pending());
        assertEquals(1L, b.counters().get("dropped: listen backlog full"));
        assertNotNull(l.accept());
        w.runFor(2 * Wire.SECOND);
        assertEquals(TcpState.ESTABLISHED, c3.state(), "the SYN sent again after 1 s found room");
        assertEquals(2, l.pending());
        assertEquals(c2.localPort(), l.accept().remotePort());
        assertEquals(c3.localPort(), l.accept().remotePort());
        assertNull(l.accept());
    }

    @Example
    void closingAListenerResetsWhatItHeld() {
        Wire w = wireOf(a, b);
        TcpListener l = b.listen(Ipv4Addr.ANY, 80, 2);
        TcpConnection c1 = a.connect(A, B, 80, 0);
        w.runFor(100 * Wire.MS);
        l.close();
        w.runFor(100 * Wire.MS);
        assertEquals(TcpError.RESET, c1.error());
        TcpConnection c2 = a.connect(A, B, 80, w.now);
        w.runFor(100 * Wire.MS);
        assertEquals(TcpError.REFUSED, c2.error());
    }

    @Example
    void aRetransmittedFinInTimeWaitIsAcknowledgedAgain() throws MalformedPacketException {
        TcpConnection[] pair = establish();
        pair[0].close();
        Wire.deliver(a, b, 10);
        Wire.deliver(b, a, 10);
        pair[1].close();
        TcpSegment fin = Wire.only(Wire.deliver(b, a, 20));
        assertEquals(TcpState.TIME_WAIT, pair[0].state());
        Wire.only(Wire.deliver(a, null, 20)); // the last ACK, lost
        a.input(B, A, fin.encode(B, A), 30 * Wire.SECOND);
        TcpSegment again = Wire.only(Wire.deliver(a, b, 30 * Wire.SECOND));
        assertEquals(TcpSegment.ACK, again.flags());
        assertEquals(fin.seq() + 1 & 0xffff_ffffL, again.ack());
        assertEquals(TcpState.CLOSED, pair[1].state());
        assertEquals(90 * Wire.SECOND, a.nextDeadline(), "TIME_WAIT started over");
    }

    /** A connection from A to B:80 after the handshake, A's side first; nothing left queued. */
    private TcpConnection[] establish() throws MalformedPacketException {
        return Wire.handshake(a, b);
    }

    private static Wire wireOf(TcpHost a, TcpHost b) {
        Wire w = new Wire(1);
        w.hosts.put(A, a);
        w.hosts.put(B, b);
        return w;
    }
}
