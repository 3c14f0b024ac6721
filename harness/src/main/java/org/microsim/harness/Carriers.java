package org.microsim.harness;

/**
 * How many carrier threads run the JVM's virtual threads (the tasks), chosen once per process, before its
 * first virtual thread starts, by the scheduler the process runs. The deterministic scheduler runs one task
 * at a time, so one carrier is all it can use; a second, idle one costs every hand-off between tasks a
 * wake-up of that carrier (a system call inside the JDK's pool) and often a move of the task to the other
 * core. On this project's 2-core machines one carrier doubled the deterministic switch rate
 * (SchedulerSwitchBench: 0.98 and 1.14 M switches/s, against 0.44 and 0.47 M/s with the default). The free
 * scheduler keeps the JDK's default, a carrier per core. A process that runs both (the test suite) keeps it
 * too.
 */
public final class Carriers {
    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private Carriers() {
    }

    /**
     * For a process that runs deterministic machines only: one carrier, unless the JVM was told a number. Has
     * no effect once a virtual thread has started.
     */
    public static void forDeterministicMachines() {
        forDeterministicMachines(1);
    }

    /**
     * For a process that runs {@code machines} deterministic machines side by side ({@code sim check --jobs N}):
     * one carrier each, unless the JVM was told a number. Has no effect once a virtual thread has started.
     */
    public static void forDeterministicMachines(int machines) {
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(PARALLELISM, Integer.toString(machines));
        }
    }
}
