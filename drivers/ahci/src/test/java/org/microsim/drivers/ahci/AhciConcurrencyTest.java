package org.microsim.drivers.ahci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.drivers.ahci.AhciDriverTest.assertRead;
import static org.microsim.drivers.ahci.Rig.DISK0;
import static org.microsim.drivers.ahci.Rig.open;
import static org.microsim.drivers.ahci.Rig.patterned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Mmio;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.testkit.task.KernelRig;

/**
 * Many requests at once across the command slots, determinism of the whole run, failing sectors, and a
 * driver crash in the middle of a client's reads.
 */
class AhciConcurrencyTest {
    private static final long SECTORS = 16384;
    /** Small slot buffers, so that one 1 MiB request takes 256 commands and waits for slots. */
    private static final byte[] SMALL_SLOTS = Ahci.slotBytesArgument(4096);

    /** Each client writes and reads back its own megabyte while the others do the same. */
    private static KernelRig.Body worker(int index, boolean check) {
        return sys -> {
            BlockClient disk = open(sys, DISK0);
            byte[] data = new byte[1 << 20];
            new Random(index).nextBytes(data);
            long lba = 2048L * (index + 1);
            disk.write(lba, 2048, data, 0);
            assertRead(disk, 100 * index, 300);
            byte[] back = new byte[data.length];
            disk.read(lba, 2048, back, 0);
            if (check) {
                assertArrayEquals(data, back, "client " + index);
            }
        };
    }

    @Test
    void severalClientsAtOnceGetTheirOwnData() {
        try (KernelRig rig = Rig.boot(1, SMALL_SLOTS, patterned(SECTORS, false))) {
            rig.run(worker(0, true), worker(1, true), worker(2, true), worker(3, true));
        }
    }

