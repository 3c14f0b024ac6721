package org.microsim.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.microsim.harness.Carriers;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.SessionFactory;
import org.microsim.harness.check.Trial;

/**
 * What a campaign costs. Seeds per second of the demo machine's boot, a file workload and one crash of a file
 * system with the invariants checked after it (as {@code sim check} runs each seed, fsck included when the host
 * has it), on one thread (the baseline) and on two ({@code --jobs 2}). Then the virtual-to-wall time ratio of the
 * demo machine, idle (a long sleep) and under the file workload: how much faster than real time the simulation
 * runs (FoundationDB's simulator is about 10x). Arguments: [seeds per round, default 24].
 *
 * <p>Both rounds run in this process with two carrier threads, what {@code sim check --jobs 2} uses; a
 * {@code sim check} of one job uses one, which makes its single rate a little better than the baseline here.
 */
public final class CheckBench {
    private static final List<String> WORKLOAD = List.of(
            "append /vol/ahci0:disk0p2/LOG.TXT one", "append /vol/ahci0:disk1p1/LOG.TXT two",
            "write /vol/ahci0:disk0p2/STATE.TXT three", "append /vol/ahci0:disk0p2/LOG.TXT four", "sync",
            "append /vol/ahci0:disk1p1/LOG.TXT five", "crash fatfsd@ahci0:disk0p2",
            "append /vol/ahci0:disk0p2/LOG.TXT six", "cat /vol/ahci0:disk0p2/LOG.TXT");

    private CheckBench() {
    }

    public static void main(String[] args) throws Exception {
        Carriers.forDeterministicMachines(2);
        int seeds = Measure.intArg(args, 0, 24);
        List<String> scenario = new ArrayList<>(List.of("boot"));
        scenario.addAll(WORKLOAD);
        Trial trial = new Trial(SessionFactory.installed(), true);
        rate(trial, scenario, 1, 4, 1); // warm-up
        long single = rate(trial, scenario, 1, seeds, 1);
        long jobs2 = rate(trial, scenario, 1, seeds, 2);
        System.out.printf("demo boot + file workload + one crash + invariants, %d seeds a round%n", seeds);
        System.out.printf("single thread:  %.2f seeds/s (baseline)%n", seeds * 1e9 / single);
        System.out.printf("--jobs 2:       %.2f seeds/s = %.2fx the baseline%n", seeds * 1e9 / jobs2,
                (double) single / jobs2);

        try (BenchMachine m = new BenchMachine(MachineOptions.defaults())) {
            long v0 = m.virtualNanos();
            long wall = m.time("sleep", "600s");
            long idle = m.virtualNanos() - v0;
            System.out.printf("idle:           %.0f s of virtual time in %.3f s of wall time: %.0fx real time%n",
                    idle / 1e9, wall / 1e9, (double) idle / wall);
            workload(m, "10ms", "200 appends and 20 syncs, 10 ms apart");
            workload(m, "0ms", "200 appends and 20 syncs, back to back");
        }
    }

    private static void workload(BenchMachine m, String pause, String what) {
        long v0 = m.virtualNanos();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            m.run("append", "/vol/ahci0:disk0p2/LOAD.TXT", "line" + i);
            if (i % 10 == 9) {
                m.run("sync");
            }
            m.run("sleep", pause);
        }
        long wall = System.nanoTime() - start;
        long busy = m.virtualNanos() - v0;
        System.out.printf("file workload:  %.4f s of virtual time in %.3f s of wall time: %.2fx real time (%s)%n",
                busy / 1e9, wall / 1e9, (double) busy / wall, what);
    }

    /** Wall nanoseconds to run seeds first..first+count-1 of the scenario on {@code threads} threads. */
    private static long rate(Trial trial, List<String> scenario, long first, int count, int threads)
            throws InterruptedException {
        AtomicLong next = new AtomicLong(first);
        Runnable worker = () -> {
            for (long seed = next.getAndIncrement(); seed < first + count; seed = next.getAndIncrement()) {
                try {
                    Trial.Result result = trial.run(scenario, seed);
                    if (result.failed()) {
                        throw new IllegalStateException("seed " + seed + " broke " + result.violation().get());
                    }
                } catch (Trial.BadScenario e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        };
        long start = System.nanoTime();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().start(worker));
        }
        for (Thread thread : running) {
            thread.join();
        }
        return System.nanoTime() - start;
    }
}
