package org.microsim.services.netd.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.LongRange;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * Two hosts over a wire that loses, delays, duplicates and reorders, every fault drawn from a seed: byte streams
 * both ways arrive whole and in order and both sides close cleanly; the same seed gives the same segments; a dead
 * wire ends in TIMED_OUT in bounded time; damaged and forged segments never throw nor corrupt a stream.
 */
class StreamPropertiesTest {
    private static final Ipv4Addr A = Wire.A;
    private static final Ipv4Addr B = Wire.B;
    /** A lossy wire needs more patience than the default 12 retries (at 30 % loss a round trip fails half the time). */
    private static final TcpConfig PATIENT = TcpConfig.DEFAULT.withRetries(40, 20, 2 * Wire.SECOND);

    /** The faults of one run. */
    record Faults(long seed, int toB, int toA, double loss, double duplication, long jitter, TcpConfig config) {
    }

    /** One side's application: writes its data in random pieces, shuts down, reads to the end, closes. */
    static final class App {
        final TcpConnection c;
        final byte[] out;
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        final Random random;
        int sent;
        boolean shut;
        boolean eof;
        boolean closed;

        App(TcpConnection c, byte[] out, long seed) {
            this.c = c;
            this.out = out;
            this.random = new Random(seed);
        }

        void act() {
            for (int i = 0; i < 100 && sent < out.length; i++) {
                int n = c.send(out, sent, Math.min(out.length - sent, 1 + random.nextInt(40_000)));
                if (n <= 0) {
                    break;
                }
                sent += n;
            }
            if (sent == out.length && !shut) {
                c.shutdownOutput();
                shut = true;
            }
            byte[] buf = new byte[1 + random.nextInt(64 << 10)];
            for (int i = 0; i < 100 && !eof; i++) {
                int n = c.receive(buf, 0, buf.length);
                if (n < 0) {
                    eof = true;
                } else if (n == 0) {
                    break;
                } else {
                    in.write(buf, 0, n);
                }
            }
            if (eof && shut && !closed) {
                c.close();
                closed = true;
            }
        }
    }

    /** The result of one run: the apps, the wire, and how long it took in virtual time. */
    record Run(App a, App b, Wire wire) {
    }

    static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Opens A to B:80, transfers both ways, closes, and runs until nothing is left (TIME_WAIT over). */
    static Run transfer(Faults f, java.util.function.Consumer<Wire> everyStep) {
        Wire w = Wire.pair(f.seed(), f.config(), f.config());
        w.loss = f.loss();
        w.duplication = f.duplication();
        w.jitter = f.jitter();
        TcpListener l = w.b().listen(Ipv4Addr.ANY, 80, 1);
        App a = new App(w.a().connect(A, B, 80, 0), data(f.seed(), f.toB()), f.seed() + 1);
        App b = null;
        for (int i = 0; i < 3_000_000; i++) {
            if (b == null) {
                TcpConnection cb = l.accept();
                if (cb != null) {
                    b = new App(cb, data(f.seed() + 2, f.toA()), f.seed() + 3);
                }
            }
            a.act();
            if (b != null) {
                b.act();
            }
            everyStep.accept(w);
            if (!w.step(Long.MAX_VALUE)) {
                return new Run(a, b, w);
            }
        }
        throw new AssertionError("three million events: a livelock");
    }

    @Property(tries = 80)
    void streamsBothWaysArriveWholeAndBothSidesCloseCleanly(@ForAll("faults") Faults f) {
        Run r = transfer(f, w -> { });
        Statistics.label("bytes").collect(f.toA() + f.toB() < 100_000 ? "< 100 KB" : f.toA() + f.toB() < 1 << 20
                ? "< 1 MiB" : "1 to 6 MiB");
        Statistics.label("loss").collect(f.loss() < 0.1 ? "< 10 %" : f.loss() < 0.2 ? "10 to 20 %" : "20 to 30 %");
        assertNotNull(r.b(), "the connection was accepted");
        assertNull(r.a().c.error());
        assertNull(r.b().c.error());
        assertArrayEquals(r.a().out, r.b().in.toByteArray(), "A to B");
        assertArrayEquals(r.b().out, r.a().in.toByteArray(), "B to A");
        assertEquals(TcpState.CLOSED, r.a().c.state());
        assertEquals(TcpState.CLOSED, r.b().c.state());
        assertEquals(0, r.wire().a().connectionCount() + r.wire().b().connectionCount(), "TIME_WAIT ended");
        assertTrue(r.wire().sent.stream().anyMatch(s -> s.segment().has(TcpSegment.FIN)));
        long bound = 1000 + 10L * (f.toA() + f.toB()) / 1000;
        assertTrue(r.wire().sent.size() < bound, r.wire().sent.size() + " segments: a storm");
    }

