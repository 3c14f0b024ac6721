package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;

/** The e1000 model through BAR0 and descriptor rings in memory, over a loopback cable. */
class E1000Test {
    // Offsets and bits from Intel's 8254x manual, written here independently of the model.
    static final int CTRL = 0x0, STATUS = 0x8, EERD = 0x14, MDIC = 0x20, ICR = 0xc0, ICS = 0xc8, IMS = 0xd0,
            IMC = 0xd8, RCTL = 0x100, TCTL = 0x400, RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808, RDH = 0x2810,
            RDT = 0x2818, TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818, MPC = 0x4010,
            GPRC = 0x4074, GPTC = 0x4080, ROC = 0x40f8, RAL0 = 0x5400, RAH0 = 0x5404;
    static final int TXDW = 1, LSC = 4, RXO = 0x40, RXT0 = 0x80;
    static final int RING = 8;
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");

    final PhysicalMemory memory = new PhysicalMemory(1L << 30);
    final ManualTimeline timeline = new ManualTimeline();
    final InterruptLine irq = new InterruptLine(11);
    final E1000 nic = new E1000(memory, timeline, irq, MAC, 10_000);
    final Mmio bar = nic.mmio();
    final LoopbackLink cable = new LoopbackLink();
    DmaBuffer rxRing;
    DmaBuffer txRing;
    DmaBuffer rxBuffers;
    DmaBuffer txBuffers;

    @BeforeEach
    void setUp() {
        Object owner = new Object();
        rxRing = memory.allocate(RING * 16, owner).orElseThrow();
        txRing = memory.allocate(RING * 16, owner).orElseThrow();
        rxBuffers = memory.allocate(RING * 2048, owner).orElseThrow();
        txBuffers = memory.allocate(RING * 2048, owner).orElseThrow();
        for (int i = 0; i < RING; i++) {
            rxRing.putLong(16 * i, rxBuffers.physAddress() + 2048L * i);
        }
        bar.write32(RDBAL, (int) rxRing.physAddress());
        bar.write32(RDBAH, (int) (rxRing.physAddress() >>> 32));
        bar.write32(RDLEN, RING * 16);
        bar.write32(RDH, 0);
        bar.write32(RDT, RING - 1);
        bar.write32(TDBAL, (int) txRing.physAddress());
        bar.write32(TDBAH, (int) (txRing.physAddress() >>> 32));
        bar.write32(TDLEN, RING * 16);
        bar.write32(TDH, 0);
        bar.write32(TDT, 0);
        bar.write32(RCTL, 1 << 1 | 1 << 15); // EN, BAM, BSIZE 2048
        bar.write32(TCTL, 1 << 1 | 1 << 3);
        nic.connect(cable);
        bar.read32(ICR);
    }

    @Test
    void identityLinkAndEepromMac() {
        assertTrue((bar.read32(STATUS) & 2) != 0, "LU with the cable in");
        int mac01 = eeprom(0);
        int mac23 = eeprom(1);
        int mac45 = eeprom(2);
        assertEquals(0x5452, mac01);
        assertEquals(0x1200, mac23);
        assertEquals(0x5634, mac45);
        int sum = 0;
        for (int w = 0; w < 64; w++) {
            sum += eeprom(w);
        }
        assertEquals(0xbaba, sum & 0xffff, "EEPROM checksum");
        assertEquals(0x12005452, bar.read32(RAL0));
        assertEquals(0x80005634, bar.read32(RAH0), "AV and the last two bytes");
        int mdic = 1 << 21 | 1 << 16 | 2 << 26;
        bar.write32(MDIC, mdic);
        int answer = bar.read32(MDIC);
        assertTrue((answer & 1 << 28) != 0, "MDIC ready");
        assertTrue((answer & 4) != 0, "PHY status: link up");
    }

    private int eeprom(int word) {
        bar.write32(EERD, word << 8 | 1);
        int v = bar.read32(EERD);
        assertTrue((v & 0x10) != 0, "EERD done");
        return v >>> 16;
    }

    @Test
    void transmittedFrameComesBackThroughTheReceiveRing() {
        bar.write32(IMS, TXDW | RXT0 | LSC);
        byte[] frame = frame(MAC, 100, (byte) 1);
        send(0, frame);
        bar.write32(TDT, 1);
        assertEquals(0, bar.read32(TDH), "nothing before the latency");
        timeline.runUntilIdle();
        assertEquals(1, bar.read32(TDH));
        assertEquals(1, txRing.getInt(12) & 1, "DD written back for RS");
        assertEquals(1, bar.read32(RDH));
        int status = rxRing.getInt(12) & 0xff;
        assertEquals(0x03, status & 0x03, "DD and EOP");
        assertEquals(100, rxRing.getInt(8) & 0xffff);
        byte[] got = new byte[100];
        rxBuffers.read(0, got, 0, 100);
        assertArrayEquals(frame, got);
        int icr = bar.read32(ICR);
        assertEquals(TXDW | RXT0, icr & (TXDW | RXT0));
        assertEquals(0, bar.read32(ICR), "ICR clears on read");
        assertTrue(irq.raisedCount() >= 2);
        assertEquals(1, bar.read32(GPTC));
        assertEquals(1, bar.read32(GPRC));
        assertEquals(0, bar.read32(GPRC), "statistics clear on read");
    }

