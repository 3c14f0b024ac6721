package org.microsim.kernel;

/**
 * The kernel's side of a lease: a window of the original caller's buffer, valid exactly while the call it
 * came with (and, for a forwarded lease, every call it was forwarded through) is still waiting. Revocation
 * is therefore implicit: nothing needs to be undone when a call ends.
 */
record LeaseGrant(CallRecord call, LeaseGrant parent, byte[] buffer, int base, int length, boolean readable,
                  boolean writable) {
    boolean valid() {
        return call.pending() && (parent == null || parent.valid());
    }
}