    /**
     * Found by a run like the property's: after timeouts on both sides each went back, sent its pure ACKs at its
     * rewound SND.NXT, below what the other had, and each answered the other's "out of window" ACK with an ACK:
     * an ACK war in which neither learned anything until both timed out.
     */
    @Example
    void timeoutsOnBothSidesDoNotStartAnAckWar() {
        Faults f = new Faults(5, 3 << 20, 3 << 20, 0.1, 0.1, 20 * Wire.MS, PATIENT);
        Run r = transfer(f, w -> { });
        assertNull(r.a().c.error());
        assertArrayEquals(r.a().out, r.b().in.toByteArray());
        assertArrayEquals(r.b().out, r.a().in.toByteArray());
    }

    /**
     * Found by the property: once the peer's FIN was in, the right edge was still clipped at it, so every pure ACK
     * in TIME_WAIT looked trimmed and was answered; two sides in TIME_WAIT answered each other's ACKs, and with
     * duplication on the wire the ping-pong grew without bound.
     */
    @Example
    void twoSidesInTimeWaitDoNotAnswerEachOthersAcks() {
        Faults f = new Faults(160092551711L, 2271496, 2393617, 0.04, 0.08, 34994, PATIENT);
        Run r = transfer(f, w -> { });
        assertArrayEquals(r.a().out, r.b().in.toByteArray());
        assertTrue(r.wire().sent.size() < 20_000, r.wire().sent.size() + " segments");
    }

    @Property(tries = 10)
    void theSameSeedGivesTheSameSegments(@ForAll("faults") Faults f) {
        List<String> first = trace(transfer(f, w -> { }).wire());
        List<String> second = trace(transfer(f, w -> { }).wire());
        assertEquals(first, second);
        Faults other = new Faults(f.seed() + 1, f.toB(), f.toA(), f.loss(), f.duplication(), f.jitter(),
                f.config());
        assertNotEquals(first, trace(transfer(other, w -> { }).wire()), "another seed, other ISNs at least");
    }

    private static List<String> trace(Wire w) {
        return w.sent.stream().map(s -> s.time() + " " + s.dropped() + " " + HexFormat.of().formatHex(s.bytes()))
                .toList();
    }

    @Property(tries = 30)
    void aDeadWireEndsInTimedOutInBoundedTime(@ForAll @LongRange(max = 1L << 40) long seed,
            @ForAll @IntRange(max = 40) int deadAfter, @ForAll @IntRange(min = 1, max = 100_000) int size,
            @ForAll boolean patient) {
        TcpConfig config = patient ? PATIENT : TcpConfig.DEFAULT;
        Wire w = Wire.pair(seed, config, config);
        w.drop = s -> w.sent.size() > deadAfter;
        TcpListener l = w.b().listen(B, 80, 1);
        TcpConnection c = w.a().connect(A, B, 80, 0);
        byte[] out = data(seed, size);
        for (int i = 0; i < 100_000 && w.step(Long.MAX_VALUE); i++) {
            c.send(out, 0, Math.max(0, Math.min(size, c.sendSpace()))); // an endless stream: always data to send
            TcpConnection accepted = l.accept();
            if (accepted != null) {
                accepted.send(out, 0, Math.min(size, 1000));
            }
        }
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(TcpError.TIMED_OUT, c.error());
        long bound = (config.maxRetransmits() + 2) * config.maxRto() + (config.synRetries() + 2) * config.maxRto();
        assertTrue(w.now < bound, "gave up at " + w.now / Wire.MS + " ms");
        assertEquals(0, w.a().connectionCount(), "nothing of A's lingers");
    }

