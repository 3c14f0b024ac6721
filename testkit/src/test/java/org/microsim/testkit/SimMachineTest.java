package org.microsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.FileStat;
import org.microsim.testkit.assertions.FsOracle;
import org.microsim.testkit.assertions.TraceAssert;

class SimMachineTest {
    private static final String ONE = "/vol/ahci0:disk0p1";

    private static SimMachine described(long seed) {
        return SimMachine.builder().seed(seed)
                .disk(Disk.gpt().fat16Volume("ONE", 16 * Disk.MIB).file("/docs/a.txt", "hello")
                        .fat32("TWO", 64 * Disk.MIB).file("/b.txt", "on FAT32"))
                .disk(Disk.mbr().fat16Volume("THREE", 16 * Disk.MIB).file("/c.txt", "on an MBR disk"))
                .build();
    }

    @Test
    void aDescribedDiskIsMountedWithItsFiles() throws Exception {
        try (SimMachine m = described(3)) {
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), m.files().read(ONE + "/docs/a.txt").orElseThrow());
            assertTrue(m.files().list(ONE).stream().map(FileStat::name).anyMatch("docs"::equalsIgnoreCase));
            assertTrue(m.files().mounts().stream().anyMatch(e -> e.mountPoint().equals("/vol/ahci0:disk0p2")),
                    m.files().mounts().toString());
            assertTrue(m.files().read(ONE + "/missing.txt").isEmpty());
            assertArrayEquals("on FAT32".getBytes(StandardCharsets.UTF_8),
                    m.files().read("/vol/ahci0:disk0p2/b.txt").orElseThrow());
            assertArrayEquals("on an MBR disk".getBytes(StandardCharsets.UTF_8),
                    m.files().read("/vol/ahci0:disk1p1/c.txt").orElseThrow());
            assertTrue(m.scenario().startsWith("drive file="), m.scenario());
        }
    }

    @Test
    void typedWritesReadBackAndTheVolumeStaysClean() throws Exception {
        try (SimMachine m = described(4)) {
            byte[] data = new byte[200_000];
            new java.util.Random(4).nextBytes(data);
            m.files().write(ONE + "/big.bin", data);
            assertArrayEquals(data, m.files().read(ONE + "/big.bin").orElseThrow());
            FsOracle.fsck(m, "ahci0:disk0p1");
        }
    }

    @Test
    void sticksAndNicsAreDescribedToo() throws Exception {
        try (SimMachine m = SimMachine.builder().seed(5)
                .stick(Disk.mbr().fat16Volume("STICK", 16 * Disk.MIB).file("/s.txt", "stick"))
                .nic("").nic("net=other").build()) {
            assertArrayEquals("stick".getBytes(StandardCharsets.UTF_8), m.files().read("/vol/msc0:p1/s.txt").orElseThrow());
            assertTrue(m.command("ifconfig eth1").ok(), m.scenario());
            assertTrue(m.check("usb detach msc0:", "expect output contains \"detached\"").isEmpty());
            assertTrue(m.files().read("/vol/msc0:p1/s.txt").isEmpty() || !m.command("ls /vol/msc0:p1").ok());
            assertTrue(m.scenario().contains("nic net=other\nboot\n"), m.scenario());
        }
    }

    @Test
    void typedViewsSeeTasksAndDevices() {
        try (SimMachine m = SimMachine.builder().build()) {
            assertTrue(m.tasks().stream().anyMatch(t -> t.name().equals("devd") && t.state().alive()));
            assertTrue(m.devices().stream().anyMatch(d -> d.info().name().equals("msc0:") && !d.driver().equals("-")),
                    m.devices().toString());
            assertTrue(m.ports().stream().anyMatch(p -> p.info().name().equals("ahci0:disk0")));
        }
    }

    @Test
    void aScenarioSaysWhichExpectationFailedAndWhere() {
        try (SimMachine m = SimMachine.builder().build()) {
            RunResult ok = m.run("ps\nexpect output contains \"devd\"");
            assertTrue(ok.passed(), ok.failure());
            RunResult failed = m.run("ps\n# a comment\nexpect output contains \"no such task\"");
            assertEquals(1, failed.exitCode());
            assertTrue(failed.failure().startsWith("scenario:3:"), failed.failure());
            assertThrows(AssertionError.class, failed::assertPassed);
            assertEquals(2, m.run("frobnicate now").exitCode());
        }
    }

    @Test
    void badInputIsAOneLineError() {
        try (SimMachine m = SimMachine.builder().build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.command("frobnicate"));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.command("expect error"));
            assertFalse(m.command("cat /vol/nowhere/x").ok());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimMachine.builder().disk(Disk.gpt().fat16Volume("X", Disk.MIB).file("/a", new byte[4 << 20]))
                        .build());
        assertTrue(e.getMessage().startsWith("the disk cannot be built"), e.getMessage());
    }

    @Test
    void theScenarioReplaysToTheSameTraceAndLeavesNoCallOpen() {
        try (SimMachine m = described(11)) {
            assertTrue(m.command("write " + ONE + "/n.txt one two").ok());
            assertTrue(m.command("crash fatfsd@ahci0:disk0p1").ok());
            assertTrue(m.command("sleep 2s").ok());
            assertTrue(m.check("cat " + ONE + "/n.txt", "expect output contains \"one two\"").isEmpty());
            TraceAssert.assertThat(m).everyCallAnswered().noTaskBlockedForever();
            try (SimMachine again = m.replay()) {
                TraceAssert.assertThat(m).sameFingerprintOnReplay(again);
            }
            // The printed scenario is what sim run replays: run as a scenario, it gives the same trace too.
            try (SimMachine fresh = SimMachine.builder().seed(11).unbooted().build()) {
                fresh.run(m.scenario()).assertPassed();
                TraceAssert.assertThat(m).sameFingerprintOnReplay(fresh);
            }
        }
    }

    /** A service of the test's own: answers every call on its port {@code upper} with the bytes upper-cased. */
    static final class Upper implements Program {
        @Override
        public void run(Sys sys) {
            Handle port = sys.registerPort(PortInfo.of("upper", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC))
                    .orThrow();
            while (true) {
                Received call = sys.receive(Sys.FOREVER, port).orThrow();
                String text = new String(call.message().data(), StandardCharsets.UTF_8);
                sys.reply(call.replyRight(), Message.of(call.msgId(),
                        text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** A client of the test's own: calls {@code upper} with its argument words and logs the answer. */
    static final class Shout implements Program {
        @Override
        public void run(Sys sys) {
            Handle upper = sys.lookup("upper", Duration.ofSeconds(5)).orThrow();
            Message answer = sys.call(upper, Message.of(MsgIds.DEMO_BASE, sys.start().args()), Duration.ofSeconds(5))
                    .orThrow();
            sys.log("shout: " + new String(answer.data(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theTestsOwnProgramsRunInTheSystemAndSaySimCannotReplayThem() {
        try (SimMachine m = SimMachine.builder().seed(6).service("upper", Upper::new, "vfs")
                .program("shout", Shout::new).build()) {
            assertTrue(m.check("spawn shout hello world", "expect output contains \"shout: HELLO WORLD\"").isEmpty(),
                    m.scenario());
            // The service manager supervises it as any service: crashed, it comes back and serves again.
            assertTrue(m.command("crash upper").ok(), m.scenario());
            assertTrue(m.command("sleep 2s").ok());
            assertTrue(m.check("spawn shout again", "expect output contains \"shout: AGAIN\"").isEmpty(),
                    m.scenario());
            assertEquals(List.of("upper", "shout"), m.ownPrograms());
            assertTrue(m.scenario().startsWith("# runs programs of the test's own (upper, shout)"), m.scenario());
            try (SimMachine again = m.replay()) {
                TraceAssert.assertThat(m).sameFingerprintOnReplay(again);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimMachine.builder().program("echo", Shout::new).build());
        assertTrue(e.getMessage().contains("there is a program named echo already"), e.getMessage());
    }

    @Test
    void traceAndPcapFilesAreWrittenAsSimWritesThem(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.json");
        Path pcap = dir.resolve("n.pcapng");
        try (SimMachine m = SimMachine.builder().seed(8).trace(trace).pcap(pcap).build()) {
            assertTrue(m.command("ping 10.0.2.2").ok(), m.scenario());
        }
        String json = Files.readString(trace);
        assertTrue(json.startsWith("{") && json.contains("\"traceEvents\"") && json.contains("devd"),
                json.substring(0, Math.min(200, json.length())));
        // pcapng: a section header block, then the frames of DHCP and the ping.
        byte[] frames = Files.readAllBytes(pcap);
        assertEquals(0x0a0d0d0a, java.nio.ByteBuffer.wrap(frames).getInt());
        assertTrue(frames.length > 500, frames.length + " bytes");
    }

    @Test
    void anotherSeedGivesAnotherTrace() {
        // The demo machine: a failure's report keeps the image files a described disk was written to, for the replay.
        try (SimMachine m = SimMachine.builder().seed(11).build();
             SimMachine other = SimMachine.builder().seed(12).unbooted().build()) {
            assertTrue(m.command("crash ahci").ok());
            other.run(m.scenario()).assertPassed();
            assertThrows(AssertionError.class, () -> TraceAssert.assertThat(m).sameFingerprintOnReplay(other));
        }
    }
}
