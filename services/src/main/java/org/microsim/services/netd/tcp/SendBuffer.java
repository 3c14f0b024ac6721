package org.microsim.services.netd.tcp;

/**
 * The bytes the application gave and the peer has not yet acknowledged, in a ring. Positions are stream offsets
 * (byte 0 is the first the application wrote), so nothing moves when bytes are acknowledged or sent again.
 */
final class SendBuffer {
    private final byte[] ring;
    /** The stream offset of the oldest byte held (the first unacknowledged). */
    private long start;
    /** The stream offset just past the newest byte written. */
    private long end;

    SendBuffer(int capacity) {
        ring = new byte[capacity];
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    int space() {
        return ring.length - (int) (end - start);
    }

    /** Copies in as much of {@code b[off, off+len)} as fits; returns how much. */
    int write(byte[] b, int off, int len) {
        int n = Math.min(len, space());
        int at = (int) (end % ring.length);
        int first = Math.min(n, ring.length - at);
        System.arraycopy(b, off, ring, at, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        end += n;
        return n;
    }

    /** The {@code len} bytes from stream offset {@code from}, which must be held. */
    byte[] read(long from, int len) {
        if (from < start || from + len > end) {
            throw new IllegalArgumentException("bytes " + from + "+" + len + " are not in [" + start + ", " + end
                    + ")");
        }
        byte[] out = new byte[len];
        int at = (int) (from % ring.length);
        int first = Math.min(len, ring.length - at);
        System.arraycopy(ring, at, out, 0, first);
        System.arraycopy(ring, 0, out, first, len - first);
        return out;
    }

    /** Forgets the bytes before stream offset {@code upTo} (acknowledged). */
    void release(long upTo) {
        start = Math.max(start, Math.min(upTo, end));
    }
}