    @Property(tries = 15)
    void damagedSegmentsAreDroppedAndNeverCorruptAStream(@ForAll @LongRange(max = 1L << 40) long seed,
            @ForAll @IntRange(max = 300_000) int size) {
        Random random = new Random(seed);
        int[] seen = {0};
        Faults f = new Faults(seed, size, size / 2, 0, 0, 3 * Wire.MS, TcpConfig.DEFAULT);
        Run r = transfer(f, w -> {
            for (; seen[0] < w.sent.size(); seen[0]++) {
                Wire.Sent s = w.sent.get(seen[0]);
                byte[] b = s.bytes().clone();
                int bit = random.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << bit % 8);
                w.inject(s.src(), s.dst(), b);
                byte[] garbage = new byte[random.nextInt(80)];
                random.nextBytes(garbage);
                w.inject(random.nextBoolean() ? A : B, random.nextBoolean() ? A : B, garbage);
            }
        });
        assertArrayEquals(r.a().out, r.b().in.toByteArray());
        assertArrayEquals(r.b().out, r.a().in.toByteArray());
        assertNull(r.a().c.error());
        long caught = r.wire().a().counters().getOrDefault("dropped: bad checksum", 0L)
                + r.wire().b().counters().getOrDefault("dropped: bad checksum", 0L);
        assertTrue(caught >= seen[0] * 9L / 10, caught + " of " + seen[0] + " flipped bits were caught by the sum");
    }

    @Property(tries = 30)
    void forgedSegmentsWithGoodChecksumsNeverThrow(@ForAll @LongRange(max = 1L << 40) long seed) {
        Random random = new Random(seed);
        int[] n = {0};
        Faults f = new Faults(seed, 50_000, 20_000, 0.05, 0.05, 3 * Wire.MS, PATIENT);
        transfer(f, w -> {
            if (n[0]++ % 3 != 0) {
                return;
            }
            // Aimed at a live 4-tuple most of the time, every other field random, SYN+FIN and all.
            Wire.Sent model = w.sent.isEmpty() ? null : w.sent.get(random.nextInt(w.sent.size()));
            int sp = model != null && random.nextBoolean() ? model.segment().srcPort() : random.nextInt(0x10000);
            int dp = model != null && random.nextBoolean() ? model.segment().dstPort() : random.nextInt(0x10000);
            byte[] payload = new byte[random.nextInt(3) == 0 ? random.nextInt(2000) : 0];
            TcpSegment forged = new TcpSegment(sp, dp, random.nextLong(1L << 32), random.nextLong(1L << 32),
                    random.nextInt(0x40), random.nextInt(0x10000), random.nextInt(0x10000),
                    random.nextBoolean() ? -1 : random.nextInt(0x10000),
                    random.nextBoolean() ? -1 : random.nextInt(0x100), payload);
            Ipv4Addr src = model != null ? model.src() : A;
            Ipv4Addr dst = model != null ? model.dst() : B;
            w.inject(src, dst, forged.encode(src, dst));
        });
    }

    @Provide
    Arbitrary<Faults> faults() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.integers().between(0, 3000)),
                Tuple.of(2, Arbitraries.integers().between(0, 1 << 16)),
                Tuple.of(2, Arbitraries.integers().between(1 << 16, 3 << 20)
                        .withDistribution(RandomDistribution.uniform())));
        return Combinators.combine(Arbitraries.longs().between(0, 1L << 40), size, size,
                Arbitraries.doubles().between(0, 0.3).withDistribution(RandomDistribution.uniform()),
                Arbitraries.doubles().between(0, 0.1),
                Arbitraries.longs().between(0, 20 * Wire.MS))
                .as((seed, toB, toA, loss, dup, jitter) -> new Faults(seed, toB, toA, loss, dup, jitter, PATIENT));
    }
}
