package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The LAN on its own: who hears a frame on a hub and on a switch, cables, and faults drawn from the seed. */
class LanTest {
    static final class Station implements EthernetLink.Station {
        final List<byte[]> frames = new ArrayList<>();
        final List<Integer> bursts = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final List<Boolean> carrier = new ArrayList<>();
        final ManualTimeline clock;

        Station(ManualTimeline clock) {
            this.clock = clock;
        }

        @Override
        public void receive(byte[] frame) {
            frames.add(frame);
            times.add(clock.now());
        }

        @Override
        public void receive(List<byte[]> burst) {
            bursts.add(burst.size());
            burst.forEach(this::receive);
        }

        @Override
        public void linkChanged(boolean up) {
            carrier.add(up);
        }
    }

    static byte[] frame(long dst, long src, int n) {
        byte[] f = new byte[60];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (dst >>> (40 - 8 * i));
            f[6 + i] = (byte) (src >>> (40 - 8 * i));
        }
        f[14] = (byte) n;
        return f;
    }

    final ManualTimeline clock = new ManualTimeline();

    List<Station> stations(Lan lan, int n) {
        List<Station> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Station s = new Station(clock);
            lan.plug(s, "s" + i);
            out.add(s);
        }
        return out;
    }

    @Test
    void aHubRepeatsEveryFrameToEveryOtherStationAfterItsDelay() {
        Lan lan = new Lan("hub", Lan.Kind.HUB, clock, 1);
        List<Station> s = stations(lan, 3);
        Lan.Port a = lan.plug(new Station(clock), "sender");
        a.transmit(frame(2, 1, 7));
        clock.runUntilIdle();
        for (Station st : s) {
            assertEquals(1, st.frames.size());
            assertEquals(Lan.MIN_DELAY_NANOS, st.times.getFirst());
            assertArrayEquals(frame(2, 1, 7), st.frames.getFirst());
        }
    }

    @Test
    void aBurstArrivesAsOneAndAFrameReorderedOutOfItArrivesOnItsOwn() {
        Lan lan = new Lan("hub", Lan.Kind.HUB, clock, 1);
        Station b = stations(lan, 1).getFirst();
        Lan.Port a = lan.plug(new Station(clock), "sender");
        a.transmit(List.of(frame(2, 1, 1), frame(2, 1, 2), frame(2, 1, 3)));
        clock.runUntilIdle();
        assertEquals(List.of(3), b.bursts, "one delivery of three frames");
        assertEquals(List.of(1, 2, 3), b.frames.stream().map(f -> (int) f[14]).toList());
        lan.impair(new Lan.Impairments(0, Lan.MIN_DELAY_NANOS, 0, 1));
        a.transmit(List.of(frame(2, 1, 4), frame(2, 1, 5)));
        clock.runUntilIdle();
        assertEquals(List.of(3, 1, 1), b.bursts, "each frame delayed by its own jitter arrives by itself");
    }

    @Test
    void aSwitchLearnsWhereAddressesAreAndFloodsOnlyStrangersAndBroadcasts() {
        Lan lan = new Lan("sw", Lan.Kind.SWITCH, clock, 1);
        Station[] st = new Station[3];
        Lan.Port[] port = new Lan.Port[3];
        for (int i = 0; i < 3; i++) {
            st[i] = new Station(clock);
            port[i] = lan.plug(st[i], "s" + i);
        }
        port[1].transmit(frame(0xffff_ffff_ffffL, 11, 1)); // broadcast from 11: flooded, 11 learned on port 1
        port[0].transmit(frame(11, 10, 2));                 // to 11: only port 1
        port[2].transmit(frame(99, 12, 3));                 // to a stranger: flooded
        clock.runUntilIdle();
        assertEquals(List.of(1, 3), numbers(st[0]));
        assertEquals(List.of(2, 3), numbers(st[1]));
        assertEquals(List.of(1), numbers(st[2]), "the frame to 11 was not flooded");
    }

    private static List<Integer> numbers(Station s) {
        return s.frames.stream().map(f -> (int) f[14]).toList();
    }

    @Test
    void aPulledCableLosesFramesBothWaysAndTellsTheStation() {
        Lan lan = new Lan("hub", Lan.Kind.HUB, clock, 1);
        Station a = new Station(clock);
        Station b = new Station(clock);
        Lan.Port pa = lan.plug(a, "a");
        Lan.Port pb = lan.plug(b, "b");
        pb.setCable(false);
        pa.transmit(frame(2, 1, 1));
        pb.transmit(frame(1, 2, 2));
        clock.runUntilIdle();
        assertTrue(a.frames.isEmpty() && b.frames.isEmpty());
        pb.setCable(true);
        pa.transmit(frame(2, 1, 3));
        clock.runUntilIdle();
        assertEquals(List.of(3), numbers(b));
        assertEquals(List.of(false, true), b.carrier);
    }

    @Test
    void faultsFollowTheSeedAndTheirRates() {
        List<Long> first = faulty(42);
        assertEquals(first, faulty(42), "the same seed, the same losses, duplicates and delays");
        assertTrue(!first.equals(faulty(43)), "another seed, another run");
        Lan lan = new Lan("f", Lan.Kind.HUB, clock, 5);
        lan.impair(new Lan.Impairments(0.25, 50_000, 0.1, 0));
        Station b = new Station(clock);
        Lan.Port a = lan.plug(new Station(clock), "a");
        lan.plug(b, "b");
        for (int i = 0; i < 4000; i++) {
            a.transmit(frame(2, 1, i));
        }
        clock.runUntilIdle();
        assertEquals(4000, b.frames.size() + lan.lost() - lan.duplicated(), "every frame lost, delivered or twice");
        assertTrue(Math.abs(lan.lost() - 1000) < 120, lan.lost() + " lost of 4000 at 25 %");
        assertTrue(Math.abs(lan.duplicated() - 300) < 80, lan.duplicated() + " duplicated of 3000 at 10 %");
        assertTrue(b.times.stream().allMatch(t -> t >= 50_000), "nothing faster than the delay");
    }

    private List<Long> faulty(long seed) {
        ManualTimeline c = new ManualTimeline();
        Lan lan = new Lan("f", Lan.Kind.HUB, c, seed);
        lan.impair(new Lan.Impairments(0.3, 20_000, 0.2, 0.5));
        Station b = new Station(c);
        Lan.Port a = lan.plug(new Station(c), "a");
        lan.plug(b, "b");
        for (int i = 0; i < 200; i++) {
            a.transmit(frame(2, 1, i));
        }
        c.runUntilIdle();
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < b.frames.size(); i++) {
            seen.add((long) b.frames.get(i)[14] << 40 | b.times.get(i));
        }
        return seen;
    }
}
