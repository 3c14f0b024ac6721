package org.microsim.kernel;

/** Where a task is in its life, as {@code ps} shows it. */
public enum TaskState {
    /** Runnable or running. */
    READY,
    /** Waiting in a system call. */
    BLOCKED,
    /** Returned from its program. */
    EXITED,
    /** A Throwable escaped its program, or a crash was injected. */
    CRASHED,
    /** Ended by a kill. */
    KILLED;

    public boolean alive() {
        return this == READY || this == BLOCKED;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
