package org.microsim.abi;

/**
 * A task's reference to a port: an index into the calling task's own handle table, like a file descriptor.
 * Unforgeable by construction: the kernel only ever looks the number up in the caller's table, so a number
 * copied from another task (or out of message bytes) reaches nothing the caller was not given.
 */
public record Handle(int slot) {
    @Override
    public String toString() {
        return "h" + slot;
    }
}
