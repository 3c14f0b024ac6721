package org.microsim.kernel.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;
import org.microsim.kernel.InterruptLine;

/**
 * An e1000 wired to an MT7531 switch, driven as a qtest would: only through the NIC's BAR0 and descriptor
 * rings in memory. The NIC receives promiscuously and transmits without padding, so frames arrive as sent.
 * Offsets and bits are written here from Intel's manual and Linux's mt7530 driver, independently of the models.
 */
final class SwitchRig {
    static final int MDIC = 0x20, RCTL = 0x100, TCTL = 0x400, RDBAL = 0x2800, RDBAH = 0x2804, RDLEN = 0x2808,
            RDH = 0x2810, RDT = 0x2818, TDBAL = 0x3800, TDBAH = 0x3804, TDLEN = 0x3808, TDH = 0x3810, TDT = 0x3818;
    static final int MDIC_WRITE = 1 << 26, MDIC_READ = 2 << 26, MDIC_READY = 1 << 28, MDIC_ERROR = 1 << 30;
    static final int SWITCH_PHY = 0x1f;
    static final int RING = 32;
    static final int BUFFER = 2048;
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");

    final PhysicalMemory memory = new PhysicalMemory(1L << 26);
    final ManualTimeline timeline = new ManualTimeline();
    final E1000 nic = new E1000(memory, timeline, new InterruptLine(11), MAC, 1000);
    final Mmio bar = nic.mmio();
    final Mt7531 sw;
    final DmaBuffer rxRing;
    final DmaBuffer txRing;
    final DmaBuffer rxBuffers;
    final DmaBuffer txBuffers;
    private int txTail;
    private int rxNext;

    SwitchRig(int userPorts) {
        sw = new Mt7531(userPorts);
        Object owner = new Object();
        rxRing = memory.allocate(RING * 16, owner).orElseThrow();
        txRing = memory.allocate(RING * 16, owner).orElseThrow();
        rxBuffers = memory.allocate(RING * BUFFER, owner).orElseThrow();
        txBuffers = memory.allocate(RING * BUFFER, owner).orElseThrow();
        for (int i = 0; i < RING; i++) {
            rxRing.putLong(16 * i, rxBuffers.physAddress() + (long) BUFFER * i);
        }
        ring(RDBAL, RDBAH, RDLEN, rxRing);
        bar.write32(RDH, 0);
        bar.write32(RDT, RING - 1);
        ring(TDBAL, TDBAH, TDLEN, txRing);
        bar.write32(TDH, 0);
        bar.write32(TDT, 0);
        bar.write32(RCTL, 1 << 1 | 1 << 3 | 1 << 4 | 1 << 15); // EN, UPE, MPE, BAM, BSIZE 2048
        bar.write32(TCTL, 1 << 1); // EN, no padding
        nic.attachMdio(sw);
        nic.connect(sw);
    }

    private void ring(int low, int high, int length, DmaBuffer ring) {
        bar.write32(low, (int) ring.physAddress());
        bar.write32(high, (int) (ring.physAddress() >>> 32));
        bar.write32(length, RING * 16);
    }

    /** The NIC sends {@code frame} (at most 2048 bytes) and the clock runs until it is on the wire. */
    void transmit(byte[] frame) {
        txBuffers.write(BUFFER * txTail, frame, 0, frame.length);
        txRing.putLong(16 * txTail, txBuffers.physAddress() + (long) BUFFER * txTail);
        txRing.putInt(16 * txTail + 8, frame.length | 0x09 << 24); // EOP, RS
        txRing.putInt(16 * txTail + 12, 0);
        txTail = (txTail + 1) % RING;
        bar.write32(TDT, txTail);
        timeline.runUntilIdle();
        assertEquals(txTail, bar.read32(TDH), "the NIC consumed the descriptor");
    }

    /** The next frame in the receive ring, its descriptor given back; null when none arrived. */
    byte[] received() {
        if (bar.read32(RDH) == rxNext) {
            return null;
        }
        int length = rxRing.getInt(16 * rxNext + 8) & 0xffff;
        assertEquals(0x03, rxRing.getInt(16 * rxNext + 12) & 0x03, "DD and EOP: one descriptor per frame");
        byte[] frame = new byte[length];
        rxBuffers.read(BUFFER * rxNext, frame, 0, length);
        rxRing.putInt(16 * rxNext + 12, 0);
        bar.write32(RDT, rxNext);
        rxNext = (rxNext + 1) % RING;
        return frame;
    }

    /** One MDIC operation; returns what MDIC reads back afterwards. */
    int mdic(int op, int phy, int register, int data) {
        bar.write32(MDIC, op | phy << 21 | register << 16 | data & 0xffff);
        return bar.read32(MDIC);
    }

    int mdioRead(int phy, int register) {
        int answer = mdic(MDIC_READ, phy, register, 0);
        assertEquals(MDIC_READY, answer & (MDIC_READY | MDIC_ERROR), "MDIC read of " + phy + "/" + register);
        return answer & 0xffff;
    }

    void mdioWrite(int phy, int register, int value) {
        int answer = mdic(MDIC_WRITE, phy, register, value);
        assertEquals(MDIC_READY, answer & (MDIC_READY | MDIC_ERROR), "MDIC write of " + phy + "/" + register);
    }

    /** A switch register, the way Linux's mt7530_mii_read pages to it. */
    int switchRead(int register) {
        mdioWrite(SWITCH_PHY, 0x1f, register >>> 6 & 0x3ff);
        int low = mdioRead(SWITCH_PHY, register >>> 2 & 0xf);
        int high = mdioRead(SWITCH_PHY, 0x10);
        return high << 16 | low;
    }

    /** A switch register, the way Linux's mt7530_mii_write pages to it. */
    void switchWrite(int register, int value) {
        mdioWrite(SWITCH_PHY, 0x1f, register >>> 6 & 0x3ff);
        mdioWrite(SWITCH_PHY, register >>> 2 & 0xf, value & 0xffff);
        mdioWrite(SWITCH_PHY, 0x10, value >>> 16);
    }
}