    @Test
    void shortFramesArePaddedAndFramesToOthersAreFiltered() {
        send(0, frame(MAC, 20, (byte) 2));
        send(1, frame(MacAddress.parse("52:54:00:99:99:99"), 64, (byte) 3));
        send(2, frame(MacAddress.parse("ff:ff:ff:ff:ff:ff"), 64, (byte) 4));
        bar.write32(TDT, 3);
        timeline.runUntilIdle();
        assertEquals(2, bar.read32(RDH), "the frame for another station is not received");
        assertEquals(60, rxRing.getInt(8) & 0xffff, "padded to 60 bytes");
    }

    @Test
    void ringsWrapAround() {
        for (int round = 0; round < 3 * RING; round++) {
            int slot = round % RING;
            send(slot, frame(MAC, 64, (byte) round));
            bar.write32(TDT, (slot + 1) % RING);
            timeline.runUntilIdle();
            assertEquals((slot + 1) % RING, bar.read32(TDH));
            assertEquals((slot + 1) % RING, bar.read32(RDH));
            byte[] got = new byte[64];
            rxBuffers.read(2048 * slot, got, 0, 64);
            assertEquals((byte) round, got[20]);
            rxRing.putInt(16 * slot + 12, 0);
            bar.write32(RDT, slot); // give the descriptor back
        }
        assertEquals(0, bar.read32(MPC));
    }

    @Test
    void framesWithNoFreeDescriptorAreMissedNotThrown() {
        bar.write32(IMS, RXO);
        bar.write32(RDT, 0); // RDH == RDT: the hardware owns no descriptor
        nic.receive(frame(MAC, 64, (byte) 5));
        nic.receive(frame(MAC, 64, (byte) 6));
        assertEquals(2, bar.read32(MPC));
        assertEquals(0, bar.read32(MPC));
        assertTrue((bar.read32(ICR) & RXO) != 0);
        assertEquals(0, bar.read32(RDH));
    }

    @Test
    void linkDownStopsDeliveryAndSignalsLsc() {
        bar.write32(IMS, LSC);
        long before = irq.raisedCount();
        cable.setUp(false);
        assertEquals(0, bar.read32(STATUS) & 2);
        assertEquals(before + 1, irq.raisedCount());
        assertTrue((bar.read32(ICR) & LSC) != 0);
        send(0, frame(MAC, 64, (byte) 7));
        bar.write32(TDT, 1);
        timeline.runUntilIdle();
        assertEquals(1, bar.read32(TDH), "the descriptor is consumed");
        assertEquals(0, bar.read32(RDH), "but nothing arrives");
        cable.setUp(true);
        assertEquals(2, bar.read32(STATUS) & 2);
    }

    @Test
    void interruptMaskSetAndClearAndCauseSet() {
        bar.write32(ICS, LSC);
        assertEquals(0, irq.raisedCount(), "masked");
        bar.write32(IMS, LSC);
        assertEquals(1, irq.raisedCount(), "unmasking a pending cause interrupts");
        assertEquals(LSC, bar.read32(IMS));
        bar.write32(IMC, LSC);
        assertEquals(0, bar.read32(IMS));
        assertEquals(LSC, bar.read32(ICR));
    }

    @Test
    void resetRestoresDefaultsAndTheMac() {
        bar.write32(RAL0, 0);
        bar.write32(IMS, -1);
        bar.write32(CTRL, 1 << 26);
        assertEquals(0, bar.read32(CTRL) & 1 << 26, "RST self-clears");
        assertEquals(0, bar.read32(IMS));
        assertEquals(0, bar.read32(RCTL));
        assertEquals(0x12005452, bar.read32(RAL0));
    }

    @Test
    void ringPointersOutOfRangeAreHarmless() {
        bar.write32(TDT, 1000);
        timeline.runUntilIdle();
        bar.write32(RDT, 99);
        nic.receive(frame(MAC, 64, (byte) 8));
        assertEquals(1, bar.read32(MPC));
        bar.write32(RDLEN, 0);
        bar.write32(RDT, 3);
        nic.receive(frame(MAC, 64, (byte) 9));
        assertEquals(1, bar.read32(MPC));
    }

