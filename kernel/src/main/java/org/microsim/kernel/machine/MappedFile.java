package org.microsim.kernel.machine;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An image file's bytes through memory mappings: windows of {@value #WINDOW} bytes, each mapped the first
 * time it is touched, so an access is one copy from or to the page cache. Reading with
 * {@code FileChannel.read} into a Java array costs a system call and two copies (through a native buffer),
 * about four times slower on a 4 MiB transfer; one mapping cannot cover more than 2 GiB, hence windows.
 *
 * <p>If the file is cut shorter by someone else while mapped, touching a page past its new end faults; the
 * JVM reports that as an {@link InternalError}, which becomes an {@link IOException} here so that the device
 * model reports a disk error and the machine goes on. Safe for several threads: windows are installed
 * atomically and every access is absolute.
 */
final class MappedFile {
    static final int WINDOW = 1 << 30;

    private final FileChannel channel;
    private final FileChannel.MapMode mode;
    private final long size;
    private final AtomicReferenceArray<MappedByteBuffer> windows;

    /** Maps {@code size} bytes of {@code channel}, writable when {@code writable} (the channel must allow it). */
    MappedFile(FileChannel channel, long size, boolean writable) {
        this.channel = channel;
        this.mode = writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
        this.size = size;
        this.windows = new AtomicReferenceArray<>((int) ((size + WINDOW - 1) / WINDOW));
    }

    /** Copies {@code length} bytes at {@code offset} into {@code dst}; the caller has checked the range. */
    void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        walk(offset, length, (window, within, done, n) -> window.get(within, dst, dstOffset + done, n));
    }

    /** Copies {@code length} bytes of {@code src} to {@code offset}; the caller has checked the range. */
    void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        walk(offset, length, (window, within, done, n) -> window.put(within, src, srcOffset + done, n));
    }

    /** Forces every mapped window's changes to the file. */
    void force() throws IOException {
        for (int i = 0; i < windows.length(); i++) {
            MappedByteBuffer window = windows.get(i);
            if (window != null) {
                guarded(window::force);
            }
        }
    }

    @FunctionalInterface
    private interface Piece {
        void copy(MappedByteBuffer window, int within, int done, int length);
    }

    private void walk(long offset, int length, Piece piece) throws IOException {
        int done = 0;
        while (done < length) {
            long pos = offset + done;
            int within = (int) (pos % WINDOW);
            int n = (int) Math.min(length - done, WINDOW - within);
            MappedByteBuffer window = window((int) (pos / WINDOW));
            int at = done;
            guarded(() -> piece.copy(window, within, at, n));
            done += n;
        }
    }

    private MappedByteBuffer window(int index) throws IOException {
        MappedByteBuffer window = windows.get(index);
        if (window == null) {
            long start = (long) index * WINDOW;
            window = channel.map(mode, start, Math.min(WINDOW, size - start));
            if (!windows.compareAndSet(index, null, window)) {
                window = windows.get(index);
            }
        }
        return window;
    }

    private static void guarded(Runnable access) throws IOException {
        try {
            access.run();
        } catch (InternalError e) {
            throw new IOException("the image file became shorter while in use (" + e.getMessage() + ")", e);
        }
    }
}
