package org.microsim.harness.bench;

import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.harness.Carriers;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.SchedulerMode;
import org.microsim.services.demo.Echo;

/**
 * Task switches per second of the deterministic scheduler: clients calling an echo server, each call and
 * reply handing the one CPU to another task. Goal: >= 500,000 switches per second.
 * Arguments: [calls per client, default 100000] [clients, default 2].
 */
public final class SchedulerSwitchBench {
    private SchedulerSwitchBench() {
    }

    public static void main(String[] args) {
        Carriers.forDeterministicMachines(); // as sim does for a deterministic machine
        int calls = Measure.intArg(args, 0, 100_000);
        int clients = Measure.intArg(args, 1, 2);
        long[] switches = new long[1];
        long nanos = Measure.median(5, () -> {
            ProgramCatalog programs = new ProgramCatalog().add("echo", "", Echo::new).add("client", "", () -> sys -> {
                Handle echo = sys.lookup(Echo.PORT, Duration.ofSeconds(5)).orThrow();
                Message ping = Message.of(Echo.ECHO, new byte[64]);
                for (int i = 0; i < calls; i++) {
                    sys.call(echo, ping, Duration.ofSeconds(5)).orThrow();
                }
            });
            try (Kernel k = Kernel.builder().seed(7).programs(programs).trace(false, 0).build()) {
                k.spawn("echo", "echo", new byte[0], false).orThrow();
                for (int c = 0; c < clients; c++) {
                    k.spawn("client", "client" + c, new byte[0], false).orThrow();
                }
                long start = System.nanoTime();
                k.settle();
                long elapsed = System.nanoTime() - start;
                switches[0] = k.switches();
                return elapsed;
            }
        });
        System.out.printf("deterministic scheduler, %d clients x %,d calls: %,d switches%n", clients, calls,
                switches[0]);
        System.out.printf("task switches per second: %s (goal >= 500,000/s)%n", Measure.perSecond(switches[0], nanos));
    }
}
