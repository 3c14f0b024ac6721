package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.WorldRig.ANSWERED;
import static org.microsim.kernel.WorldRig.ask;
import static org.microsim.kernel.WorldRig.lan;
import static org.microsim.kernel.WorldRig.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.ErrorCode;
import org.microsim.kernel.WorldRig.Arrival;
import org.microsim.kernel.WorldRig.Node;
import org.microsim.kernel.machine.Lan;

/** Several kernels joined by a LAN, run together by a {@link World}. */
class WorldTest {
    private static final long DELAY = 50_000;
    private static final Lan.Impairments WIRE = new Lan.Impairments(0, DELAY, 0, 0);

    /**
     * Everything a run of {@code kernels} chattering machines shows: each machine's arrivals, trace fingerprint and
     * event count, then every frame the LAN saw. Fails if a frame was delivered in a machine's past, or sooner than
     * the LAN's delay after it was sent.
     */
    static List<String> run(long seed, int kernels, Lan.Impairments impairments, int chatter) {
        Lan lan = lan(seed, impairments);
        List<String> seen = new ArrayList<>();
        lan.tap(new Lan.Tap() {
            @Override
            public void joined(Lan l, int index, String label) {
            }

            @Override
            public void frame(Lan l, int index, long timeNanos, byte[] frame) {
                seen.add(index + "@" + timeNanos + ":" + Arrays.hashCode(frame));
            }
        });
        List<Node> nodes = new ArrayList<>();
        try (World world = new World(Lan.MIN_DELAY_NANOS)) {
            for (int i = 0; i < kernels; i++) {
                Node n = node(seed * 31 + i, SchedulerMode.DETERMINISTIC, lan, "m" + i, chatter);
                nodes.add(n);
                world.join(n.kernel());
            }
            world.settle(Kernel.DEFAULT_QUIET, Kernel.DEFAULT_SETTLE_LIMIT);
            List<String> out = new ArrayList<>();
            for (Node n : nodes) {
                assertEquals(List.of(), n.late(), "frames delivered in a machine's past");
                for (Arrival x : n.card().arrivals()) {
                    assertTrue(x.receivedAt() - x.sentAt() >= impairments.delayNanos(), String.valueOf(x));
                    out.add(x.toString());
                }
                out.add(Long.toHexString(n.kernel().trace().fingerprint()) + "/" + n.kernel().trace().count());
            }
            out.addAll(seen);
            return out;
        }
    }