    @Test
    void largeFramesSpanDescriptorsBothWays() {
        bar.write32(RCTL, 1 << 1 | 3 << 16); // EN, BSIZE 256
        byte[] frame = frame(MAC, 600, (byte) 0x5a);
        frame[599] = 0x11;
        txBuffers.write(0, frame, 0, 100);
        txBuffers.write(4096, frame, 100, 500);
        txRing.putLong(0, txBuffers.physAddress());
        txRing.putInt(8, 100);
        txRing.putLong(16, txBuffers.physAddress() + 4096);
        txRing.putInt(24, 500 | 0x09 << 24); // EOP, RS
        bar.write32(TDT, 2);
        timeline.runUntilIdle();
        assertEquals(3, bar.read32(RDH), "600 bytes in 256-byte buffers");
        for (int d = 0; d < 3; d++) {
            int status = rxRing.getInt(16 * d + 12) & 0xff;
            assertEquals(d == 2 ? 3 : 1, status, "EOP only on the last descriptor");
        }
        assertEquals(600 - 512, rxRing.getInt(32 + 8) & 0xffff);
        byte[] got = new byte[600];
        for (int d = 0; d < 3; d++) {
            rxBuffers.read(2048 * d, got, 256 * d, Math.min(256, 600 - 256 * d));
        }
        assertArrayEquals(frame, got);
    }

    /** Without RCTL.LPE a frame over 1522 bytes with FCS (1518 without) is oversized: discarded, counted in ROC. */
    @Test
    void longFramesNeedLpeAndOversizedOnesAreCounted() {
        nic.receive(frame(MAC, 1518, (byte) 1));
        assertEquals(1, bar.read32(RDH), "1518 bytes (a VLAN-tagged 1500-byte payload) still fit");
        nic.receive(frame(MAC, 1519, (byte) 2));
        nic.receive(frame(MAC, 9014, (byte) 3));
        assertEquals(1, bar.read32(RDH), "nothing stored");
        assertEquals(2, bar.read32(ROC));
        assertEquals(0, bar.read32(ROC), "ROC clears on read");
        assertEquals(0, bar.read32(MPC), "an oversized frame is not a missed one");
        nic.receive(frame(MacAddress.parse("52:54:00:99:99:99"), 9014, (byte) 4));
        assertEquals(0, bar.read32(ROC), "only frames that pass the address filter count");
    }

    /** With RCTL.LPE a 9014-byte frame is received across five 2048-byte buffers, EOP on the last. */
    @Test
    void withLpeAJumboFrameSpansDescriptors() {
        bar.write32(RCTL, 1 << 1 | 1 << 5 | 1 << 15); // EN, LPE, BAM, BSIZE 2048
        byte[] frame = frame(MAC, 9014, (byte) 0x6b);
        for (int i = 12; i < frame.length; i++) {
            frame[i] = (byte) (i * 7);
        }
        nic.receive(frame);
        assertEquals(5, bar.read32(RDH), "9014 bytes in 2048-byte buffers");
        byte[] got = new byte[9014];
        for (int d = 0; d < 5; d++) {
            int status = rxRing.getInt(16 * d + 12) & 0xff;
            assertEquals(d == 4 ? 3 : 1, status, "EOP only on the last descriptor");
            int length = rxRing.getInt(16 * d + 8) & 0xffff;
            assertEquals(d == 4 ? 9014 - 4 * 2048 : 2048, length);
            rxBuffers.read(2048 * d, got, 2048 * d, length);
        }
        assertArrayEquals(frame, got);
        assertEquals(0, bar.read32(ROC));
        assertEquals(1, bar.read32(GPRC));
        nic.receive(frame(MAC, 16381, (byte) 5));
        assertEquals(1, bar.read32(ROC), "over 16384 bytes with FCS is oversized even with LPE");
        assertEquals(5, bar.read32(RDH));
    }

    @Test
    void multicastNeedsItsHashInTheTableOrMpe() {
        MacAddress group = MacAddress.parse("01:00:5e:00:00:fb");
        nic.receive(frame(group, 64, (byte) 1));
        assertEquals(0, bar.read32(RDH));
        int hash = (0x00 >>> 4 | 0xfb << 4) & 0xfff;
        bar.write32(0x5200 + 4 * (hash >>> 5), 1 << (hash & 31));
        nic.receive(frame(group, 64, (byte) 1));
        assertEquals(1, bar.read32(RDH));
    }

    private void send(int slot, byte[] frame) {
        txBuffers.write(2048 * slot, frame, 0, frame.length);
        txRing.putLong(16 * slot, txBuffers.physAddress() + 2048L * slot);
        txRing.putInt(16 * slot + 8, frame.length | (0x01 | 0x02 | 0x08) << 24); // EOP, IFCS, RS
        txRing.putInt(16 * slot + 12, 0);
    }

    static byte[] frame(MacAddress to, int length, byte fill) {
        byte[] f = new byte[length];
        Arrays.fill(f, fill);
        System.arraycopy(to.bytes(), 0, f, 0, 6);
        System.arraycopy(MAC.bytes(), 0, f, 6, 6);
        return f;
    }
}
