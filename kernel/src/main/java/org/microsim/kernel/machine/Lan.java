package org.microsim.kernel.machine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.microsim.kernel.Timeline;

/**
 * A simulated Ethernet segment that NICs (of one machine or several) and built-in services plug into: a hub that
 * repeats every frame to every other station, or a learning switch that sends a frame only where its destination
 * was last seen (flooding broadcasts and unknown destinations), as QEMU's hub and a real bridge do.
 *
 * <pre>
 *   station A ──transmit──▶ taps (pcap, at send time)
 *                          └▶ for each destination: loss? ─▶ delay (+ reorder jitter) ─▶ [duplicate] ─▶ receive
 *                               scheduled on the destination's clock: schedule() when it is A's own,
 *                               post() when it is another machine's (never waits for that one's lock)
 * </pre>
 *
 * <h2>Faults, from the run's seed</h2>
 * Every frame to every destination draws, in order, from one {@link SplittableRandom} seeded by the run: lost with
 * probability {@code loss}; delayed by {@code delay}; with probability {@code reorder} delayed by up to three times
 * as much again, so it overtakes nothing but is overtaken; and with probability {@code duplicate} delivered a second
 * time a little later. Frames are sent in a deterministic order under the deterministic scheduler, so the draws,
 * and so the whole LAN, replay exactly from the seed.
 *
 * <h2>Clocks</h2>
 * A station's frames are stamped with its own machine's clock and delivered on the destination's: each station
 * plugs in with its machine's clock ({@link #plug(EthernetLink.Station, Timeline, String)}). The delay is never
 * below {@link #MIN_DELAY_NANOS}, which is what lets machines that each have their own clock run in steps of that
 * length and still never receive a frame in their past.
 *
 * <p>A delivery to another machine's clock goes through {@link Timeline#post}, not {@link Timeline#schedule}: under
 * the free scheduler a NIC transmits from its machine's timer thread, holding that machine's kernel lock, and
 * scheduling takes the destination's lock; two machines sending to each other at once would each wait for the
 * other's. A post puts the delivery on the destination's lock-free queue, which its timer thread drains (in order:
 * a burst never overtakes an earlier one of the same sender at the same instant). Under the deterministic
 * scheduler a post is a schedule: deliveries stay synchronous and in order, and the run a function of its seed.
 *
 * <p>Cables: each station's cable can be pulled and put back ({@link Port#setCable}); the station hears a carrier
 * change, and frames to or from it are lost meanwhile.
 */
public final class Lan {
    /** The shortest delay a frame takes across the LAN: 10 us, a few switch hops. */
    public static final long MIN_DELAY_NANOS = 10_000;

    /** What the LAN does with a frame. */
    public enum Kind {
        /** Every frame to every other station. */
        HUB,
        /** A frame to the station its destination address was last seen at; broadcasts and strangers flooded. */
        SWITCH
    }

    /**
     * What goes wrong on the wire, each a probability in [0, 1] except the delay.
     *
     * @param delayNanos how long a frame takes, at least {@link #MIN_DELAY_NANOS}
     */
    public record Impairments(double loss, long delayNanos, double duplicate, double reorder) {
        /** A good wire: nothing lost, 10 us. */
        public static final Impairments NONE = new Impairments(0, MIN_DELAY_NANOS, 0, 0);

        /** Checks the ranges. */
        public Impairments {
            check("loss", loss);
            check("duplicate", duplicate);
            check("reorder", reorder);
            if (delayNanos < MIN_DELAY_NANOS) {
                throw new IllegalArgumentException("a LAN delay is at least " + MIN_DELAY_NANOS / 1000 + " us");
            }
        }

