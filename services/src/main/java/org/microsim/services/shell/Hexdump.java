package org.microsim.services.shell;

import java.util.HexFormat;

/**
 * The classic canonical hex dump: offset, 16 bytes in hex, the printable ASCII between bars. Built with
 * {@link HexFormat} and one StringBuilder, since String.format per byte cost more than the disk read.
 */
final class Hexdump {
    private static final HexFormat HEX = HexFormat.of();

    private Hexdump() {
    }

    /** {@code bytes}, which start at file offset {@code base}. */
    static String format(byte[] bytes, long base) {
        StringBuilder out = new StringBuilder((bytes.length / 16 + 2) * 80);
        for (int line = 0; line < bytes.length; line += 16) {
            offset(out, base + line).append(' ');
            for (int i = line; i < line + 16; i++) {
                if (i % 8 == 0) {
                    out.append(' ');
                }
                if (i < bytes.length) {
                    HEX.toHexDigits(out, bytes[i]).append(' ');
                } else {
                    out.append("   ");
                }
            }
            out.append(" |");
            for (int i = line; i < Math.min(line + 16, bytes.length); i++) {
                int b = bytes[i] & 0xff;
                out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            out.append("|\n");
        }
        return offset(out, base + bytes.length).append('\n').toString();
    }

    /** The offset in lower-case hex, at least 8 digits (as %08x). */
    private static StringBuilder offset(StringBuilder out, long value) {
        String digits = Long.toHexString(value);
        return out.append("0".repeat(Math.max(0, 8 - digits.length()))).append(digits);
    }
}