    @Test
    void commandsOfSeveralRequestsAreInFlightTogether() {
        try (KernelRig rig = Rig.boot(1, SMALL_SLOTS, patterned(SECTORS, false))) {
            rig.start(worker(0, true), worker(1, true));
            Mmio abar = rig.machine().ahciRegisters().orElseThrow();
            int most = 0;
            for (int step = 0; step < 200; step++) {
                rig.kernel().advance(Duration.ofNanos(50_000));
                most = Math.max(most, Integer.bitCount(abar.read32(0x100 + 0x38)));
            }
            rig.settle();
            assertTrue(most > 16, "at most " + most + " slots were issued at once");
        }
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        List<Long> prints = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (KernelRig rig = Rig.boot(42, SMALL_SLOTS, patterned(SECTORS, false))) {
                rig.run(worker(0, true), worker(1, true), worker(2, true));
                prints.add(rig.kernel().trace().fingerprint());
            }
        }
        assertEquals(prints.get(0), prints.get(1));
    }

    @Test
    void aFailingSectorFailsItsRequestAndThePortRecovers() {
        try (KernelRig rig = Rig.boot(new FlakyImage(patterned(SECTORS, false), 500, 501))) {
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK0);
                assertEquals(BlockError.IO_ERROR,
                        assertThrows(BlockException.class, () -> disk.read(490, 20, new byte[20 * 512], 0)).error());
                assertEquals(BlockError.IO_ERROR,
                        assertThrows(BlockException.class, () -> disk.write(500, 1, new byte[512], 0)).error());
                assertRead(disk, 400, 100);
                assertRead(disk, 501, 64);
            });
        }
    }

    @Test
    void concurrentRequestsSurviveAnotherRequestsDiskError() {
        try (KernelRig rig = Rig.boot(3, SMALL_SLOTS, new FlakyImage(patterned(SECTORS, false), 9000, 9001))) {
            List<BlockError> errors = new CopyOnWriteArrayList<>();
            KernelRig.Body bad = sys -> {
                BlockClient disk = open(sys, DISK0);
                for (int i = 0; i < 5; i++) {
                    BlockException e = assertThrows(BlockException.class,
                            () -> disk.read(8990, 20, new byte[20 * 512], 0));
                    errors.add(e.error());
                }
            };
            KernelRig.Body good = sys -> {
                BlockClient disk = open(sys, DISK0);
                for (int i = 0; i < 10; i++) {
                    try {
                        assertRead(disk, 64L * i, 200);
                    } catch (BlockException e) {
                        // Recovery drops whatever else was in flight on the port; that is an I/O error, never
                        // wrong data.
                        assertEquals(BlockError.IO_ERROR, e.error());
                    }
                }
                assertRead(disk, 0, 8);
            };
            rig.run(bad, good, good);
            assertEquals(List.of(BlockError.IO_ERROR, BlockError.IO_ERROR, BlockError.IO_ERROR, BlockError.IO_ERROR,
                    BlockError.IO_ERROR), errors);
        }
    }

    @Test
    void commandsThatOutliveTheirTimeoutFailAndThePortServesAgain() {
        // Commands run one at a time, 300 ms each: of 32 issued at once, the later ones pass the 5 s timeout.
        ModelOptions slow = new ModelOptions(300_000_000L, ModelOptions.DEFAULT.nicLatencyNanos(),
                ModelOptions.DEFAULT.memoryBytes());
        try (KernelRig rig = Rig.boot(1, SMALL_SLOTS, slow, patterned(SECTORS, false))) {
            rig.start(sys -> {
                BlockClient disk = open(sys, DISK0);
                BlockException e = assertThrows(BlockException.class,
                        () -> disk.read(0, 2048, new byte[1 << 20], 0));
                assertEquals(BlockError.IO_ERROR, e.error());
                assertTrue(e.getMessage().contains("did not complete"), e.getMessage());
                assertRead(disk, 77, 8);
            });
            rig.settle(Duration.ofSeconds(10));
        }
    }

    @Test
    void aClientDyingMidReadDoesNotHurtTheDriver() {
        try (KernelRig rig = Rig.boot(1, Ahci.slotBytesArgument(512), patterned(SECTORS, false))) {
            String doomed = rig.start(sys -> {
                BlockClient disk = open(sys, DISK0);
                while (true) {
                    assertRead(disk, 0, 2048);
                }
            }).get(0);
            rig.kernel().advance(Duration.ofMillis(60));
            rig.killClient(doomed);
            rig.settle();
            rig.run(sys -> {
                BlockClient disk = open(sys, DISK0);
                assertRead(disk, 3000, 2048);
                disk.write(5, 1, new byte[512], 0);
                assertRead(disk, 6, 1);
            });
            assertEquals(1, rig.driverStarts());
        }
    }

    @Test
    void aCrashedDriverFailsItsCallersAndItsSuccessorServesAgain() {
        try (KernelRig rig = Rig.boot(1, Ahci.slotBytesArgument(512), patterned(SECTORS, false))) {
            ConcurrentHashMap<String, Object> seen = new ConcurrentHashMap<>();
            rig.start(sys -> {
                BlockClient disk = open(sys, DISK0);
                int good = 0;
                while (true) {
                    try {
                        assertRead(disk, 1000, 2048);
                        good++;
                    } catch (BlockException e) {
                        seen.put("error", e.error());
                        break;
                    }
                }
                seen.put("good", good);
                BlockClient again = open(sys, DISK0);
                assertRead(again, 1000, 2048);
                assertRead(again, SECTORS - 1, 1);
                seen.put("again", true);
            });
            rig.kernel().advance(Duration.ofMillis(100));
            rig.kernel().kill(rig.task("ahci"), true, "test");
            rig.settle();
            assertEquals(BlockError.DEVICE_GONE, seen.get("error"));
            assertTrue((Integer) seen.get("good") >= 1, "reads before the crash: " + seen.get("good"));
            assertEquals(true, seen.get("again"));
            assertEquals(2, rig.driverStarts());
        }
    }
}
