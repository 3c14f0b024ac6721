package org.microsim.harness.script;

import java.util.ArrayList;
import java.util.List;

/**
 * Text on its way to a person's terminal. What the simulated system says can hold any byte a disk image
 * holds (a volume label, a file name with ESC or a newline in it, {@code cat} of a binary file), and a
 * terminal obeys control characters: printed raw, they move the cursor, change colours or retitle the
 * window. So everything printed goes through {@link #printable}, and help text through {@link #wrap}.
 */
public final class Text {
    /** The width of a terminal that does not say, and of transcripts. */
    public static final int DEFAULT_WIDTH = 80;

    private Text() {
    }

    /**
     * {@code text} with every control character but newline and tab (C0, DEL, C1) written as {@code \xHH},
     * so that it shows what the bytes were and does nothing to the terminal.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (control) {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** The words of {@code paragraph} in lines of at most {@code width} characters (a longer word has its own). */
    public static List<String> wrap(String paragraph, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : paragraph.strip().split("\\s+")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
