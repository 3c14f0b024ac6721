package org.microsim.abi.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.MalformedException;

/**
 * How frames travel in a lease, for SEND and RECEIVE: one after another, each a little-endian u16 length and
 * that many bytes, with nothing between them. A frame is a whole Ethernet frame without preamble or FCS:
 * destination, source, type, payload; from {@link EthRequest#MIN_FRAME} to {@link EthRequest#MAX_FRAME} bytes (the
 * largest of any MTU: the driver holds each port's frames to its own MTU).
 *
 * <pre>
 *   | len0 u16 | frame0 ... | len1 u16 | frame1 ... | ...
 * </pre>
 */
public final class EthFrames {
    private EthFrames() {
    }

    /** The bytes {@code frames} take in a lease. */
    public static int packedSize(List<byte[]> frames) {
        int size = 0;
        for (byte[] f : frames) {
            size += 2 + f.length;
        }
        return size;
    }

    /** Packs {@code frames}; each must have a legal length. */
    public static byte[] pack(List<byte[]> frames) {
        byte[] out = new byte[packedSize(frames)];
        packInto(frames, out);
        return out;
    }

    /**
     * Packs {@code frames} into the front of {@code out}, which must have room for {@link #packedSize}; returns that
     * size. For a sender that lends the same buffer call after call instead of a new one each time.
     */
    public static int packInto(List<byte[]> frames, byte[] out) {
        int at = 0;
        for (byte[] f : frames) {
            if (f.length < EthRequest.MIN_FRAME || f.length > EthRequest.MAX_FRAME) {
                throw new IllegalArgumentException("a frame has " + f.length + " bytes, not "
                        + EthRequest.MIN_FRAME + ".." + EthRequest.MAX_FRAME);
            }
            out[at] = (byte) f.length;
            out[at + 1] = (byte) (f.length >>> 8);
            System.arraycopy(f, 0, out, at + 2, f.length);
            at += 2 + f.length;
        }
        return at;
    }

    /** Where a frame lies: {@code length} bytes of a buffer from {@code offset}. */
    @FunctionalInterface
    public interface Sink {
        /**
         * One frame, a view into a buffer the caller owns: read it during the call, keep nothing of it (copy what
         * must outlive the call), and never write to it.
         */
        void frame(byte[] buffer, int offset, int length);
    }

    /**
     * Unpacks exactly {@code count} frames from the first {@code length} bytes of {@code packed}.
     *
     * @throws MalformedException when a length is illegal, the frames run past {@code length}, or bytes are left
     */
    public static List<byte[]> unpack(byte[] packed, int length, int count) throws MalformedException {
        List<byte[]> frames = new ArrayList<>(
                Math.max(0, Math.min(count, Math.max(0, length) / (2 + EthRequest.MIN_FRAME) + 1)));
        forEach(packed, length, count, (b, offset, n) -> frames.add(Arrays.copyOfRange(b, offset, offset + n)));
        return frames;
    }

    /**
     * Hands each of exactly {@code count} frames in the first {@code length} bytes of {@code packed} to {@code sink}
     * as a view, without copying; all are checked before the first is handed over, so a bad batch gives none.
     *
     * @throws MalformedException when a length is illegal, the frames run past {@code length}, or bytes are left
     */
    public static void forEach(byte[] packed, int length, int count, Sink sink) throws MalformedException {
        check(packed, length, count);
        for (int i = 0, at = 0; i < count; i++) {
            int n = packed[at] & 0xff | (packed[at + 1] & 0xff) << 8;
            sink.frame(packed, at + 2, n);
            at += 2 + n;
        }
    }

    /**
     * Checks that the first {@code length} bytes of {@code packed} are exactly {@code count} frames of legal
     * lengths, so that {@link #forEach} can hand them out later.
     *
     * @throws MalformedException when a length is illegal, the frames run past {@code length}, or bytes are left
     */
    public static void check(byte[] packed, int length, int count) throws MalformedException {
        if (length < 0 || length > packed.length) {
            throw new MalformedException("frames said to take " + length + " bytes of " + packed.length);
        }
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (length - at < 2) {
                throw new MalformedException("frame " + i + " of " + count + " has no length: the lease ends");
            }
            int n = packed[at] & 0xff | (packed[at + 1] & 0xff) << 8;
            if (n < EthRequest.MIN_FRAME || n > EthRequest.MAX_FRAME) {
                throw new MalformedException("frame " + i + " has " + n + " bytes, not " + EthRequest.MIN_FRAME
                        + ".." + EthRequest.MAX_FRAME);
            }
            if (length - at - 2 < n) {
                throw new MalformedException("frame " + i + " of " + n + " bytes runs past the lease");
            }
            at += 2 + n;
        }
        if (at != length) {
            throw new MalformedException((length - at) + " bytes follow the last of " + count + " frames");
        }
    }
}
