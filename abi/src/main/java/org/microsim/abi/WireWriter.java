package org.microsim.abi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes little-endian fields into a growing byte array; the counterpart of {@link WireReader}. */
public final class WireWriter {
    private byte[] bytes = new byte[32];
    private int size;

    private void ensure(int n) {
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
    }

    public WireWriter u8(int v) {
        ensure(1);
        bytes[size++] = (byte) v;
        return this;
    }

    public WireWriter u16(int v) {
        ensure(2);
        bytes[size++] = (byte) v;
        bytes[size++] = (byte) (v >>> 8);
        return this;
    }

    public WireWriter i32(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            bytes[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public WireWriter u32(long v) {
        return i32((int) v);
    }

    public WireWriter i64(long v) {
        i32((int) v);
        return i32((int) (v >>> 32));
    }

    public WireWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public WireWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
        return this;
    }

    public WireWriter zeros(int n) {
        ensure(n);
        size += n;
        return this;
    }

    /**
     * A string as a u16 length then UTF-8 bytes.
     *
     * @throws IllegalArgumentException when longer than 65535 bytes (a caller's bug, not input)
     */
    public WireWriter string(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        if (raw.length > 0xffff) {
            throw new IllegalArgumentException("string of " + raw.length + " bytes does not fit a u16 length");
        }
        u16(raw.length);
        return bytes(raw);
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
