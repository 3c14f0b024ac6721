package org.microsim.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
