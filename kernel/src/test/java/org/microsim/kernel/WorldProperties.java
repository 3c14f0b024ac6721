package org.microsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.microsim.kernel.machine.Lan;

/**
 * Random worlds: two or three machines chattering over one LAN with random faults and delays (every delay at
 * least the world's lookahead). No frame ever reaches a machine in its past or sooner than the delay after it was
 * sent (checked in {@link WorldTest#run}), and the same seeds replay every trace and every frame exactly.
 */
class WorldProperties {
    @Property(tries = 60)
    void framesNeverArriveInThePastAndTheSameSeedReplaysEverything(
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 2, max = 3) int kernels,
            @ForAll @IntRange(min = 1, max = 8) int chatter,
            @ForAll @LongRange(min = Lan.MIN_DELAY_NANOS, max = 300_000) long delay,
            @ForAll @DoubleRange(min = 0, max = 0.3) double loss,
            @ForAll @DoubleRange(min = 0, max = 0.3) double duplicate,
            @ForAll @DoubleRange(min = 0, max = 0.5) double reorder) {
        Lan.Impairments impairments = new Lan.Impairments(loss, delay, duplicate, reorder);
        List<String> first = WorldTest.run(seed, kernels, impairments, chatter);
        assertEquals(first, WorldTest.run(seed, kernels, impairments, chatter));
    }
}
