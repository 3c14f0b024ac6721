package org.microsim.services.netd.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MalformedPacketException;

/**
 * Loss recovery, flow control and congestion control, each provoked on purpose: a lost segment repaired by fast
 * retransmit before any timeout, the timeout doubling on a dead path, a zero window probed then reopened,
 * out-of-order segments reassembled, slow start's growth, delayed ACKs.
 */
class RecoveryTest {
    private static final Ipv4Addr A = Wire.A;
    private static final Ipv4Addr B = Wire.B;
    private static final TcpConfig NO_DELAY = TcpConfig.DEFAULT.withDelayedAck(0);

    /** A to B:80 over {@code w}, established and accepted; A's side first. */
    private static TcpConnection[] open(Wire w) {
        TcpListener l = w.b().listen(Ipv4Addr.ANY, 80, 1);
        TcpConnection c = w.a().connect(A, B, 80, w.now);
        TcpConnection[] s = new TcpConnection[1];
        assertTrue(w.runUntil(() -> (s[0] = l.accept()) != null, w.now + Wire.SECOND));
        return new TcpConnection[] {c, s[0]};
    }

    /**
     * Sends {@code data} from {@code sent} on {@code from} and reads on {@code to} as the wire runs, until all of
     * it arrived or {@code limit}; returns what arrived.
     */
    private static byte[] pipe(Wire w, TcpConnection from, TcpConnection to, byte[] data, int sentAlready,
            long limit) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int[] sent = {sentAlready};
        byte[] buf = new byte[1 << 16];
        w.runUntil(() -> {
            sent[0] += Math.max(0, from.send(data, sent[0], data.length - sent[0]));
            for (int n; (n = to.receive(buf, 0, buf.length)) > 0; ) {
                got.write(buf, 0, n);
            }
            return got.size() == data.length;
        }, limit);
        return got.toByteArray();
    }

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Example
    void aLostSegmentIsSentAgainOnTheThirdDuplicateAckBeforeAnyTimeout() {
        Wire w = Wire.pair(3, NO_DELAY, NO_DELAY);
        TcpConnection[] c = open(w);
        int[] dataSegments = {0};
        long[] lost = {-1, 0};
        w.drop = s -> {
            if (s.src().equals(A) && s.segment().length() > 0 && ++dataSegments[0] == 30) {
                lost[0] = s.segment().seq();
                lost[1] = s.time();
                return true;
            }
            return false;
        };
        byte[] data = data(200_000);
        assertArrayEquals(data, pipe(w, c[0], c[1], data, 0, 10 * Wire.SECOND));

        List<Wire.Sent> again = w.from(A).stream()
                .filter(s -> s.segment().seq() == lost[0] && s.segment().length() > 0 && !s.dropped()).toList();
        assertEquals(1, again.size(), "sent once more, once");
        long after = again.get(0).time() - lost[1];
        assertTrue(after < TcpConfig.DEFAULT.minRto(), "resent " + after / Wire.MS + " ms after, before any RTO");
        long duplicates = w.from(B).stream().filter(s -> s.time() > lost[1] && s.segment().ack() == lost[0]).count();
        assertTrue(duplicates >= 4, duplicates + ": the ACK the sender had, then three duplicates at least");
        assertEquals(1L, w.a().counters().get("fast retransmits"));
        assertFalse(w.a().counters().containsKey("retransmission timeouts"));
        Reno reno = c[0].sender().reno();
        assertFalse(reno.recovering(), "a full ACK ended fast recovery");
        assertTrue(reno.ssthresh() >= 2 * 1460 && reno.ssthresh() < 200_000, "ssthresh " + reno.ssthresh()
                + " was set to half the flight");
    }

    @Example
    void theRetransmissionTimeoutDoublesUpToItsCeilingThenGivesUp() {
        Wire w = Wire.pair(4, NO_DELAY, NO_DELAY);
        TcpConnection[] c = open(w);
        w.drop = s -> s.src().equals(A);
        c[0].send(new byte[1000], 0, 1000);
        w.runUntil(() -> c[0].state() == TcpState.CLOSED, w.now + 3600 * Wire.SECOND);
        assertEquals(TcpError.TIMED_OUT, c[0].error());
        List<Long> times = w.from(A).stream().filter(s -> s.segment().length() > 0).map(Wire.Sent::time).toList();
        assertEquals(1 + TcpConfig.DEFAULT.maxRetransmits(), times.size());
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add((times.get(i) - times.get(i - 1)) / Wire.MS);
        }
        // The handshake measured 10 ms, which the 200 ms floor rounds up; then it doubles to the 60 s ceiling.
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 51200L, 60000L, 60000L, 60000L),
                gaps);
        assertEquals(12L, w.a().counters().get("retransmission timeouts"));
        assertEquals(times.get(times.size() - 1) + 60 * Wire.SECOND, w.now, "gave up one last RTO later");
    }

    @Example
    void aSynWithNoAnswerIsSentSixTimesMoreThenTimesOut() {
        Wire w = Wire.pair(5, NO_DELAY, NO_DELAY);
        w.drop = s -> true;
        TcpConnection c = w.a().connect(A, B, 80, 0);
        w.runUntil(() -> c.state() == TcpState.CLOSED, 3600 * Wire.SECOND);
        assertEquals(TcpError.TIMED_OUT, c.error());
        assertEquals(List.of(0L, 1L, 3L, 7L, 15L, 31L, 63L), w.from(A).stream().map(s -> s.time() / Wire.SECOND)
                .toList(), "1 s, then doubling");
        assertEquals(123 * Wire.SECOND, w.now);
    }

    @Example
    void aZeroWindowIsProbedWithBackoffThenReopenedByTheReader() {
        Wire w = Wire.pair(6, NO_DELAY, NO_DELAY.withBuffers(256 << 10, 4096));
        TcpConnection[] c = open(w);
        byte[] data = data(20_000);
        assertEquals(20_000, c[0].send(data, 0, data.length));
        w.runFor(20 * Wire.SECOND);
        assertEquals(4096, c[1].available(), "the receiver's buffer is full and nothing more got in");
        List<Wire.Sent> probes = w.from(A).stream().filter(s -> s.segment().length() == 1).toList();
        assertTrue(probes.size() >= 4, probes.size() + " probes");
        for (int i = 2; i < probes.size(); i++) {
            long before = probes.get(i - 1).time() - probes.get(i - 2).time();
            assertEquals(2 * before, probes.get(i).time() - probes.get(i - 1).time(), "the probes back off");
        }
        assertTrue(w.from(B).stream().filter(s -> s.time() > probes.get(0).time())
                .allMatch(s -> s.segment().window() == 0), "each probe is answered: still zero");
        assertEquals((long) probes.size(), w.a().counters().get("zero window probes"));

        long reopened = w.now;
        assertArrayEquals(data, pipe(w, c[0], c[1], data, data.length, w.now + 10 * Wire.SECOND));
        assertTrue(w.now - reopened < 500 * Wire.MS, "the window update restarted it, not the next probe");
        assertEquals(probes.size(), w.from(A).stream().filter(s -> s.segment().length() == 1).count());
        assertEquals(TcpState.ESTABLISHED, c[0].state());
    }

    @Example
    void outOfOrderSegmentsAreHeldAndEachDrawsAnImmediateDuplicateAck() throws MalformedPacketException {
        Random isns = new Random(1);
        TcpHost a = new TcpHost(isns::nextLong, TcpConfig.DEFAULT);
        TcpHost b = new TcpHost(isns::nextLong, TcpConfig.DEFAULT);
        TcpConnection[] pair = Wire.handshake(a, b);
        TcpConnection c = pair[0];
        TcpConnection s = pair[1];
        byte[] data = data(3 * 1460);
        c.send(data, 0, data.length);
        List<TcpHost.Outgoing> flight = a.drain();
        assertEquals(3, flight.size(), "an initial window of three segments");
        long first = TcpSegment.parse(flight.get(0).tcpBytes(), A, B).seq();
        for (int i = 2; i > 0; i--) {
            b.input(A, B, flight.get(i).tcpBytes(), 1);
            assertEquals(0, s.available());
            TcpSegment dup = Wire.only(Wire.deliver(b, null, 1));
            assertEquals(first, dup.ack(), "a hole: acknowledged at once, at its start, delayed ACK or not");
        }
        b.input(A, B, flight.get(0).tcpBytes(), 2);
        assertEquals(3 * 1460, s.available());
        assertEquals(first + 3 * 1460, Wire.only(Wire.deliver(b, null, 2)).ack(), "the hole filled: all of it");
        byte[] got = new byte[data.length];
        assertEquals(data.length, s.receive(got, 0, got.length));
        assertArrayEquals(data, got);
    }

    @Example
    void duplicateAcksTakenInOneBurstAreAllSentAndTheAckThatFillsTheHoleReplacesNone()
            throws MalformedPacketException {
        Random isns = new Random(1);
        TcpHost a = new TcpHost(isns::nextLong, TcpConfig.DEFAULT);
        TcpHost b = new TcpHost(isns::nextLong, TcpConfig.DEFAULT);
        TcpConnection c = Wire.handshake(a, b)[0];
        byte[] data = data(3 * 1460);
        c.send(data, 0, data.length);
        List<TcpHost.Outgoing> flight = a.drain();
        long first = TcpSegment.parse(flight.get(0).tcpBytes(), A, B).seq();
        b.input(A, B, flight.get(2).tcpBytes(), 1);
        b.input(A, B, flight.get(1).tcpBytes(), 1);
        b.input(A, B, flight.get(0).tcpBytes(), 1);
        List<TcpSegment> acks = Wire.deliver(b, null, 1);
        assertEquals(List.of(first, first, first + 3 * 1460), acks.stream().map(TcpSegment::ack).toList(),
                "two duplicates for fast retransmit, then the ACK of all");
    }

    @Example
    void slowStartDoublesTheWindowEachRoundTripWithOneAckForAWholeBurst() throws MalformedPacketException {
        Random isns = new Random(2);
        TcpHost a = new TcpHost(isns::nextLong, NO_DELAY);
        TcpHost b = new TcpHost(isns::nextLong, NO_DELAY);
        TcpConnection c = Wire.handshake(a, b)[0];
        c.send(new byte[100_000], 0, 100_000);
        int[] expected = {3, 6, 12, 24};
        for (int round = 0; round < expected.length; round++) {
            List<TcpSegment> burst = Wire.deliver(a, b, round + 1);
            assertEquals(expected[round], burst.size(), "round " + round);
            assertEquals(1, Wire.deliver(b, a, round + 1).size(), "one ACK for the burst taken at once");
        }
        assertEquals(48L * 1460, c.sender().reno().cwnd());
    }

    @Example
    void aDelayedAckWaitsFortyMillisecondsButNotForASecondSegment() throws MalformedPacketException {
        Random isns = new Random(3);
        TcpHost a = new TcpHost(isns::nextLong, TcpConfig.DEFAULT);
        TcpHost b = new TcpHost(isns::nextLong, TcpConfig.DEFAULT);
        TcpConnection c = Wire.handshake(a, b)[0];
        c.send(new byte[100], 0, 100);
        Wire.deliver(a, b, 0);
        assertEquals(List.of(), Wire.deliver(b, null, 0));
        assertEquals(40 * Wire.MS, b.nextDeadline());
        b.tick(40 * Wire.MS);
        assertEquals(TcpSegment.ACK, Wire.only(Wire.deliver(b, null, 40 * Wire.MS)).flags());
        c.send(new byte[2 * 1460], 0, 2 * 1460);
        assertEquals(2, Wire.deliver(a, b, 50 * Wire.MS).size(), "two segments");
        assertEquals(1, Wire.deliver(b, null, 50 * Wire.MS).size(), "the second is acknowledged at once");
    }
}