    /** Deterministic machines of seeds 1, 2, ... on one LAN with a 50 us wire, each chattering so many times. */
    private static Node[] machines(int... chatter) {
        Lan lan = lan(3, WIRE);
        Node[] nodes = new Node[chatter.length];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = node(i + 1, SchedulerMode.DETERMINISTIC, lan, String.valueOf((char) ('a' + i)), chatter[i]);
        }
        return nodes;
    }

    /** A world of the machines' kernels, joined in order. */
    private static World world(Node... nodes) {
        return world(Arrays.stream(nodes).map(Node::kernel).toArray(Kernel[]::new));
    }

    private static World world(Kernel... kernels) {
        World world = new World(Lan.MIN_DELAY_NANOS);
        for (Kernel k : kernels) {
            world.join(k);
        }
        return world;
    }

    @Test
    void theSameSeedGivesTheSameTracesAndTheSameFrames() {
        List<String> first = run(7, 2, WIRE, 20);
        assertEquals(first, run(7, 2, WIRE, 20));
        assertTrue(first.size() > 2 + 40, "chatter and answers were on the wire: " + first.size());
        assertNotEquals(first, run(8, 2, WIRE, 20), "another seed, other sleeps, other times");
    }

    @Test
    void aFrameArrivesExactlyOneDelayAfterItWasSentNeverInThePast() {
        Node[] ab = machines(10, 10);
        Node a = ab[0], b = ab[1];
        try (World world = world(ab)) {
            world.settle(Kernel.DEFAULT_QUIET, Kernel.DEFAULT_SETTLE_LIMIT);
            for (Node n : List.of(a, b)) {
                List<Arrival> arrivals = n.card().arrivals();
                // 10 chatter frames from the other machine, and the answers to its own 10.
                assertEquals(20, arrivals.size());
                for (Arrival x : arrivals) {
                    assertEquals(x.sentAt() + DELAY, x.receivedAt(), String.valueOf(x));
                }
                assertEquals(List.of(), n.late());
            }
        }
    }

    /** The check above can fail: a machine run on its own ahead of the other gets the other's frames late. */
    @Test
    void withoutTheWorldAMachineRunAheadGetsFramesInItsPast() {
        Node[] ab = machines(10, 10);
        Node a = ab[0], b = ab[1];
        try (Kernel ka = a.kernel(); Kernel kb = b.kernel()) {
            a.kernel().advance(Duration.ofSeconds(1));
            b.kernel().advance(Duration.ofSeconds(1));
            a.kernel().settle();
            assertFalse(a.late().isEmpty(), "b's chatter reached a after a had run on");
            assertTrue(a.card().arrivals().stream().anyMatch(x -> x.receivedAt() > x.sentAt() + DELAY));
        }
    }

    @Test
    void anIdleWorldWaitsAMinuteInAFewSteps() {
        Node[] ab = machines(0, 0);
        Node a = ab[0], b = ab[1];
        try (World world = world(ab)) {
            world.settle(Kernel.DEFAULT_QUIET, Kernel.DEFAULT_SETTLE_LIMIT);
            long steps = world.steps();
            long start = a.kernel().now();
            world.advance(Duration.ofSeconds(60));
            assertEquals(start + 60_000_000_000L, a.kernel().now());
            assertEquals(a.kernel().now(), b.kernel().now());
            // Both nodes wait for interrupts forever: nothing to do, and one step covers the minute
            // (in steps of the lookahead it would take six million).
            assertTrue(world.steps() - steps <= 2, "steps: " + (world.steps() - steps));
        }
    }

    @Test
    void aWorldWithATimerEverySecondTakesAStepOrTwoPerTimer() {
        ProgramCatalog ticker = new ProgramCatalog().add("tick", "", () -> sys -> {
            for (int i = 0; i < 60; i++) {
                sys.sleep(Duration.ofSeconds(1)).orThrow();
                sys.log("tick " + i);
            }
        });
        Kernel a = TestKernels.kernel(1, SchedulerMode.DETERMINISTIC, ticker);
        Kernel b = TestKernels.kernel(2, SchedulerMode.DETERMINISTIC, ticker);
        try (World world = world(a, b)) {
            a.spawn("tick", "tick", new byte[0], false).orThrow();
            b.spawn("tick", "tick", new byte[0], false).orThrow();
            world.advance(Duration.ofSeconds(61));
            assertEquals(61_000_000_000L, a.now());
            assertEquals(61_000_000_000L, b.now());
            for (Kernel k : List.of(a, b)) {
                assertEquals(60, k.trace().events().stream().filter(e -> e.kind() == TraceEvent.Kind.LOG).count());
            }
            assertTrue(world.steps() <= 2 * 61 + 2, "steps: " + world.steps());
        }
    }

    @Test
    void aConsoleCallWhoseAnswerTakesTheOtherMachineCompletes() {
        Node[] ab = machines(0, 0);
        Node a = ab[0], b = ab[1];
        try (World world = world(ab)) {
            world.settle(Kernel.DEFAULT_QUIET, Kernel.DEFAULT_SETTLE_LIMIT);
            long before = a.kernel().now();
            assertEquals(7 + ANSWERED, ask(a.kernel(), 7, Duration.ofSeconds(5)));
            // There and back, and b's thinking: the answer came from b, in virtual time.
            long took = a.kernel().now() - before;
            assertTrue(took >= 2 * DELAY + WorldRig.THINK.toNanos(), "took " + took);
            assertEquals(a.kernel().now(), b.kernel().now(), "the console's wait ran both machines");
            assertEquals(List.of(), a.late());
            assertEquals(List.of(), b.late());
        }
    }

    /** The same call, kernels not in a world: the console's wait runs only a, and b never answers. */
    @Test
    void withoutTheWorldTheSameConsoleCallTimesOut() {
        Node[] ab = machines(0, 0);
        Node a = ab[0], b = ab[1];
        try (Kernel ka = a.kernel(); Kernel kb = b.kernel()) {
            a.kernel().settle();
            b.kernel().settle();
            assertEquals(ErrorCode.TIMED_OUT, ask(a.kernel(), 7, Duration.ofSeconds(1)));
        }
    }

    @Test
    void settleReturnsWhenEveryMachineIsQuietAndKernelSettleSettlesTheWorld() {
        Node[] ab = machines(5, 0);
        Node a = ab[0], b = ab[1];
        try (World world = world(ab)) {
            // Settling b alone would leave a's chatter unsent: b's settle is the world's.
            b.kernel().settle();
            assertEquals(5, b.card().arrivals().size(), "a's chatter reached b");
            assertEquals(5, a.card().arrivals().size(), "b's answers reached a");
            assertEquals(a.kernel().now(), b.kernel().now());
            long quiet = Kernel.DEFAULT_QUIET.toNanos();
            for (Node n : List.of(a, b)) {
                long next = ((DeterministicScheduler) n.kernel().scheduler).nextEventTime();
                assertTrue(next - n.kernel().now() > quiet, "nothing due within the quiet window");
            }
            long steps = world.steps();
            world.settle(Kernel.DEFAULT_QUIET, Kernel.DEFAULT_SETTLE_LIMIT);
            assertEquals(steps, world.steps(), "a quiet world settles at once");
        }
    }

    @Test
    void settleStopsAtItsLimitWhenTheWorldNeverQuietens() {
        ProgramCatalog busy = new ProgramCatalog().add("busy", "", () -> sys -> {
            while (true) {
                sys.sleep(Duration.ofMillis(10)).orThrow();
            }
        });
        Kernel a = TestKernels.kernel(1, SchedulerMode.DETERMINISTIC, busy);
        Kernel b = TestKernels.kernel(2, SchedulerMode.DETERMINISTIC, new ProgramCatalog());
        try (World world = world(a, b)) {
            a.spawn("busy", "busy", new byte[0], false).orThrow();
            world.settle(Duration.ofMillis(100), Duration.ofSeconds(1));
            assertEquals(1_000_000_000L, a.now());
            assertEquals(a.now(), b.now());
        }
    }

    @Test
    void advanceMovesEveryClockToTheSameTime() {
        Node[] abc = machines(3, 3, 3);
        Node a = abc[0], b = abc[1], c = abc[2];
        try (World world = world(abc)) {
            long start = a.kernel().now();
            world.advance(Duration.ofNanos(1_234_567));
            for (Node n : List.of(a, b, c)) {
                assertEquals(start + 1_234_567, n.kernel().now());
            }
            a.kernel().advance(Duration.ofMillis(50));
            for (Node n : List.of(a, b, c)) {
                assertEquals(start + 51_234_567, n.kernel().now(), "a kernel's advance is the world's");
                assertEquals(List.of(), n.late());
            }
            assertEquals(List.of(a.kernel(), b.kernel(), c.kernel()), world.kernels());
        }
    }

    @Test
    void aNewcomerIsBroughtUpToTheWorldsTimeAndALateWorldToTheNewcomers() {
        try (World world = new World(Lan.MIN_DELAY_NANOS)) {
            Kernel a = TestKernels.kernel(new ProgramCatalog());
            a.advance(Duration.ofMillis(5));
            world.join(a);
            Kernel b = TestKernels.kernel(new ProgramCatalog());
            world.join(b);
            assertEquals(5_000_000L, b.now());
            Kernel c = TestKernels.kernel(new ProgramCatalog());
            c.advance(Duration.ofMillis(7));
            world.join(c);
            assertEquals(List.of(7_000_000L, 7_000_000L, 7_000_000L),
                    world.kernels().stream().map(Kernel::now).toList());
            assertThrows(IllegalArgumentException.class, () -> world.join(a), "in the world already");
            try (Kernel free = TestKernels.kernel(1, SchedulerMode.FREE, new ProgramCatalog())) {
                assertThrows(IllegalArgumentException.class, () -> world.join(free), "another scheduler");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new World(0));
    }

    /** Free kernels run on their own threads: the world aligns their clocks and settles each in turn. */
    @Test
    void freeKernelsShareOneTimeBaseAndAnswerEachOther() throws InterruptedException {
        Lan lan = lan(3, WIRE);
        Node a = node(1, SchedulerMode.FREE, lan, "a", 0);
        Thread.sleep(30); // b boots later: its clock would show 30 ms less than a's
        Node b = node(2, SchedulerMode.FREE, lan, "b", 0);
        try (World world = new World(Lan.MIN_DELAY_NANOS)) {
            world.join(a.kernel());
            long aBefore = a.kernel().now();
            world.join(b.kernel());
            assertTrue(b.kernel().now() >= aBefore, "b counts from a's boot");
            world.settle(Kernel.DEFAULT_QUIET, Kernel.DEFAULT_SETTLE_LIMIT);
            assertEquals(7 + ANSWERED, ask(a.kernel(), 7, Duration.ofSeconds(20)));
            long start = b.kernel().now();
            world.advance(Duration.ofMillis(20));
            assertTrue(b.kernel().now() - start >= 20_000_000L);
        }
    }
}
