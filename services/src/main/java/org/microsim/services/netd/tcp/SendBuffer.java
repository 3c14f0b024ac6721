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

    /**
     * Copies the {@code len} bytes from stream offset {@code from}, which must be held, into {@code out} from
     * {@code outAt}: straight into the frame a segment leaves in, with no array of its own in between.
     */
    void read(long from, int len, byte[] out, int outAt) {
        if (from < start || from + len > end) {
            throw new IllegalArgumentException("bytes " + from + "+" + len + " are not in [" + start + ", " + end
                    + ")");
        }
        int at = (int) (from % ring.length);
        int first = Math.min(len, ring.length - at);
        System.arraycopy(ring, at, out, outAt, first);
        System.arraycopy(ring, 0, out, outAt + first, len - first);
    }

    /** Forgets the bytes before stream offset {@code upTo} (acknowledged). */
    void release(long upTo) {
        start = Math.max(start, Math.min(upTo, end));
    }
}
