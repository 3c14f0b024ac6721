package org.microsim.services.shell;

import java.util.Locale;

/** The classic canonical hex dump: offset, 16 bytes in hex, the printable ASCII between bars. */
final class Hexdump {
    private Hexdump() {
    }

    /** {@code bytes}, which start at file offset {@code base}. */
    static String format(byte[] bytes, long base) {
        StringBuilder out = new StringBuilder();
        for (int line = 0; line < bytes.length; line += 16) {
            out.append(String.format(Locale.ROOT, "%08x ", base + line));
            StringBuilder ascii = new StringBuilder();
            for (int i = line; i < line + 16; i++) {
                if (i % 8 == 0) {
                    out.append(' ');
                }
                if (i < bytes.length) {
                    int b = bytes[i] & 0xff;
                    out.append(String.format(Locale.ROOT, "%02x ", b));
                    ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                } else {
                    out.append("   ");
                }
            }
            out.append(" |").append(ascii).append("|\n");
        }
        out.append(String.format(Locale.ROOT, "%08x%n", base + bytes.length));
        return out.toString();
    }
}
