package org.microsim.abi;

/**
 * Bulk data lent with a call, as Hubris leases: the caller lends a buffer for exactly the length of the
 * call; the server reads or writes it through {@link Sys#leaseRead} and {@link Sys#leaseWrite}, bounded by
 * the window and the rights. When the call ends (reply, timeout, death) the lease is revoked.
 *
 * <pre>
 *   client byte[] ──Lease.Buffer──▶ server A ──Lease.Forward(window)──▶ server B
 *        ▲                                                                  │
 *        └───────────────── leaseWrite copies straight into it ─────────────┘
 * </pre>
 */
public sealed interface Lease {
    /** The length of the window in bytes. */
    long size();

    boolean readable();

    boolean writable();

    /** The caller's own memory. */
    record Buffer(byte[] buffer, int offset, int length, boolean readable, boolean writable) implements Lease {
        public Buffer {
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.length - length) {
                throw new IllegalArgumentException("lease window outside its buffer");
            }
        }

        @Override
        public long size() {
            return length;
        }
    }

    /**
     * Passes on (a window of) a lease this task received with a call it has not answered yet; rights can only
     * narrow. Lets partd hand the VFS's buffer straight to ahci without a copy.
     */
    record Forward(ReplyRight from, long offset, long length, boolean readable, boolean writable) implements Lease {
        @Override
        public long size() {
            return length;
        }
    }

    /** Lends {@code buffer} for the server to read (a write request). */
    static Lease readOnly(byte[] buffer) {
        return new Buffer(buffer, 0, buffer.length, true, false);
    }

    /** Lends {@code buffer} for the server to fill (a read request). */
    static Lease writeOnly(byte[] buffer, int offset, int length) {
        return new Buffer(buffer, offset, length, false, true);
    }

    static Lease writeOnly(byte[] buffer) {
        return writeOnly(buffer, 0, buffer.length);
    }
}
