package org.microsim.kernel;

import static org.microsim.kernel.DeterministicScheduler.saturatedAdd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Several simulated machines, each its own {@link Kernel} (own tasks, own scheduler, own virtual clock), run as
 * one simulation: their clocks stay together, and on the deterministic scheduler the whole run stays a pure
 * function of the seeds, every kernel's trace and the order of every frame on the LANs between them included.
 *
 * <h2>Why the clocks must be held together</h2>
 * A LAN stamps a frame with its sender's clock and delivers it on the destination's clock at that time plus a
 * delay; a destination whose clock had already run past that moment would get the frame in its past (its timeline
 * runs a callback for a past time at once, late). So no kernel may run ahead of the others by more than the
 * shortest delay a frame can take: the lookahead ({@code Lan.MIN_DELAY_NANOS}, which every LAN's delay is at least).
 * This is conservative parallel discrete-event simulation in its synchronous form (Chandy-Misra-Bryant's safety
 * argument, run in global windows as YAWNS and dist-gem5's synchronisation quantum do), with the kernels run one
 * after another rather than in parallel, because that order is what makes the run reproducible.
 *
 * <h2>One step (deterministic scheduler)</h2>
 * Between steps every kernel's clock shows the world's time T. A step asks every kernel when something next
 * happens there (a runnable task: now; else its earliest timer, a frame in flight included, since a LAN schedules
 * its delivery on the destination's timeline when the frame is sent) and takes the earliest, N. Nothing happens
 * anywhere before N, so the step runs every kernel, one after another in join order, up to E = N + lookahead
 * (or the caller's end, if sooner). A frame sent during the step leaves at t >= N and lands at t + delay >= E:
 * a kernel that already ran to E finds it at its clock or later, never before.
 *
 * <pre>
 *   T ··(nothing anywhere: skipped)·· N ─────────── lookahead ───────────▶ E
 *   kernel A (1st)                    [tasks and timers up to E] ── frame sent at t ─┐
 *   kernel B (2nd)                    [tasks and timers up to E]                     │ lands at t + delay >= E
 *   kernel C (3rd)                    [tasks and timers up to E]                     ▼ (a later step, or at E)
 *   then T = E, and again, until the target time, or until every kernel is quiet at once (settle)
 * </pre>
 *
 * An idle stretch is skipped in one step: when the earliest event is 60 s away, that step ends at 60 s plus the
 * lookahead, so an idle world waits a minute of virtual time as cheaply as one kernel does. One thread runs at a
 * time in the whole world (the harness's, or one task of one kernel), each kernel draws its choices from its own
 * seeded PRNG, and the kernels take their turns in a fixed order: so the LANs see the frames, and draw their faults,
 * in the same order every time.
 *
 * <h2>Settle and the console</h2>
 * {@link #settle} means what {@link Kernel#settle} means, for all kernels at once: it returns when no kernel has a
 * runnable task and none has a timer within {@code quiet}, at the same time T (or when the limit passed). Clocks
 * stop at step ends: after a settle, every clock shows the end of the step in which the last event happened, up to
 * one lookahead later than a lone kernel's clock would. {@link Kernel#settle} and {@link Kernel#advance} of a kernel
 * in a world run the whole world, and so does a console call that waits ({@link Scheduler#block}): its answer may
 * need another machine to act, and on the deterministic scheduler nothing else would run that machine.
 *
 * <h2>Free scheduler</h2>
 * Free kernels run their tasks on their own threads in real time and their clocks follow the wall clock; there is
 * nothing to hold in step. Joining aligns the clocks to one time base (the earliest boot among them), so frames
 * land at their intended moment; {@link #settle} and {@link #advance} do each kernel's settle and advance in turn
 * (once each: a kernel settled early in the round may be busy again by its end, as anything free may be), and a
 * console call waits as it does without a world (the other machines are running anyway). A frame crosses from
 * one kernel to another by {@link Timeline#post}: the sender's timer thread, holding its own kernel's lock, puts
 * it on the destination's lock-free queue, and the destination's timer thread delivers it at its time; no thread
 * ever holds two kernels' locks, so machines sending to each other at once cannot deadlock.
 *
 * <pre>
 *   kernel A: timer thread ─(A's lock)─ NIC ─▶ LAN ─▶ post ─▶ [B's queue] ─▶ B's timer thread ─(B's lock)─ NIC
 *   kernel B: timer thread ─(B's lock)─ NIC ─▶ LAN ─▶ post ─▶ [A's queue] ─▶ A's timer thread ─(A's lock)─ NIC
 * </pre>
 *
 * <p>A world is the harness's, like a kernel's harness methods: use it from one thread.
 */
public final class World implements AutoCloseable {
    private final long lookahead;
    private final List<Kernel> kernels = new ArrayList<>();
    /** The time every kernel's clock shows between steps (deterministic scheduler). */
    private long now;
    private long steps;

    /**
     * @param lookaheadNanos the shortest delay of any LAN between the kernels (pass {@code Lan.MIN_DELAY_NANOS}):
     *                       how far the kernels may run apart
     */
    public World(long lookaheadNanos) {
        if (lookaheadNanos <= 0) {
            throw new IllegalArgumentException("the lookahead must be positive, not " + lookaheadNanos);
        }
        this.lookahead = lookaheadNanos;
    }

    /**
     * Adds a kernel, of the same scheduler mode as those already in. A clock behind the others' is first brought
     * up to them (the newcomer runs alone until then, so plug its machine into a shared LAN only once it joined:
     * what it sent before would land in the others' past); a clock ahead makes the world run up to it first.
     */
    public void join(Kernel kernel) {
        if (kernel.scheduler.world != null) {
            throw new IllegalArgumentException("kernel " + kernel.seed() + " is in a world already");
        }
        if (!kernels.isEmpty() && kernel.mode() != kernels.getFirst().mode()) {
            throw new IllegalArgumentException("a world's kernels share one scheduler mode: "
                    + kernels.getFirst().mode() + ", not " + kernel.mode());
        }
        if (kernel.scheduler instanceof FreeScheduler clock) {
            for (Kernel k : kernels) {
                clock.alignClock((FreeScheduler) k.scheduler);
            }
            for (Kernel k : kernels) {
                ((FreeScheduler) k.scheduler).alignClock(clock);
            }
        } else if (kernels.isEmpty()) {
            now = kernel.now();
        } else if (kernel.now() > now) {
            run(kernel.now(), Long.MAX_VALUE);
        } else {
            kernel.scheduler.advance(now - kernel.now());
        }
        kernels.add(kernel);
        kernel.scheduler.world = this;
    }

    /** The kernels, in join order (the order they take their turns in). */
    public List<Kernel> kernels() {
        return Collections.unmodifiableList(kernels);
    }

    /** Runs every kernel until all are quiet at once: {@link Kernel#settle(Duration, Duration)} for the world. */
    public void settle(Duration quiet, Duration limit) {
        settle(quiet.toNanos(), limit.toNanos());
    }

    /** Runs every kernel until {@code duration} of virtual time has passed; all clocks then show the same time. */
    public void advance(Duration duration) {
        advance(duration.toNanos());
    }

    /** Closes every kernel, in join order. */
    @Override
    public void close() {
        kernels.forEach(Kernel::close);
    }

    /** True when the kernels run in lockstep (the deterministic scheduler); false for free kernels or none. */
    boolean lockstep() {
        return !kernels.isEmpty() && kernels.getFirst().scheduler instanceof DeterministicScheduler;
    }

    /** How many steps the world ran (deterministic scheduler): idle stretches cost one each. */
    long steps() {
        return steps;
    }

    void settle(long quietNanos, long maxNanos) {
        if (lockstep()) {
            run(saturatedAdd(now, maxNanos), quietNanos);
            return;
        }
        if (kernels.isEmpty()) {
            return;
        }
        // Free: every clock is the wall clock since the same boot, so the first one measures the time spent.
        Kernel first = kernels.getFirst();
        long start = first.now();
        for (Kernel k : kernels) {
            k.scheduler.settle(quietNanos, Math.max(0, maxNanos - (first.now() - start)));
        }
    }

    void advance(long nanos) {
        if (lockstep()) {
            run(saturatedAdd(now, nanos), Long.MAX_VALUE);
            return;
        }
        // Free: each clock goes on by itself; wait until every one has moved on by nanos (about nanos in all).
        long[] targets = kernels.stream().mapToLong(k -> saturatedAdd(k.now(), nanos)).toArray();
        for (int i = 0; i < targets.length; i++) {
            Kernel k = kernels.get(i);
            k.scheduler.advance(Math.max(0, targets[i] - k.now()));
        }
    }

    /**
     * Steps every kernel together until the world's time reaches {@code end}, or until nothing anywhere happens
     * within {@code quiet} of it (Long.MAX_VALUE: never quiet, as for advance). See the class comment.
     */
    private void run(long end, long quiet) {
        while (now < end) {
            long next = Long.MAX_VALUE;
            for (Kernel k : kernels) {
                next = Math.min(next, ((DeterministicScheduler) k.scheduler).nextEventTime());
            }
            next = Math.max(next, now);
            if (next - now > quiet) {
                return;
            }
            long stepEnd = Math.min(saturatedAdd(next, lookahead), end);
            for (Kernel k : kernels) {
                // A clock past the step end (a kernel closed on its own, which let its tasks unwind alone) only
                // runs what is due at its own time.
                k.scheduler.advance(Math.max(0, stepEnd - k.now()));
            }
            now = stepEnd;
            steps++;
        }
    }
}
