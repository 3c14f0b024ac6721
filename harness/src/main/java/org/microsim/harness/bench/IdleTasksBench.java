package org.microsim.harness.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.microsim.abi.Handle;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Sys;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.SchedulerMode;

/**
 * 100,000 idle tasks, each owning a port and blocked in receive: heap per task after GC (goal <= 8 KiB) and
 * the time to spawn them and let each reach its receive. Arguments: [tasks, default 100000].
 */
public final class IdleTasksBench {
    private IdleTasksBench() {
    }

    public static void main(String[] args) {
        int n = Measure.intArg(args, 0, 100_000);
        ProgramCatalog programs = new ProgramCatalog().add("idle", "", () -> sys -> {
            Handle port = sys.registerPort(PortInfo.of(sys.start().taskName(), PortClass.SERVICE, 0),
                    new PortOptions(4, false)).orThrow();
            sys.receive(Sys.FOREVER, port).orThrow();
        });
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (SchedulerMode mode : SchedulerMode.values()) {
            long before = usedAfterGc(memory);
            try (Kernel k = Kernel.builder().mode(mode).programs(programs).trace(false, 0).build()) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    k.spawn("idle", "idle-" + i, new byte[0], false).orThrow();
                }
                k.settle();
                long elapsed = System.nanoTime() - start;
                long after = usedAfterGc(memory);
                long ports = k.ports().size();
                System.out.printf("%s: %,d tasks (%,d ports) spawned and blocked in %.2f s (%.1f us per task)%n",
                        mode, n, ports, elapsed / 1e9, elapsed / 1e3 / n);
                System.out.printf("%s: heap per idle task after GC: %.2f KiB (goal <= 8 KiB)%n", mode,
                        (after - before) / 1024.0 / n);
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
