package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.machine.AhciClient.*;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** Injected disk faults through the AHCI model's registers: the error bits, the hang and COMRESET, corrupt data. */
class AhciFaultTest {
    private final MemoryImage disk = new MemoryImage(4096);
    private final AhciClient ahci = new AhciClient(List.of(disk));
    private final DiskFaults faults = ahci.hba.faults(0);
    private final DmaBuffer buf = ahci.alloc(4096);

    @Test
    void anIoFaultOnAReadIsAnUncorrectableErrorWithTfesAndAHalt() {
        ahci.start(0);
        faults.arm(DiskFaults.Kind.IO, 1, 0, Long.MAX_VALUE, 1);
        int is = ahci.run(0, 0, READ_DMA_EXT, 8, 1, false, List.of(new Prd(buf.physAddress(), 512)));
        assertTrue((is & IS_TFES) != 0);
        int tfd = ahci.port(0, PX_TFD);
        assertEquals(1, tfd & 1, "STS.ERR");
        assertEquals(0x40, tfd >>> 8 & 0xff, "ERR.UNC on a read");
        assertEquals(1, ahci.port(0, PX_CI), "the failing slot stays issued until ST is cleared");
        assertEquals(0x40, ahci.fisAreas[0].getInt(0x40) >>> 24 & 0xff, "the D2H FIS carries the error too");

        // The spec's recovery, then the next read works: the fault was for one command.
        ahci.port(0, PX_CMD, CMD_FRE);
        ahci.port(0, PX_SERR, -1);
        ahci.port(0, PX_IS, -1);
        ahci.port(0, PX_CMD, CMD_FRE | CMD_ST);
        assertEquals(IS_DHRS, ahci.run(0, 0, READ_DMA_EXT, 8, 1, false, List.of(new Prd(buf.physAddress(), 512))));
        assertEquals(1, faults.hits());
    }

    @Test
    void anIoFaultOnAWriteAbortsAndWritesNothing() throws IOException {
        ahci.start(0);
        faults.arm(DiskFaults.Kind.IO, 1, 0, Long.MAX_VALUE, 1);
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 0x5a);
        buf.write(0, data, 0, 512);
        int is = ahci.run(0, 0, WRITE_DMA_EXT, 3, 1, true, List.of(new Prd(buf.physAddress(), 512)));
        assertTrue((is & IS_TFES) != 0);
        assertEquals(0x04, ahci.port(0, PX_TFD) >>> 8 & 0xff, "ERR.ABRT on a write");
        byte[] onDisk = new byte[512];
        disk.read(3 * 512, onDisk, 0, 512);
        assertArrayEquals(new byte[512], onDisk);
    }

    @Test
    void aFaultHitsOnlyCommandsTouchingItsRangeAndOnlyCountTimes() {
        ahci.start(0);
        faults.arm(DiskFaults.Kind.IO, 2, 100, 199, 1);
        assertEquals(IS_DHRS, ahci.run(0, 0, READ_DMA_EXT, 90, 8, false, List.of(new Prd(buf.physAddress(), 4096))));
        assertEquals(IS_DHRS, ahci.run(0, 0, READ_DMA_EXT, 200, 8, false, List.of(new Prd(buf.physAddress(), 4096))));
        assertEquals(List.of("error=io count=2 lba=100-199"), faults.active());
        ahci.port(0, PX_IS, -1);
        assertTrue((ahci.run(0, 0, READ_DMA_EXT, 95, 8, false, List.of(new Prd(buf.physAddress(), 4096)))
                & IS_TFES) != 0, "blocks 95..102 overlap the range");
        assertEquals(List.of("error=io count=1 lba=100-199"), faults.active());
        assertEquals(1, faults.clear());
        assertEquals(List.of(), faults.active());
    }

    @Test
    void aTimeoutHangsTheCommandSoStOffLeavesCrSetUntilAComreset() {
        ahci.start(0);
        faults.arm(DiskFaults.Kind.TIMEOUT, 1, 0, Long.MAX_VALUE, 1);
        ahci.prepare(0, 0, READ_DMA_EXT, 0, 1, false, List.of(new Prd(buf.physAddress(), 512)));
        ahci.prepare(0, 1, READ_DMA_EXT, 1, 1, false, List.of(new Prd(buf.physAddress(), 512)));
        ahci.port(0, PX_CI, 0b11);
        ahci.timeline.advance(1_000_000_000L);
        assertEquals(0b11, ahci.port(0, PX_CI), "neither the hung command nor the one behind it completes");
        assertEquals(0, ahci.port(0, PX_IS));
        assertEquals(0x80, ahci.port(0, PX_TFD) & 0x80, "the device stays busy");

        ahci.port(0, PX_CMD, CMD_FRE);
        assertNotEquals(0, ahci.port(0, PX_CMD) & CMD_CR, "the engine cannot stop on a hung device");
        ahci.port(0, PX_SCTL, 1);
        ahci.port(0, PX_SCTL, 0);
        assertEquals(0, ahci.port(0, PX_CMD) & CMD_CR, "COMRESET frees it");
        assertEquals(0x50, ahci.port(0, PX_TFD));
        ahci.port(0, PX_SERR, -1);
        ahci.port(0, PX_IS, -1);
        ahci.port(0, PX_CMD, CMD_FRE | CMD_ST);
        assertEquals(IS_DHRS, ahci.run(0, 0, READ_DMA_EXT, 0, 1, false, List.of(new Prd(buf.physAddress(), 512))));
    }

    @Test
    void aCorruptReadSucceedsWithOneByteFlippedPerBlockInRangeTheSameForTheSameSeed() {
        byte[] first = corruptRead(42);
        byte[] again = corruptRead(42);
        assertArrayEquals(first, again, "the same seed flips the same bytes");
        for (int block = 0; block < 8; block++) {
            int flipped = 0;
            for (int i = 0; i < 512; i++) {
                flipped += first[block * 512 + i] != 0 ? 1 : 0;
            }
            assertEquals(block >= 2 && block <= 4 ? 1 : 0, flipped, "block " + block);
        }
    }

    /** Reads blocks 0..7 of a zeroed disk with a corrupt fault on blocks 2..4, on a fresh HBA. */
    private static byte[] corruptRead(long seed) {
        AhciClient client = new AhciClient(List.of(new MemoryImage(64)));
        client.hba.faults(0).arm(DiskFaults.Kind.CORRUPT, 1, 2, 4, seed);
        client.start(0);
        DmaBuffer data = client.alloc(4096);
        assertEquals(IS_DHRS, client.run(0, 0, READ_DMA_EXT, 0, 8, false, List.of(new Prd(data.physAddress(), 4096))));
        byte[] out = new byte[4096];
        data.read(0, out, 0, 4096);
        return out;
    }
}
