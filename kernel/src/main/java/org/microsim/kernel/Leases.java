package org.microsim.kernel;

import org.microsim.abi.DmaBuffer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Lease;
import org.microsim.abi.ReplyRight;
import org.microsim.abi.Result;

/**
 * Leases: bulk data lent with a call, as Hubris does it. The caller lends a window of its own buffer for the
 * length of the call; the server reads and writes it through its reply right, and may forward a narrower
 * window of it with a call of its own. A lease is valid exactly while its call (and every call it was
 * forwarded through) waits, so revoking one needs no bookkeeping ({@link LeaseGrant#valid}).
 *
 * <pre>
 *   client byte[] ──Lease.Buffer──▶ server A ──Lease.Forward(window ⊆ A's, rights ⊆ A's)──▶ server B
 *        ▲                                                                                    │
 *        └──────────────────── leaseWrite copies straight into the client's buffer ◀──────────┘
 * </pre>
 *
 * Every copy is checked against the window and the rights, and goes straight between the buffer and the
 * server's array or DMA memory. Stateless; all of it runs with the kernel lock held.
 */
final class Leases {
    private Leases() {
    }

    /** The record of a new call, with its lease checked: a buffer of the caller's, or a window of one it holds. */
    static Result<CallRecord> newCall(Task t, Port p, long seq, Lease lease) {
        return switch (lease) {
            case null -> Result.ok(new CallRecord(seq, t, p, null, 0, 0, false, false, null));
            case Lease.Buffer b -> Result.ok(new CallRecord(seq, t, p, b.buffer(), b.offset(), b.length(), b.readable(),
                    b.writable(), null));
            case Lease.Forward f -> {
                CallRecord from = f.from() == null ? null : t.heldCall(f.from().id());
                if (from == null || from.lease == null || !from.lease.valid()) {
                    yield Result.err(ErrorCode.NO_CALLER, "no lease to forward: the call is not held or has none");
                }
                LeaseGrant parent = from.lease;
                if (f.offset() < 0 || f.length() < 0 || f.offset() > parent.length() - f.length()) {
                    yield Result.err(ErrorCode.INVALID_ARGUMENT, "forwarded window " + f.offset() + "+" + f.length()
                            + " is outside the " + parent.length() + "-byte lease");
                }
                if ((f.readable() && !parent.readable()) || (f.writable() && !parent.writable())) {
                    yield Result.err(ErrorCode.NO_RIGHT, "a forwarded lease cannot gain rights");
                }
                yield Result.ok(new CallRecord(seq, t, p, parent.buffer(), parent.base() + (int) f.offset(),
                        (int) f.length(), f.readable(), f.writable(), parent));
            }
        };
    }

    /** Copies {@code length} bytes of the lease, from {@code offset}, into {@code dst}. */
    static Result<Integer> read(Task t, ReplyRight right, long offset, byte[] dst, int dstOffset, int length) {
        if (dst == null || dstOffset < 0 || length < 0 || dstOffset > dst.length - length) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "destination range is outside the array");
        }
        return grant(t, right, offset, length, false).map(g -> {
            System.arraycopy(g.buffer(), g.base() + (int) offset, dst, dstOffset, length);
            return length;
        });
    }

    /** Copies {@code length} bytes of {@code src} into the lease, at {@code offset}. */
    static Result<Integer> write(Task t, ReplyRight right, long offset, byte[] src, int srcOffset, int length) {
        if (src == null || srcOffset < 0 || length < 0 || srcOffset > src.length - length) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "source range is outside the array");
        }
        return grant(t, right, offset, length, true).map(g -> {
            System.arraycopy(src, srcOffset, g.buffer(), g.base() + (int) offset, length);
            return length;
        });
    }

    /** Copies {@code length} bytes of the lease, from {@code offset}, straight into DMA memory. */
    static Result<Integer> read(Task t, ReplyRight right, long offset, DmaBuffer dst, int dstOffset, int length) {
        if (dst == null || dstOffset < 0 || length < 0 || dstOffset > dst.size() - length) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "destination range is outside the DMA buffer");
        }
        return grant(t, right, offset, length, false).map(g -> {
            dst.write(dstOffset, g.buffer(), g.base() + (int) offset, length);
            return length;
        });
    }

    /** Copies {@code length} bytes of DMA memory straight into the lease, at {@code offset}. */
    static Result<Integer> write(Task t, ReplyRight right, long offset, DmaBuffer src, int srcOffset, int length) {
        if (src == null || srcOffset < 0 || length < 0 || srcOffset > src.size() - length) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "source range is outside the DMA buffer");
        }
        return grant(t, right, offset, length, true).map(g -> {
            src.read(srcOffset, g.buffer(), g.base() + (int) offset, length);
            return length;
        });
    }

    /** The lease of a call this task holds, checked for the right and the window. */
    private static Result<LeaseGrant> grant(Task t, ReplyRight right, long offset, int length, boolean write) {
        CallRecord call = right == null ? null : t.heldCall(right.id());
        if (call == null) {
            return Result.err(ErrorCode.NO_CALLER, "no unanswered call with that reply right");
        }
        LeaseGrant g = call.lease;
        if (g == null) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "the call came with no lease");
        }
        if (!g.valid()) {
            return Result.err(ErrorCode.NO_CALLER, "the lease was revoked: its call ended");
        }
        if (write ? !g.writable() : !g.readable()) {
            return Result.err(ErrorCode.NO_RIGHT, "the lease is not " + (write ? "writable" : "readable"));
        }
        if (offset < 0 || length < 0 || offset > g.length() - (long) length) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "range " + offset + "+" + length + " is outside the "
                    + g.length() + "-byte lease");
        }
        return Result.ok(g);
    }
}
