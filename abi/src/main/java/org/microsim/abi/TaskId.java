package org.microsim.abi;

/**
 * A task's identity: a slot index and a generation. A restarted service keeps its slot and gets the next
 * generation (as Hubris does), so a message or handle meant for the old incarnation is never mistaken for
 * the new one. Printed as {@code index.generation}.
 */
public record TaskId(int index, int generation) {
    /** The kernel itself, as the sender of notifications and replies to privileged requests. */
    public static final TaskId KERNEL = new TaskId(0, 0);
    /** The console (the person at the keyboard, or a scenario) when it calls a task through the kernel. */
    public static final TaskId CONSOLE = new TaskId(0, 1);

    public TaskId next() {
        return new TaskId(index, generation + 1);
    }

    /** The u64 wire form: generation in the high half. */
    public long pack() {
        return (long) generation << 32 | (index & 0xffffffffL);
    }

    public static TaskId unpack(long packed) {
        return new TaskId((int) packed, (int) (packed >>> 32));
    }

    @Override
    public String toString() {
        return index + "." + generation;
    }
}
