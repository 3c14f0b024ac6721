package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microsim.kernel.machine.AhciClient.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;

/** The AHCI model through its registers and simulated memory only, as QEMU's ahci-test does. */
class AhciControllerTest {
    private static final long SECTORS = 4096;
    private final MemoryImage disk = new MemoryImage(SECTORS);
    private final AhciClient ahci = new AhciClient(List.of(disk));

    @Test
    void hbaIdentifiesAsAhci131WithSixPorts() {
        int cap = ahci.hba(CAP);
        assertEquals(5, cap & 0x1f, "CAP.NP");
        assertEquals(31, cap >>> 8 & 0x1f, "CAP.NCS");
        assertTrue((cap & 1 << 18) != 0, "CAP.SAM");
        assertTrue((cap & 1 << 31) != 0, "CAP.S64A");
        assertEquals(0x3f, ahci.hba(PI));
        assertEquals(0x00010301, ahci.hba(VS));
        assertEquals(0, ahci.hba(CAP2));
        assertEquals(1 << 31, ahci.hba(GHC), "AE set, IE clear");
    }

    @Test
    void outOfRangeAndMisalignedAccessReadsAllOnes() {
        assertEquals(-1, ahci.abar.read32(AhciController.ABAR_SIZE));
        assertEquals(-1, ahci.abar.read32(2));
        assertEquals(-1, ahci.abar.read32(-4));
        ahci.abar.write32(6, 0x1234);
        assertEquals(0x00010301, ahci.hba(VS));
    }

    @Test
    void deviceDetectionReportsSignatureOnlyWhereADiskIs() {
        assertEquals(0x123, ahci.port(0, PX_SSTS));
        assertEquals(3, ahci.port(0, PX_SSTS) & 0xf, "DET: device present, phy up");
        assertEquals(0x101, ahci.port(0, PX_SIG));
        assertEquals(0, ahci.port(0, PX_TFD) & 0x88, "neither BSY nor DRQ");
        assertEquals(0, ahci.port(1, PX_SSTS) & 0xf, "no device on port 1");
        assertNotEquals(0x101, ahci.port(1, PX_SIG));
    }

    @Test
    void commandListRunningFollowsStartAndFisRunningFollowsFre() {
        ahci.start(0);
        int cmd = ahci.port(0, PX_CMD);
        assertTrue((cmd & CMD_CR) != 0 && (cmd & CMD_FR) != 0);
        ahci.port(0, PX_CMD, CMD_FRE);
        cmd = ahci.port(0, PX_CMD);
        assertEquals(0, cmd & (CMD_ST | CMD_CR));
        assertEquals(CMD_FRE | CMD_FR, cmd & (CMD_FRE | CMD_FR));
        ahci.port(0, PX_CMD, 0);
        assertEquals(0, ahci.port(0, PX_CMD) & (CMD_FRE | CMD_FR));
    }

    @Test
    void fisReceiveDeliversTheSignatureFis() {
        ahci.start(0);
        DmaBuffer fis = ahci.fisAreas[0];
        assertEquals(0x34, fis.getInt(0x40) & 0xff, "D2H register FIS type");
        assertEquals(0x50, fis.getInt(0x40) >>> 16 & 0xff, "status DRDY|DSC");
    }

    @Test
    void hbaResetClearsPortStateButKeepsTheListAddresses() {
        ahci.start(0);
        ahci.hba(GHC, 1 << 1);
        ahci.port(0, PX_IE, 0xff);
        long clb = ahci.commandLists[0].physAddress();
        ahci.hba(GHC, 1);
        assertEquals(1 << 31, ahci.hba(GHC), "HR self-clears, IE cleared, AE stays");
        assertEquals(0, ahci.port(0, PX_IE));
        assertEquals(0, ahci.port(0, PX_CMD) & (CMD_ST | CMD_CR | CMD_FRE | CMD_FR));
        assertEquals((int) clb, ahci.port(0, PX_CLB));
        assertEquals(0x101, ahci.port(0, PX_SIG));
    }

