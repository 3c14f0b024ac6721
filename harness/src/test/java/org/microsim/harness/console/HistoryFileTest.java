package org.microsim.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.History;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
    @TempDir
    Path home;

    private static History history() throws IOException {
        DumbTerminal terminal = new DumbTerminal(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
        return LineReaderBuilder.builder().terminal(terminal).build().getHistory();
    }

    private static List<String> lines(History history) {
        List<String> lines = new ArrayList<>();
        history.forEach(entry -> lines.add(entry.line()));
        return lines;
    }

    @Test
    void onlyWhereItCanBeWritten() throws IOException {
        assertEquals(home.resolve(".microsim_history"), HistoryFile.in(home).orElseThrow().path());
        assertTrue(HistoryFile.in(home.resolve("missing")).isEmpty());
        assertTrue(HistoryFile.in(Files.writeString(home.resolve("file"), "x")).isEmpty());
        Path other = Files.createDirectory(home.resolve("other"));
        Files.createDirectory(other.resolve(".microsim_history"));
        assertTrue(HistoryFile.in(other).isEmpty());
    }

    @Test
    void savesAndLoadsPlainLines() throws IOException {
        HistoryFile file = HistoryFile.in(home).orElseThrow();
        History before = history();
        before.add("echo \"a b\"");
        before.add("help");
        file.saveFrom(before);
        assertEquals(List.of("echo \"a b\"", "help"), Files.readAllLines(file.path()));
        History after = history();
        file.loadInto(after);
        assertEquals(List.of("echo \"a b\"", "help"), lines(after));
    }

    @Test
    void corruptFileCostsOnlyTheHistory() throws IOException {
        Files.write(home.resolve(".microsim_history"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
        History history = history();
        HistoryFile.in(home).orElseThrow().loadInto(history);
        assertEquals(List.of(), lines(history));
    }

    @Test
    void keepsTheLastLines() throws IOException {
        History history = history();
        for (int i = 0; i < HistoryFile.KEPT + 5; i++) {
            history.add("echo " + i);
        }
        HistoryFile file = HistoryFile.in(home).orElseThrow();
        file.saveFrom(history);
        List<String> saved = Files.readAllLines(file.path(), StandardCharsets.UTF_8);
        assertEquals(HistoryFile.KEPT, saved.size());
        assertEquals("echo " + (HistoryFile.KEPT + 4), saved.get(saved.size() - 1));
    }
}
