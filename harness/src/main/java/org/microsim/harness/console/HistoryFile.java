package org.microsim.harness.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jline.reader.History;

/**
 * The console's history on disk: one command per line, plain text, the last {@value #KEPT} kept. Read and
 * written here rather than by JLine, so that a file that is unreadable, corrupt or not writable only costs
 * the history: nothing is printed, nothing fails.
 */
final class HistoryFile {
    /** As many lines as JLine keeps in memory by default. */
    static final int KEPT = 500;
    private static final String NAME = ".microsim_history";

    private final Path file;

    private HistoryFile(Path file) {
        this.file = file;
    }

    /** {@code HOME/.microsim_history}, if it can be written (or created). */
    static Optional<HistoryFile> in(Path home) {
        Path file = home.resolve(NAME);
        boolean writable = Files.exists(file)
                ? Files.isRegularFile(file) && Files.isWritable(file)
                : Files.isDirectory(home) && Files.isWritable(home);
        return writable ? Optional.of(new HistoryFile(file)) : Optional.empty();
    }

    Path path() {
        return file;
    }

    /** Adds the saved lines to the history; a file that cannot be read adds nothing. */
    void loadInto(History history) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return;
        }
        lines.subList(Math.max(0, lines.size() - KEPT), lines.size()).stream()
                .filter(line -> !line.isBlank())
                .forEach(history::add);
    }

    /** Writes the history's last lines; a file that cannot be written is left as it was. */
    void saveFrom(History history) {
        List<String> lines = new ArrayList<>();
        history.forEach(entry -> lines.add(entry.line()));
        try {
            Files.write(file, lines.subList(Math.max(0, lines.size() - KEPT), lines.size()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // The history is a convenience: losing it must not turn a clean exit into an error.
        }
    }
}
