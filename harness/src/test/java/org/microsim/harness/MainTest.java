package org.microsim.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private FakeSession session;
    private String stdin = "";

    private final SessionFactory factory = options -> {
        if (options.drives().contains("file=unparsable")) {
            throw new SessionException("--drive file=unparsable: missing if=");
        }
        if (options.drives().contains("file=bug")) {
            throw new IllegalStateException("factory bug");
        }
        session = new FakeSession(options);
        return session;
    };

    private int sim(String... args) {
        return Main.execute(factory, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @AfterEach
    void neverAStackTrace() {
        assertFalse(err().contains("\tat "), err());
        assertFalse(out().contains("\tat "), out());
    }

    private Path scenario(String text) throws IOException {
        Path file = dir.resolve("s.scn");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void runReturnsTheScenariosExitCode() throws IOException {
        assertEquals(0, sim("run", scenario("boot\nexpect output contains \"seed 1\"\n").toString()), err());
        assertTrue(session.closed);
        assertEquals(1, sim("run", scenario("boot\nexpect output contains \"seed 2\"\n").toString()));
        assertEquals(2, sim("run", scenario("bot\n").toString()));
        assertTrue(err().contains("s.scn:1: column 1: unknown command \"bot\""), err());
    }

    @Test
    void runReadsStandardInput() {
        stdin = "echo from stdin\nexpect output contains \"stdin\"\n";
        assertEquals(0, sim("run", "-"), err());
        assertTrue(out().contains("<stdin>: passed"), out());
    }

    @Test
    void machineOptionsMayComeBeforeOrAfterTheSubcommand() throws IOException {
        String file = scenario("echo x\n").toString();
        Path trace = dir.resolve("t.json");
        assertEquals(0, sim("--seed", "42", "--drive", "file=a.img,if=ahci", "run", file,
                "--drive", "file=b.img,if=usb", "--nic", "mac=52:54:00:00:00:01", "--free",
                "--trace", trace.toString(), "--pcap", "n.pcap", "--debug", "--nic"), err());
        assertEquals(new MachineOptions(List.of("file=a.img,if=ahci", "file=b.img,if=usb"),
                List.of("mac=52:54:00:00:00:01", ""), 42, true, Optional.of(trace), Optional.of(Path.of("n.pcap")), true)
                .withBaseDir(dir), session.options);
    }

    @Test
    void defaultsAreSeedOneDeterministic() throws IOException {
        assertEquals(0, sim("run", scenario("echo x\n").toString()));
        // A scenario's relative paths are its own directory's.
        assertEquals(MachineOptions.defaults().withBaseDir(dir), session.options);
    }

    @Test
    void traceIsWrittenAtExit() throws IOException {
        Path trace = dir.resolve("out.json");
        assertEquals(0, sim("--trace", trace.toString(), "boot"), err());
        String json = Files.readString(trace);
        assertTrue(json.contains("\"thread_name\"") && json.contains("\"ph\":\"s\"") && json.contains("\"ph\":\"f\""),
                json);
    }

    @Test
    void aTracePathThatCannotBeWrittenStopsSimBeforeBoot() throws IOException {
        assertBadCommandLine("cannot write the trace to " + dir.resolve("no/such/t.json") + ": no such directory: "
                + dir.resolve("no/such"), "sim", "--trace", dir.resolve("no/such/t.json").toString(), "boot");
        assertBadCommandLine(": it is a directory", "sim", "--trace", dir.toString(), "boot");
        Files.writeString(dir.resolve("file"), "");
        assertBadCommandLine(": not a directory: " + dir.resolve("file"), "sim", "--trace",
                dir.resolve("file/t.json").toString(), "boot");
        assertBadCommandLine("--trace needs a file name", "sim", "--trace", "", "boot");
    }

    @Test
    void aTruncatedTraceSaysSoOnStandardError() throws IOException {
        Path trace = dir.resolve("out.json");
        SessionFactory longRun = options -> new FakeSession(options) {
            @Override
            public long traceTotal() {
                return 1_000_003;
            }
        };
        assertEquals(0, Main.execute(longRun, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "--trace", trace.toString(), "boot"), err());
        assertTrue(err().contains("the trace holds the first 2 of 1000003 kernel events"), err());
        assertTrue(Files.readString(trace).contains("\"trace truncated\""));
    }

    @Test
    void bootPrintsWhatHappened() {
        assertEquals(0, sim("boot", "--seed", "7"), err());
        assertEquals("booted with seed 7 drives []\n", out());
        assertEquals(1, sim("boot", "--drive", "file=broken"));
        assertTrue(err().contains("sim: boot failed: no bootable drive"), err());
    }

    @Test
    void consoleReadsPipedInput() {
        stdin = "echo hi there\nboot\n";
        assertEquals(0, sim("console", "--no-boot"), err());
        int echoed = out().indexOf("hi there\n");
        assertTrue(echoed >= 0 && out().indexOf("booted with seed 1") > echoed, out());
    }

    @Test
    void consoleBootsAsSimAloneDoes() {
        stdin = "echo after boot\n";
        assertEquals(0, sim("console"), err());
        int booted = out().indexOf("booted with seed 1");
        assertTrue(booted >= 0 && out().indexOf("after boot\n") > booted, out());
    }

    @Test
    void demoKeepsTheDemoMachineUnderTheGivenDrives() throws IOException {
        assertEquals(0, sim("run", scenario("echo x\n").toString(), "--drive", "file=a.img,if=ahci"), err());
        assertFalse(session.options.demo());
        assertEquals(0, sim("run", scenario("echo x\n").toString(), "--drive", "file=a.img,if=ahci", "--demo"),
                err());
        assertTrue(session.options.demo());
    }

    @Test
    void noArgumentsBootsThenOpensTheConsole() {
        stdin = "echo after boot\n";
        assertEquals(0, sim(), err());
        int booted = out().indexOf("booted with seed 1");
        assertTrue(booted >= 0 && out().indexOf("after boot\n") > booted, out());
    }

    private void assertBadCommandLine(String message, String hint, String... args) {
        out.reset();
        err.reset();
        assertEquals(2, sim(args));
        List<String> lines = err().lines().toList();
        assertEquals(2, lines.size(), err());
        assertTrue(lines.get(0).startsWith("sim: ") && lines.get(0).contains(message), err());
        assertEquals("Try '" + hint + " --help' for more information.", lines.get(1));
        assertEquals("", out());
    }

    @Test
    void holdNeedsTheWebViewAndBenchHasNone() {
        assertBadCommandLine("--hold keeps the web view open: give --web too", "sim run", "run", "x.scn", "--hold");
        assertBadCommandLine("bench has no machine to show", "sim bench", "bench", "--web");
    }

    @Test
    void aWebViewThatCannotListenStopsSimBeforeBoot() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            assertEquals(2, sim("boot", "--web", Integer.toString(taken.getLocalPort())));
            assertEquals("sim: --web: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is in use (pick another with --web PORT)\n", err());
            assertEquals("", out());
        }
    }

    @Test
    void unknownOption() {
        assertBadCommandLine("unknown option '--bogus'", "sim", "--bogus");
    }

    @Test
    void unknownOptionOfASubcommand() {
        assertBadCommandLine("unknown option '--bogus'", "sim run", "run", "x.scn", "--bogus");
    }

    @Test
    void missingOptionValue() {
        assertBadCommandLine("--seed", "sim boot", "boot", "--seed");
    }

    @Test
    void nonNumericSeed() {
        assertBadCommandLine("--seed: 'abc' is not a whole number", "sim boot", "--seed", "abc", "boot");
    }

    @Test
    void missingScenarioFile() {
        assertBadCommandLine("cannot read the scenario " + dir.resolve("nope.scn") + ": no such file or directory", "sim run",
                "run", dir.resolve("nope.scn").toString());
    }

    @Test
    void aScenarioCanComeFromAPipe() throws Exception {
        Path fifo = dir.resolve("scenario.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Files.writeString(fifo, "echo from a pipe\nexpect output contains \"pipe\"\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(0, sim("run", fifo.toString()), err());
        writer.join();
        assertTrue(out().contains("from a pipe"), out());
    }

    @Test
    void aDirectoryIsNotAScenario() {
        assertBadCommandLine("cannot read the scenario " + dir + ": it is a directory", "sim run", "run",
                dir.toString());
    }

    @Test
    void runWithoutFile() {
        assertBadCommandLine("sim: run needs FILE|-", "sim run", "run");
    }

    @Test
    void badMachineOptionsFromTheSession() {
        assertEquals(2, sim("--drive", "file=unparsable", "boot"));
        assertEquals("sim: --drive file=unparsable: missing if=\n", err());
    }

    @Test
    void unexpectedExceptionIsOneLine() {
        assertEquals(2, sim("--drive", "file=bug", "boot"));
        assertEquals("sim: internal error: IllegalStateException: factory bug (--debug shows the stack trace)\n",
                err());
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, sim("--help"));
        assertTrue(out().contains("--drive=file=PATH,if=ahci|usb[,bus=hub][,readonly=on][,persist=on]"), out());
        assertTrue(out().contains("run") && out().contains("console") && out().contains("bench"), out());
        out.reset();
        assertEquals(0, sim("--version"));
        assertTrue(out().startsWith("sim "), out());
        out.reset();
        assertEquals(0, sim("run", "--help"));
        assertTrue(out().contains("FILE|-"), out());
    }

    @Test
    void unknownCommandAndExtraOperands() {
        assertBadCommandLine("unknown command 'rnu' (commands: run, console, boot, check, trace, bench)", "sim", "rnu", "x.scn");
        assertBadCommandLine("sim: run takes one FILE|-, got a.scn b.scn", "sim run", "run", "a.scn", "b.scn");
        assertBadCommandLine("sim: boot takes no operands, got now", "sim boot", "boot", "now");
        assertBadCommandLine("--free takes no value", "sim", "--free=yes");
    }

    @Test
    void helpFitsEightyColumns() {
        assertEquals(0, sim("--help"));
        for (String line : out().split("\n")) {
            assertTrue(line.length() <= 80 || !line.strip().contains(" "), "too wide: " + line);
        }
    }

    @Test
    void benchWithUnknownName() {
        assertBadCommandLine("no benchmark named nosuch", "sim bench", "bench", "nosuch");
    }
}
