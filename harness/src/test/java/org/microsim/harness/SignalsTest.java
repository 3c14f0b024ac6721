package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real signals to a real {@code sim} process (this test's JVM and class path, reading a pipe): Ctrl-C stops
 * the command and the console goes on, a second Ctrl-C during a burst that cannot be cut ends sim with 130, and
 * SIGTERM ends a scenario with 143; the trace is written every time. Each signal is sent when the process has
 * printed what shows it is in the state the signal is meant for, never after a delay.
 */
class SignalsTest {
    @TempDir
    Path dir;

    /** A sim process, its output read line by line. */
    private static final class Sim implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final List<String> seen = new ArrayList<>();

        Sim(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        void type(String lines) throws IOException {
            in.write(lines);
            in.flush();
        }

        /** Reads lines until one matches; fails if the output ends first. */
        String await(Predicate<String> wanted) throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                seen.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            }
            throw new AssertionError("the output ended without the line; it was:\n" + String.join("\n", seen));
        }

        void signal(String name) throws IOException, InterruptedException {
            assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor());
        }

        int exit() throws IOException, InterruptedException {
            in.close();
            out.transferTo(Writer.nullWriter());
            return process.waitFor();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static void assertTraceWritten(Path trace) throws IOException {
        String json = Files.readString(trace);
        assertTrue(json.startsWith("{\"displayTimeUnit\"") && json.strip().endsWith("]}"), "not a whole trace");
    }

    /** A console that runs {@code lines}, pressed Ctrl-C once {@code cue} was printed, and said so. */
    private static Sim interruptedConsole(Path trace, String lines, String cue) throws Exception {
        Sim sim = new Sim("console", "--trace", trace.toString());
        sim.type(lines);
        sim.await(line -> line.contains(cue));
        sim.signal("INT");
        sim.await(line -> line.startsWith("^C: the command stops"));
        return sim;
    }

    @Test
    void ctrlCStopsTheCommandAndTheConsoleGoesOn() throws Exception {
        Path trace = dir.resolve("console.json");
        // With no echo, the pinger gives up after 5 s of virtual time and says so, in the middle of the sleep.
        try (Sim sim = interruptedConsole(trace, "spawn pinger 1\nsleep 8000h\n", "cannot reach echo")) {
            sim.await(line -> line.equals("error: interrupted (Ctrl-C)"));
            sim.type("time\n");
            String time = sim.await(line -> line.startsWith("virtual time "));
            assertTrue(!time.startsWith("virtual time 28800000"), time);
            sim.type("quit\n");
            assertEquals(0, sim.exit());
        }
        assertTraceWritten(trace);
    }

    @Test
    void aSecondCtrlCEndsSimWithTheTraceWritten() throws Exception {
        Path trace = dir.resolve("burst.json");
        // A million calls that take no virtual time: one step, which Ctrl-C cannot cut.
        assertEndsWithTheTrace(interruptedConsole(trace, "spawn echo\nspawn pinger 1000000\n", "pinger: reply 1 "),
                "INT", 130, trace);
    }

    @Test
    void sigtermEndsAScenarioWithTheTraceWritten() throws Exception {
        Path trace = dir.resolve("run.json");
        Path scenario = Files.writeString(dir.resolve("long.scn"), "boot\nspawn pinger 1\nsleep 8000h\n");
        Sim sim = new Sim("run", scenario.toString(), "--trace", trace.toString());
        sim.await(line -> line.contains("cannot reach echo"));
        assertEndsWithTheTrace(sim, "TERM", 143, trace);
    }

    /** Sends the signal; sim must end with the exit code, its trace written. */
    private static void assertEndsWithTheTrace(Sim running, String signal, int code, Path trace) throws Exception {
        try (Sim sim = running) {
            sim.signal(signal);
            assertEquals(code, sim.exit());
        }
        assertTraceWritten(trace);
    }
}