        private static void check(String what, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(what + " must be a probability from 0 to 1, not " + p);
            }
        }
    }

    /** Sees every frame a station puts on the wire, with the sender's time: a capture file. */
    public interface Tap {
        /** A station joined; {@code index} numbers it in this LAN from 0, {@code label} names it for people. */
        void joined(Lan lan, int index, String label);

        void frame(Lan lan, int index, long timeNanos, byte[] frame);
    }

    private final String name;
    private final Kind kind;
    private final Timeline defaultClock;
    private final SplittableRandom random;
    private final List<Port> ports = new ArrayList<>();
    private final Map<Long, Port> learned = new HashMap<>();
    private final List<Tap> taps = new ArrayList<>();
    private volatile Impairments impairments = Impairments.NONE;
    private long lost;
    private long duplicated;

    /**
     * @param clock the clock of stations plugged in with {@link #attach}, and of built-in services
     * @param seed  where the faults' draws come from: the run's seed, mixed with the LAN's name by the caller
     */
    public Lan(String name, Kind kind, Timeline clock, long seed) {
        this.name = name;
        this.kind = kind;
        this.defaultClock = clock;
        this.random = new SplittableRandom(seed);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public Impairments impairments() {
        return impairments;
    }

    /** Changes what goes wrong from now on. */
    public void impair(Impairments value) {
        impairments = value;
    }

    /** Adds a tap; it hears of every station there is and will be. */
    public synchronized void tap(Tap tap) {
        taps.add(tap);
        for (Port p : ports) {
            tap.joined(this, p.index, p.label);
        }
    }

    /** Frames the faults dropped, and those they duplicated, so far. */
    public synchronized long lost() {
        return lost;
    }

    public synchronized long duplicated() {
        return duplicated;
    }

    /** Labels of the stations, in the order they joined. */
    public synchronized List<String> stations() {
        return ports.stream().map(p -> p.label).toList();
    }

    /** Plugs a station on the LAN's own clock in (a built-in service). */
    public Port plug(EthernetLink.Station station, String label) {
        return plug(station, defaultClock, label);
    }

    /** Plugs in a station of the machine whose clock is {@code clock}, named {@code label} in captures. */
    public synchronized Port plug(EthernetLink.Station station, Timeline clock, String label) {
        Port p = new Port(ports.size(), station, clock, label);
        ports.add(p);
        for (Tap t : taps) {
            t.joined(this, p.index, label);
        }
        return p;
    }

    /** Pulls every station's cable ({@code plugged} false) or puts them all back: the whole LAN down or up. */
    public void setCables(boolean plugged) {
        List<Port> all;
        synchronized (this) {
            all = List.copyOf(ports);
        }
        all.forEach(p -> p.setCable(plugged));
    }

    /** A station's socket on the LAN, with its cable. */
    public final class Port implements EthernetLink.Attachment {
        final int index;
        final EthernetLink.Station station;
        final Timeline clock;
        final String label;
        private volatile boolean attached = true;
        private volatile boolean cable = true;

        Port(int index, EthernetLink.Station station, Timeline clock, String label) {
            this.index = index;
            this.station = station;
            this.clock = clock;
            this.label = label;
        }

        @Override
        public void transmit(byte[] frame) {
            send(this, List.of(frame));
        }

        @Override
        public void transmit(List<byte[]> frames) {
            send(this, frames);
        }

        @Override
        public boolean up() {
            return attached && cable;
        }

        @Override
        public void detach() {
            attached = false;
            synchronized (Lan.this) {
                learned.values().removeIf(p -> p == this);
            }
        }

        /** Plugs the cable in or pulls it; the station hears the carrier change. */
        public void setCable(boolean plugged) {
            if (cable == plugged) {
                return;
            }
            cable = plugged;
            if (attached) {
                station.linkChanged(plugged);
            }
        }

        public String label() {
            return label;
        }
    }

    /**
     * A burst from one station: every frame is tapped and drawn for, in order, as if sent alone; then what reaches a
     * destination at one instant is delivered there in one go, so its NIC hears the burst as one.
     */
    private void send(Port from, List<byte[]> frames) {
        if (!from.up()) {
            return;
        }
        long now = from.clock.now();
        Map<Port, List<Arrival>> arrivals = new LinkedHashMap<>();
        synchronized (this) {
            Impairments imp = impairments;
            for (byte[] frame : frames) {
                if (frame.length < 14) {
                    continue;
                }
                for (Tap t : taps) {
                    t.frame(this, from.index, now, frame);
                }
                long source = mac(frame, 6);
                if (kind == Kind.SWITCH && (source >>> 40 & 1) == 0) {
                    learned.put(source, from);
                }
                Port only = kind == Kind.SWITCH && (frame[0] & 1) == 0 ? learned.get(mac(frame, 0)) : null;
                for (Port to : ports) {
                    if (to == from || !to.up() || only != null && to != only) {
                        continue;
                    }
                    if (imp.loss() > 0 && random.nextDouble() < imp.loss()) {
                        lost++;
                        continue;
                    }
                    long delay = imp.delayNanos();
                    if (imp.reorder() > 0 && random.nextDouble() < imp.reorder()) {
                        delay += random.nextLong(1, 3 * imp.delayNanos() + 1);
                    }
                    List<Arrival> list = arrivals.computeIfAbsent(to, p -> new ArrayList<>());
                    list.add(new Arrival(now + delay, frame));
                    if (imp.duplicate() > 0 && random.nextDouble() < imp.duplicate()) {
                        duplicated++;
                        list.add(new Arrival(now + delay + MIN_DELAY_NANOS, frame));
                    }
                }
            }
        }
        arrivals.forEach((to, list) -> deliver(from, to, list));
    }

    private record Arrival(long at, byte[] frame) {
    }

    /**
     * Schedules one delivery for each run of frames to {@code to} that arrive at the same instant: on the sender's
     * own clock directly, on another machine's by {@link Timeline#post} (see the class comment).
     */
    private static void deliver(Port from, Port to, List<Arrival> list) {
        for (int i = 0; i < list.size(); ) {
            long at = list.get(i).at();
            List<byte[]> burst = new ArrayList<>();
            for (; i < list.size() && list.get(i).at() == at; i++) {
                burst.add(list.get(i).frame());
            }
            Runnable delivery = () -> {
                if (to.up()) {
                    // Not copied: stations only read what they receive (EthernetLink.Station), and the sender
                    // gave the array up when it transmitted it.
                    to.station.receive(burst);
                }
            };
            if (to.clock == from.clock) {
                to.clock.schedule(at, delivery);
            } else {
                to.clock.post(at, delivery);
            }
        }
    }

    private static long mac(byte[] frame, int at) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | frame[at + i] & 0xff;
        }
        return v;
    }
}
