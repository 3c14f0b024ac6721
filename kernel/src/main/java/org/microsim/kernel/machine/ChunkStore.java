package org.microsim.kernel.machine;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Bytes held as a sparse array of 1 MiB chunks: chunks nobody wrote are not allocated and read from a
 * backing source (zeros for a memory disk, the file for a copy-on-write overlay). Chunking keeps a large
 * disk out of one giant array and lets sequential transfers run as a few bulk copies. Writes to one chunk
 * by two threads race as on a real disk; allocating a chunk is atomic, so no write is lost to it.
 */
final class ChunkStore {
    static final int CHUNK = 1 << 20;

    /** Where the bytes of a chunk no one wrote come from. */
    @FunctionalInterface
    interface Backing {
        void read(long offset, byte[] dst, int dstOffset, int length) throws IOException;
    }

    private final long size;
    private final Backing backing;
    private final AtomicReferenceArray<byte[]> chunks;

    ChunkStore(long size, Backing backing) {
        this.size = size;
        this.backing = backing;
        this.chunks = new AtomicReferenceArray<>((int) ((size + CHUNK - 1) / CHUNK));
    }

    /** Reads inside the store; the caller has checked the range. */
    void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        long pos = offset;
        int at = dstOffset;
        int remaining = length;
        while (remaining > 0) {
            int index = (int) (pos / CHUNK);
            int within = (int) (pos % CHUNK);
            int n = Math.min(remaining, CHUNK - within);
            byte[] chunk = chunks.get(index);
            if (chunk != null) {
                System.arraycopy(chunk, within, dst, at, n);
            } else {
                backing.read(pos, dst, at, n);
            }
            pos += n;
            at += n;
            remaining -= n;
        }
    }

    /** Writes inside the store, first filling a chunk from the backing the first time it is written. */
    void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        long pos = offset;
        int at = srcOffset;
        int remaining = length;
        while (remaining > 0) {
            int index = (int) (pos / CHUNK);
            int within = (int) (pos % CHUNK);
            int n = Math.min(remaining, CHUNK - within);
            System.arraycopy(src, at, chunk(index), within, n);
            pos += n;
            at += n;
            remaining -= n;
        }
    }

    private byte[] chunk(int index) throws IOException {
        byte[] chunk = chunks.get(index);
        if (chunk != null) {
            return chunk;
        }
        long start = (long) index * CHUNK;
        byte[] fresh = new byte[(int) Math.min(CHUNK, size - start)];
        backing.read(start, fresh, 0, fresh.length);
        return chunks.compareAndSet(index, null, fresh) ? fresh : chunks.get(index);
    }
}
