package org.microsim.abi;

/** What a server sees of a lease that came with a call: its size and rights, never the memory itself. */
public record LeaseInfo(long length, boolean readable, boolean writable) {
}
