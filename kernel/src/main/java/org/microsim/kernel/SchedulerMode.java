package org.microsim.kernel;

/** How tasks take turns. Both run the same kernel code for IPC; only the choice of who runs next differs. */
public enum SchedulerMode {
    /** One task at a time, switches at system calls chosen by a seeded PRNG, virtual time: reproducible. */
    DETERMINISTIC,
    /** Tasks in parallel on real threads, virtual time follows the wall clock: fast, finds real races. */
    FREE
}
