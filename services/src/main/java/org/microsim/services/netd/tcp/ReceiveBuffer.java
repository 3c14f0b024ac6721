package org.microsim.services.netd.tcp;

import java.util.Map;
import java.util.TreeMap;

/**
 * The receive buffer and the reassembly of out-of-order data, in one ring (smoltcp's shape): a byte is written
 * where it belongs as soon as it arrives; the in-order part runs from what the application has read to the first
 * hole, and after it a bounded set of received ranges waits for the holes to fill. Positions are stream offsets
 * (byte 0 is the peer's first), so the window is simply what the ring has free past the in-order part.
 */
final class ReceiveBuffer {
    private final byte[] ring;
    private final int maxRanges;
    /** The stream offset of the next byte the application reads. */
    private long readPos;
    /** The stream offset just past the in-order bytes. */
    private long inOrderEnd;
    /** Out-of-order ranges beyond {@link #inOrderEnd}: start to end, disjoint and not touching. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    ReceiveBuffer(int capacity, int maxRanges) {
        this.ring = new byte[capacity];
        this.maxRanges = maxRanges;
    }

    long inOrderEnd() {
        return inOrderEnd;
    }

    int readable() {
        return (int) (inOrderEnd - readPos);
    }

    /** Room past the in-order bytes: the receive window. */
    int free() {
        return ring.length - readable();
    }

    int capacity() {
        return ring.length;
    }

    boolean hasGaps() {
        return !ranges.isEmpty();
    }

    /**
     * Stores {@code len} bytes for stream offsets from {@code at}, clipped by the caller to
     * [{@link #inOrderEnd}, {@code inOrderEnd + free()}). Returns false, storing nothing, when they start a new
     * out-of-order range and the most ranges are already held.
     */
    boolean put(long at, byte[] b, int off, int len) {
        long end = at + len;
        if (len == 0) {
            return true;
        }
        if (at > inOrderEnd && ranges.size() >= maxRanges && !touchesRange(at, end)) {
            return false;
        }
        int pos = (int) (at % ring.length);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(b, off, ring, pos, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        if (at <= inOrderEnd && ranges.isEmpty()) {
            // In order with no hole, every data segment of a clean transfer: no range to merge, no boxed lookups.
            inOrderEnd = Math.max(inOrderEnd, end);
            return true;
        }
        Map.Entry<Long, Long> lower = ranges.floorEntry(at);
        if (lower != null && lower.getValue() >= at) {
            at = lower.getKey();
            end = Math.max(end, lower.getValue());
            ranges.remove(lower.getKey());
        }
        for (Map.Entry<Long, Long> next = ranges.ceilingEntry(at); next != null && next.getKey() <= end;
                next = ranges.ceilingEntry(at)) {
            end = Math.max(end, next.getValue());
            ranges.remove(next.getKey());
        }
        if (at <= inOrderEnd) {
            inOrderEnd = Math.max(inOrderEnd, end);
        } else {
            ranges.put(at, end);
        }
        return true;
    }

    private boolean touchesRange(long at, long end) {
        Map.Entry<Long, Long> lower = ranges.floorEntry(at);
        Map.Entry<Long, Long> higher = ranges.ceilingEntry(at);
        return lower != null && lower.getValue() >= at || higher != null && higher.getKey() <= end;
    }

    /** Copies up to {@code len} in-order bytes out; returns how many. */
    int read(byte[] b, int off, int len) {
        int n = Math.min(len, readable());
        int pos = (int) (readPos % ring.length);
        int first = Math.min(n, ring.length - pos);
        System.arraycopy(ring, pos, b, off, first);
        System.arraycopy(ring, 0, b, off + first, n - first);
        readPos += n;
        return n;
    }

    /** Forgets everything, as after a reset. */
    void discard() {
        readPos = inOrderEnd;
        ranges.clear();
    }
}