    @Test
    void identifyDescribesA512ByteLba48Disk() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(512);
        int is = ahci.run(0, 0, IDENTIFY, 0, 0, false, List.of(new Prd(buf.physAddress(), 512)));
        assertEquals(IS_DHRS | IS_PSS, is & (IS_DHRS | IS_PSS | IS_TFES));
        assertEquals(0, ahci.port(0, PX_CI));
        assertEquals(512, ahci.prdbc(0, 0));
        byte[] id = new byte[512];
        buf.read(0, id, 0, 512);
        assertEquals("MICROSIM HARDDISK", ataString(id, 27, 40).trim());
        assertEquals("1.0", ataString(id, 23, 8).trim());
        assertTrue(ataString(id, 10, 20).trim().startsWith("MS"));
        assertTrue((word(id, 83) & 1 << 10) != 0, "LBA48 supported");
        assertTrue((word(id, 86) & 1 << 10) != 0, "LBA48 enabled");
        assertTrue((word(id, 49) & 0x300) == 0x300, "LBA and DMA");
        long lba48 = word(id, 100) | (long) word(id, 101) << 16 | (long) word(id, 102) << 32;
        assertEquals(SECTORS, lba48);
        assertEquals(SECTORS, word(id, 60) | word(id, 61) << 16);
        assertEquals(0x4000, word(id, 106), "valid, 1 logical per physical, 512-byte logical sectors");
        assertEquals(0, word(id, 117) | word(id, 118));
        int sum = 0;
        for (byte b : id) {
            sum += b;
        }
        assertEquals(0xa5, id[510] & 0xff);
        assertEquals(0, sum & 0xff, "integrity word checksum");
        DmaBuffer fis = ahci.fisAreas[0];
        assertEquals(0x5f, fis.getInt(0x20) & 0xff, "PIO setup FIS");
        assertEquals(0x34, fis.getInt(0x40) & 0xff, "D2H register FIS");
    }

    @Test
    void writeThenReadThroughFragmentedPrdts() throws IOException {
        ahci.start(0);
        byte[] data = new byte[8 * 512];
        new Random(7).nextBytes(data);
        DmaBuffer a = ahci.alloc(4096);
        DmaBuffer b = ahci.alloc(8192);
        // Odd split points: 1000 + 2 + 3094 bytes, from three places in two buffers.
        a.write(100, data, 0, 1000);
        b.write(6000, data, 1000, 2);
        b.write(10, data, 1002, 3094);
        List<Prd> out = List.of(new Prd(a.physAddress() + 100, 1000), new Prd(b.physAddress() + 6000, 2),
                new Prd(b.physAddress() + 10, 3094));
        int is = ahci.run(0, 3, WRITE_DMA_EXT, 100, 8, true, out);
        assertEquals(0, is & (IS_TFES | IS_HBFS | IS_OFS));
        assertEquals(4096, ahci.prdbc(0, 3));
        byte[] onDisk = new byte[4096];
        disk.read(100 * 512, onDisk, 0, 4096);
        assertArrayEquals(data, onDisk);

        DmaBuffer c = ahci.alloc(8192);
        List<Prd> in = List.of(new Prd(c.physAddress() + 4000, 514), new Prd(c.physAddress(), 3000),
                new Prd(c.physAddress() + 5000, 1000));
        ahci.port(0, PX_IS, -1);
        is = ahci.run(0, 4, READ_DMA_EXT, 100, 8, false, in);
        assertEquals(IS_DHRS, is);
        byte[] back = new byte[4096];
        c.read(4000, back, 0, 514);
        c.read(0, back, 514, 3000);
        c.read(5000, back, 3514, 582);
        assertArrayEquals(data, back);
        assertEquals(4096, ahci.prdbc(0, 4), "only what the command moves, not the PRDT's full 4514 bytes");
    }

    @Test
    void severalSlotsInFlightCompleteOneAtATimeInSlotOrder() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(3 * 512);
        for (int slot = 0; slot < 3; slot++) {
            ahci.prepare(0, slot, READ_DMA_EXT, slot, 1, false, List.of(new Prd(buf.physAddress() + 512L * slot, 512)));
        }
        ahci.port(0, PX_CI, 0b111);
        assertEquals(0b111, ahci.port(0, PX_CI));
        ahci.timeline.advance(LATENCY);
        assertEquals(0b110, ahci.port(0, PX_CI));
        ahci.timeline.advance(LATENCY);
        assertEquals(0b100, ahci.port(0, PX_CI));
        ahci.timeline.advance(LATENCY);
        assertEquals(0, ahci.port(0, PX_CI));
        assertTrue((ahci.port(0, PX_IS) & IS_DHRS) != 0);
    }

    @Test
    void outOfRangeLbaAbortsAndHaltsUntilStIsCleared() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(1024);
        ahci.prepare(0, 0, READ_DMA_EXT, SECTORS - 1, 2, false, List.of(new Prd(buf.physAddress(), 1024)));
        ahci.prepare(0, 1, READ_DMA_EXT, 0, 1, false, List.of(new Prd(buf.physAddress(), 512)));
        ahci.port(0, PX_CI, 0b11);
        ahci.timeline.runUntilIdle();
        assertTrue((ahci.port(0, PX_IS) & IS_TFES) != 0);
        int tfd = ahci.port(0, PX_TFD);
        assertEquals(1, tfd & 1, "STS.ERR");
        assertEquals(0x04, tfd >>> 8 & 0xff, "ERR.ABRT");
        assertEquals(0b11, ahci.port(0, PX_CI), "failing and later slots stay issued");
        assertEquals(0, ahci.port(0, PX_CMD) >>> 8 & 0x1f, "CCS names the failing slot");
        // Recovery: clear ST, wait for CR, clear errors, start again.
        ahci.port(0, PX_CMD, CMD_FRE);
        assertEquals(0, ahci.port(0, PX_CMD) & CMD_CR);
        assertEquals(0, ahci.port(0, PX_CI));
        ahci.port(0, PX_SERR, -1);
        ahci.port(0, PX_IS, -1);
        ahci.port(0, PX_CMD, CMD_FRE | CMD_ST);
        int is = ahci.run(0, 1, READ_DMA_EXT, 0, 1, false, List.of(new Prd(buf.physAddress(), 512)));
        assertEquals(IS_DHRS, is);
        assertEquals(0x50, ahci.port(0, PX_TFD));
    }

    @Test
    void unknownCommandAborts() {
        ahci.start(0);
        int is = ahci.run(0, 0, 0x99, 0, 0, false, List.of());
        assertTrue((is & IS_TFES) != 0);
        assertEquals(0x0451, ahci.port(0, PX_TFD));
        assertEquals(1, ahci.port(0, PX_CI));
    }

    @Test
    void writeToReadOnlyDiskAborts() throws IOException {
        AhciClient ro = new AhciClient(List.of(MemoryImage.of(new byte[4096], true)));
        ro.start(0);
        DmaBuffer buf = ro.alloc(512);
        buf.putInt(0, 0xdeadbeef);
        int is = ro.run(0, 0, WRITE_DMA_EXT, 0, 1, true, List.of(new Prd(buf.physAddress(), 512)));
        assertTrue((is & IS_TFES) != 0);
        assertEquals(0x04, ro.port(0, PX_TFD) >>> 8);
    }

    @Test
    void unmappedDataBufferIsAHostBusFatalError() {
        ahci.start(0);
        int is = ahci.run(0, 0, READ_DMA_EXT, 0, 1, false, List.of(new Prd(0x5000, 512)));
        assertTrue((is & IS_HBFS) != 0);
        assertEquals(1, ahci.port(0, PX_CI));
    }

    @Test
    void unmappedCommandListIsAHostBusFatalError() {
        ahci.port(0, PX_CLB, 0x2000);
        ahci.port(0, PX_CMD, CMD_ST);
        ahci.port(0, PX_CI, 1);
        ahci.timeline.runUntilIdle();
        assertTrue((ahci.port(0, PX_IS) & IS_HBFS) != 0);
    }

    @Test
    void prdtShorterThanTheTransferIsAnOverflow() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(512);
        int is = ahci.run(0, 0, READ_DMA_EXT, 0, 2, false, List.of(new Prd(buf.physAddress(), 512)));
        assertTrue((is & IS_OFS) != 0);
    }

    @Test
    void interruptsAreGatedByPortEnableAndGhcIeAndClearedByWritingOne() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(512);
        List<Prd> prdt = List.of(new Prd(buf.physAddress(), 512));
        ahci.run(0, 0, READ_DMA_EXT, 0, 1, false, prdt);
        assertEquals(0, ahci.irq.raisedCount(), "PxIE is zero");
        assertEquals(0, ahci.hba(IS));
        ahci.port(0, PX_IS, IS_DHRS);
        assertEquals(0, ahci.port(0, PX_IS));

        ahci.port(0, PX_IE, IS_DHRS | IS_TFES);
        ahci.run(0, 0, READ_DMA_EXT, 0, 1, false, prdt);
        assertEquals(1, ahci.hba(IS), "port 0 pending");
        assertEquals(0, ahci.irq.raisedCount(), "GHC.IE is clear");
        ahci.hba(GHC, 1 << 1);
        assertEquals(1, ahci.irq.raisedCount(), "enabling IE with a pending port interrupts");

        ahci.port(0, PX_IS, IS_DHRS);
        ahci.hba(IS, 1);
        assertEquals(0, ahci.hba(IS));
        assertEquals(0, ahci.port(0, PX_IS) & IS_DHRS);
        ahci.run(0, 0, READ_DMA_EXT, 0, 1, false, prdt);
        assertEquals(2, ahci.irq.raisedCount());
        assertEquals(1, ahci.hba(IS));
    }

    @Test
    void commandsIssuedWhileStoppedAreIgnoredAndStoppingCancelsInFlight() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(512);
        ahci.prepare(0, 0, READ_DMA_EXT, 0, 1, false, List.of(new Prd(buf.physAddress(), 512)));
        ahci.issue(0, 0);
        ahci.port(0, PX_CMD, CMD_FRE);
        ahci.timeline.runUntilIdle();
        assertEquals(0, ahci.port(0, PX_CI));
        assertEquals(0, ahci.port(0, PX_IS));
        ahci.issue(0, 0);
        assertEquals(0, ahci.port(0, PX_CI));
    }

    @Test
    void flushSucceeds() {
        ahci.start(0);
        int is = ahci.run(0, 0, FLUSH_CACHE_EXT, 0, 0, false, List.of());
        assertEquals(IS_DHRS, is);
    }

    @Test
    void comresetBringsTheLinkBackWithASignature() {
        ahci.port(0, PX_SCTL, 1);
        assertEquals(0, ahci.port(0, PX_SSTS) & 0xf);
        ahci.port(0, PX_SCTL, 0);
        assertEquals(0x123, ahci.port(0, PX_SSTS));
        assertEquals(0x101, ahci.port(0, PX_SIG));
        assertTrue((ahci.port(0, PX_SERR) & 1 << 26) != 0, "SERR.DIAG.X");
        ahci.port(0, PX_SERR, -1);
        assertEquals(0, ahci.port(0, PX_SERR));
    }

    @Test
    void prdInterruptBitSetsDescriptorProcessed() {
        ahci.start(0);
        DmaBuffer buf = ahci.alloc(1024);
        int is = ahci.run(0, 0, READ_DMA_EXT, 0, 2, false,
                List.of(new Prd(buf.physAddress(), 512), new Prd(buf.physAddress() + 512, 512, true)));
        assertEquals(IS_DHRS | IS_DPS, is);
    }

    @Test
    void softResetThroughDeviceControlFisesResendsTheSignature() {
        ahci.start(0);
        DmaBuffer table = ahci.alloc(0x80);
        byte[] fis = new byte[20];
        fis[0] = 0x27;
        fis[15] = 0x04; // SRST
        table.write(0, fis, 0, 20);
        ahci.header(0, 0, 5 | 1 << 8 | 1 << 10, table.physAddress()); // R and C bits
        ahci.fisAreas[0].clear(0, 256);
        ahci.issue(0, 0);
        ahci.timeline.runUntilIdle();
        assertEquals(0, ahci.port(0, PX_CI));
        assertEquals(0x80, ahci.port(0, PX_TFD) & 0x80, "BSY while SRST is asserted");
        fis[15] = 0;
        table.write(0, fis, 0, 20);
        ahci.header(0, 1, 5, table.physAddress());
        ahci.issue(0, 1);
        ahci.timeline.runUntilIdle();
        assertEquals(0, ahci.port(0, PX_CI));
        assertEquals(0x50, ahci.port(0, PX_TFD));
        assertEquals(0x101, ahci.port(0, PX_SIG));
        assertEquals(0x34, ahci.fisAreas[0].getInt(0x40) & 0xff, "signature D2H FIS");
    }

    @Test
    void aPortWithoutADeviceNeverRunsWhatIsIssued() {
        ahci.start(1);
        DmaBuffer buf = ahci.alloc(512);
        int is = ahci.run(1, 0, IDENTIFY, 0, 0, false, List.of(new Prd(buf.physAddress(), 512)));
        assertEquals(0, is);
        assertEquals(1, ahci.port(1, PX_CI));
        assertEquals(0, buf.getInt(0));
        assertEquals(0x7f, ahci.port(1, PX_TFD));
    }

    @Test
    void lba48AddressesReachTheEndOfALargeDisk() throws IOException {
        MemoryImage big = new MemoryImage(1L << 33 >>> 1); // 2^32 sectors: needs LBA48
        AhciClient c = new AhciClient(List.of(big));
        byte[] sector = new byte[512];
        new Random(5).nextBytes(sector);
        long last = big.sectorCount() - 1;
        big.write(last * 512, sector, 0, 512);
        c.start(0);
        DmaBuffer buf = c.alloc(512);
        assertEquals(IS_DHRS, c.run(0, 0, READ_DMA_EXT, last, 1, false, List.of(new Prd(buf.physAddress(), 512))));
        byte[] back = new byte[512];
        buf.read(0, back, 0, 512);
        assertArrayEquals(sector, back);
        DmaBuffer id = c.alloc(512);
        c.run(0, 1, IDENTIFY, 0, 0, false, List.of(new Prd(id.physAddress(), 512)));
        byte[] data = new byte[512];
        id.read(0, data, 0, 512);
        assertEquals(0x0fffffff, word(data, 60) | word(data, 61) << 16, "LBA28 capacity saturates");
        assertEquals(1, word(data, 102), "bits 32-47 of the sector count");
    }

    private static int word(byte[] id, int w) {
        return id[2 * w] & 0xff | (id[2 * w + 1] & 0xff) << 8;
    }

    private static String ataString(byte[] id, int firstWord, int chars) {
        byte[] out = new byte[chars];
        for (int i = 0; i < chars / 2; i++) {
            out[2 * i] = id[2 * (firstWord + i) + 1];
            out[2 * i + 1] = id[2 * (firstWord + i)];
        }
        return new String(out, StandardCharsets.US_ASCII);
    }
}
