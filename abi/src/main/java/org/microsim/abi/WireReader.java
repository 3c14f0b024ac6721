package org.microsim.abi;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads little-endian fields from message bytes. Every read is bounds-checked and fails with a
 * {@link MalformedException} that names the field, so a decoder is a straight list of reads.
 */
public final class WireReader {
    private final byte[] bytes;
    private int position;

    public WireReader(byte[] bytes) {
        this.bytes = bytes;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return bytes.length - position;
    }

    private void need(int n, String field) throws MalformedException {
        if (n < 0 || remaining() < n) {
            throw new MalformedException("truncated at " + field + ": need " + n + " bytes at offset " + position
                    + ", have " + remaining());
        }
    }

    public int u8(String field) throws MalformedException {
        need(1, field);
        return bytes[position++] & 0xff;
    }

    public int u16(String field) throws MalformedException {
        need(2, field);
        int v = (bytes[position] & 0xff) | (bytes[position + 1] & 0xff) << 8;
        position += 2;
        return v;
    }

    public int i32(String field) throws MalformedException {
        need(4, field);
        int v = (bytes[position] & 0xff) | (bytes[position + 1] & 0xff) << 8 | (bytes[position + 2] & 0xff) << 16
                | (bytes[position + 3] & 0xff) << 24;
        position += 4;
        return v;
    }

    /** An unsigned 32-bit field. */
    public long u32(String field) throws MalformedException {
        return i32(field) & 0xffffffffL;
    }

    public long i64(String field) throws MalformedException {
        long lo = u32(field);
        long hi = u32(field);
        return lo | hi << 32;
    }

    /** An unsigned 64-bit field that must be below 2^63 (an offset, a size): the rest is malformed. */
    public long u63(String field) throws MalformedException {
        long v = i64(field);
        if (v < 0) {
            throw new MalformedException(field + " " + Long.toUnsignedString(v) + " is over 2^63-1");
        }
        return v;
    }

    /** An unsigned 32-bit field that must be below 2^31 (a length, a count): the rest is malformed. */
    public int u31(String field) throws MalformedException {
        long v = u32(field);
        if (v > Integer.MAX_VALUE) {
            throw new MalformedException(field + " " + v + " is over 2^31-1");
        }
        return (int) v;
    }

    public byte[] bytes(int n, String field) throws MalformedException {
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(bytes, position, out, 0, n);
        position += n;
        return out;
    }

    public void skip(int n, String field) throws MalformedException {
        need(n, field);
        position += n;
    }

    /** A string as a u16 length then that many UTF-8 bytes. */
    public String string(String field) throws MalformedException {
        int len = u16(field + " length");
        return utf8(bytes(len, field), field);
    }

    /** The rest of the bytes. */
    public byte[] rest() {
        byte[] out = new byte[remaining()];
        System.arraycopy(bytes, position, out, 0, out.length);
        position = bytes.length;
        return out;
    }

    /** Fails unless every byte was consumed: trailing garbage is as wrong as a short message. */
    public void end(String what) throws MalformedException {
        if (remaining() != 0) {
            throw new MalformedException(what + ": " + remaining() + " unexpected trailing bytes");
        }
    }

    /** Strict UTF-8 decoding: malformed input is an error, never a replacement character. */
    public static String utf8(byte[] raw, String field) throws MalformedException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException(field + " is not valid UTF-8");
        }
    }
}
