package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import java.util.List;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;

/**
 * A register-level AHCI client for tests, in the spirit of QEMU's libqos ahci helpers: it knows the spec's
 * offsets (written here from the spec, not taken from the model), lays out command lists, received-FIS areas
 * and command tables in simulated memory, and issues commands.
 */
final class AhciClient {
    static final int CAP = 0x00, GHC = 0x04, IS = 0x08, PI = 0x0c, VS = 0x10, CAP2 = 0x24;
    static final int PX_CLB = 0x00, PX_CLBU = 0x04, PX_FB = 0x08, PX_FBU = 0x0c, PX_IS = 0x10, PX_IE = 0x14,
            PX_CMD = 0x18, PX_TFD = 0x20, PX_SIG = 0x24, PX_SSTS = 0x28, PX_SCTL = 0x2c, PX_SERR = 0x30,
            PX_SACT = 0x34, PX_CI = 0x38;
    static final int CMD_ST = 1, CMD_FRE = 1 << 4, CMD_FR = 1 << 14, CMD_CR = 1 << 15;
    static final int IS_DHRS = 1, IS_PSS = 2, IS_DPS = 1 << 5, IS_OFS = 1 << 24, IS_HBFS = 1 << 29,
            IS_TFES = 1 << 30;
    static final int IDENTIFY = 0xec, READ_DMA_EXT = 0x25, WRITE_DMA_EXT = 0x35, FLUSH_CACHE_EXT = 0xea;
    static final long LATENCY = 20_000;

    final PhysicalMemory memory = new PhysicalMemory(1L << 32);
    final ManualTimeline timeline = new ManualTimeline();
    final InterruptLine irq = new InterruptLine(10);
    final AhciController hba;
    final Mmio abar;
    final DmaBuffer[] commandLists = new DmaBuffer[AhciController.PORTS];
    final DmaBuffer[] fisAreas = new DmaBuffer[AhciController.PORTS];
    private final Object owner = new Object();

    AhciClient(List<DiskImage> disks) {
        hba = new AhciController(memory, timeline, irq, disks, LATENCY);
        abar = hba.mmio();
    }

    DmaBuffer alloc(int size) {
        return memory.allocate(size, owner).orElseThrow();
    }

    int hba(int offset) {
        return abar.read32(offset);
    }

    void hba(int offset, int value) {
        abar.write32(offset, value);
    }

    int port(int port, int offset) {
        return abar.read32(0x100 + port * 0x80L + offset);
    }

    void port(int port, int offset, int value) {
        abar.write32(0x100 + port * 0x80L + offset, value);
    }

    /** Points the port at a fresh command list and FIS area, enables FIS receive and starts it. */
    void start(int p) {
        commandLists[p] = alloc(1024);
        fisAreas[p] = alloc(256);
        port(p, PX_CLB, (int) commandLists[p].physAddress());
        port(p, PX_CLBU, (int) (commandLists[p].physAddress() >>> 32));
        port(p, PX_FB, (int) fisAreas[p].physAddress());
        port(p, PX_FBU, (int) (fisAreas[p].physAddress() >>> 32));
        port(p, PX_CMD, CMD_FRE);
        port(p, PX_CMD, CMD_FRE | CMD_ST);
    }

    /** A PRDT entry: a buffer address and its byte count (even), optionally interrupting on completion. */
    record Prd(long address, int bytes, boolean interrupt) {
        Prd(long address, int bytes) {
            this(address, bytes, false);
        }
    }

    /** Writes slot's header and a fresh command table for an ATA command, and returns the table. */
    DmaBuffer prepare(int p, int slot, int opcode, long lba, int count, boolean write, List<Prd> prdt) {
        DmaBuffer table = alloc(0x80 + 16 * Math.max(1, prdt.size()));
        table.write(0, h2d(opcode, lba, count), 0, 20);
        for (int i = 0; i < prdt.size(); i++) {
            Prd prd = prdt.get(i);
            table.putLong(0x80 + 16 * i, prd.address());
            table.putInt(0x80 + 16 * i + 12, (prd.bytes() - 1) | (prd.interrupt() ? 1 << 31 : 0));
        }
        header(p, slot, 5 | (write ? 1 << 6 : 0) | prdt.size() << 16, table.physAddress());
        return table;
    }

    void header(int p, int slot, int dw0, long tableAddress) {
        DmaBuffer cl = commandLists[p];
        cl.putInt(slot * 32, dw0);
        cl.putInt(slot * 32 + 4, 0);
        cl.putLong(slot * 32 + 8, tableAddress);
    }

    static byte[] h2d(int opcode, long lba, int count) {
        byte[] fis = new byte[20];
        fis[0] = 0x27;
        fis[1] = (byte) 0x80;
        fis[2] = (byte) opcode;
        fis[4] = (byte) lba;
        fis[5] = (byte) (lba >>> 8);
        fis[6] = (byte) (lba >>> 16);
        fis[7] = 0x40;
        fis[8] = (byte) (lba >>> 24);
        fis[9] = (byte) (lba >>> 32);
        fis[10] = (byte) (lba >>> 40);
        fis[12] = (byte) count;
        fis[13] = (byte) (count >>> 8);
        return fis;
    }

    void issue(int p, int slot) {
        port(p, PX_CI, 1 << slot);
    }

    /** Prepares, issues and runs one command to completion (or error); returns PxIS afterwards. */
    int run(int p, int slot, int opcode, long lba, int count, boolean write, List<Prd> prdt) {
        prepare(p, slot, opcode, lba, count, write, prdt);
        issue(p, slot);
        timeline.runUntilIdle();
        return port(p, PX_IS);
    }

    int prdbc(int p, int slot) {
        return commandLists[p].getInt(slot * 32 + 4);
    }
}
