package org.microsim.kernel.machine;

import java.io.IOException;

/**
 * One SATA port of the AHCI HBA and the disk behind it (AHCI 1.3.1 sections 3.3 and 5).
 *
 * <p>Registers: PxCLB/PxFB locate the command list (32 headers of 32 bytes) and the received-FIS area;
 * PxCMD.ST starts the command list engine and PxCMD.CR follows it at once, PxCMD.FRE enables FIS receive
 * and PxCMD.FR follows it; PxCI bits written with ST set are commands issued. The port runs one command at
 * a time (non-queued ATA), taking issued slots from slot 0 upwards after ST is set, each completing one
 * configured latency after it starts. A completed command's CI bit is cleared, its D2H Register FIS lands
 * at FB+0x40 (after a PIO Setup FIS at FB+0x20 for IDENTIFY), and PxIS.DHRS (and PSS, DPS) is set.
 *
 * <p>Errors follow the spec's split. A command the device rejects (unknown opcode, LBA out of range, a write
 * to a read-only disk, a failing image) ends with a D2H FIS whose status has ERR and whose error byte has
 * ABRT, copied to PxTFD, and PxIS.TFES. A host-side problem is fatal: PxIS.HBFS when the command list, table,
 * PRDT, a data buffer or the FIS area is not in memory, PxIS.OFS when the PRDT is shorter than the data.
 * Either way the failing slot's CI bit stays set, PxCMD.CCS names it, and the port processes nothing more
 * until software clears ST (which clears PxCI), as the error recovery of section 6.2.2 expects.
 *
 * <p>Injected faults ({@link DiskFaults}) hit reads and writes. {@code io} is a device error as above, with UNC
 * (uncorrectable data) for a read and ABRT for a write, nothing written. {@code timeout} is a device that never
 * answers: the command stays running with BSY in PxTFD, and the engine cannot stop (PxCMD.CR stays set after ST is
 * cleared) until a COMRESET, which is what section 10.4.2 has software do when CR does not clear in 500 ms.
 * {@code corrupt} completes the read with some bytes of its data flipped.
 *
 * <p>A port without a disk reports SSTS.DET=0 and signature FFFFFFFFh, and never runs what is issued to it,
 * as an HBA waits for a device that never answers; a driver times out and leaves the port alone.
 *
 * <p>All methods run under the controller's lock; side effects on the outside go to {@link Effects}.
 */
final class AhciPort {
    static final int CLB = 0x00;
    static final int CLBU = 0x04;
    static final int FB = 0x08;
    static final int FBU = 0x0c;
    static final int IS = 0x10;
    static final int IE = 0x14;
    static final int CMD = 0x18;
    static final int TFD = 0x20;
    static final int SIG = 0x24;
    static final int SSTS = 0x28;
    static final int SCTL = 0x2c;
    static final int SERR = 0x30;
    static final int CI = 0x38;

    static final int IS_DHRS = 1;
    static final int IS_PSS = 1 << 1;
    static final int IS_DPS = 1 << 5;
    static final int IS_PCS = 1 << 6;
    static final int IS_OFS = 1 << 24;
    static final int IS_HBFS = 1 << 29;
    static final int IS_TFES = 1 << 30;
    static final int IS_VALID = 0xfdc0_00ff;

    static final int CMD_ST = 1;
    static final int CMD_SUD = 1 << 1;
    static final int CMD_POD = 1 << 2;
    static final int CMD_CLO = 1 << 3;
    static final int CMD_FRE = 1 << 4;
    static final int CMD_FR = 1 << 14;
    static final int CMD_CR = 1 << 15;

    static final int STS_ERR = 0x01;
    static final int STS_DRQ = 0x08;
    static final int STS_READY = 0x50; // DRDY | DSC
    static final int STS_BSY = 0x80;
    static final int ERR_ABRT = 0x04;
    static final int ERR_UNC = 0x40;

    static final int SIG_ATA = 0x0000_0101;
    static final int SSTS_DEVICE = 0x123; // DET 3 (device and phy), SPD 2 (gen 2), IPM 1 (active)
    static final int SERR_DIAG_X = 1 << 26;
    static final int SCTL_DET_COMRESET = 1;

    private static final int FIS_H2D = 0x27;
    private static final int FIS_D2H = 0x34;
    private static final int FIS_PIO_SETUP = 0x5f;
    private static final int RFIS_PIO_SETUP = 0x20;
    private static final int RFIS_D2H = 0x40;
    private static final int FIS_LENGTH = 20;
    private static final int CONTROL_SRST = 0x04;
    private static final int HEADER_SIZE = 32;
    private static final int PRDT_OFFSET = 0x80;

    private final int index;
    private final AhciController controller;
    private final AtaDisk disk;
    private final DiskFaults faults = new DiskFaults();

    private long clb;
    private long fb;
    private int interruptStatus;
    private int interruptEnable;
    private boolean started;
    private boolean fisReceive;
    private int taskFile;
    private int signature;
    private int sataStatus;
    private int sataControl;
    private int sataError;
    private int issued;
    private int currentSlot;
    private int nextSlot;
    private int running = -1;
    private boolean halted;
    private boolean signatureDelivered;
    /** A command the device never answers (a timeout fault) holds the engine until a COMRESET. */
    private boolean stuck;
    /** Bumped whenever the engine stops, so completions scheduled before are recognised as stale. */
    private long epoch;

    AhciPort(int index, AhciController controller, AtaDisk disk) {
        this.index = index;
        this.controller = controller;
        this.disk = disk;
        reset();
    }

    /** Power-on and HBA reset state: every register but PxCLB and PxFB, and the link comes up again. */
    void reset() {
        interruptStatus = 0;
        interruptEnable = 0;
        started = false;
        fisReceive = false;
        sataControl = 0;
        sataError = 0;
        stuck = false;
        stopEngine();
        linkUp();
    }

    private void linkUp() {
        signatureDelivered = false;
        if (disk != null) {
            sataStatus = SSTS_DEVICE;
            signature = SIG_ATA;
            taskFile = STS_READY;
        } else {
            sataStatus = 0;
            signature = 0xffff_ffff;
            taskFile = 0x7f;
        }
    }

    private void stopEngine() {
        issued = 0;
        running = -1;
        halted = false;
        currentSlot = 0;
        nextSlot = 0;
        epoch++;
    }

    int read(int offset) {
        return switch (offset) {
            case CLB -> (int) clb;
            case CLBU -> (int) (clb >>> 32);
            case FB -> (int) fb;
            case FBU -> (int) (fb >>> 32);
            case IS -> interruptStatus;
            case IE -> interruptEnable;
            case CMD -> command();
            case TFD -> taskFile;
            case SIG -> signature;
            case SSTS -> sataStatus;
            case SCTL -> sataControl;
            case SERR -> sataError;
            case CI -> issued;
            default -> 0; // SACT (no NCQ), SNTF, FBS, DEVSLP and reserved space
        };
    }

    private int command() {
        int value = CMD_SUD | CMD_POD | currentSlot << 8;
        if (started) {
            value |= CMD_ST | CMD_CR;
        }
        if (stuck) {
            value |= CMD_CR;
        }
        if (fisReceive) {
            value |= CMD_FRE | CMD_FR;
        }
        return value;
    }

    void write(int offset, int value, Effects fx) {
        switch (offset) {
            case CLB -> clb = clb & ~0xffff_ffffL | value & 0xffff_fc00L;
            case CLBU -> clb = clb & 0xffff_ffffL | (long) value << 32;
            case FB -> fb = fb & ~0xffff_ffffL | value & 0xffff_ff00L;
            case FBU -> fb = fb & 0xffff_ffffL | (long) value << 32;
            case IS -> {
                interruptStatus &= ~value;
                if ((sataError & SERR_DIAG_X) != 0) {
                    interruptStatus |= IS_PCS; // PCS mirrors SERR.DIAG.X and is cleared there
                }
            }
            case IE -> {
                int newlyEnabled = value & IS_VALID & ~interruptEnable;
                interruptEnable = value & IS_VALID;
                if ((interruptStatus & newlyEnabled) != 0) {
                    controller.portInterrupt(index, fx);
                }
            }
            case CMD -> writeCommand(value, fx);
            case SCTL -> writeSataControl(value, fx);
            case SERR -> {
                sataError &= ~value;
                if ((sataError & SERR_DIAG_X) == 0) {
                    interruptStatus &= ~IS_PCS;
                }
            }
            case CI -> {
                if (started) {
                    issued |= value;
                    kick(fx);
                }
            }
            default -> {
                // Read-only and reserved registers ignore writes.
            }
        }
    }

    private void writeCommand(int value, Effects fx) {
        if ((value & CMD_CLO) != 0) {
            taskFile &= ~(STS_BSY | STS_DRQ);
        }
        boolean fre = (value & CMD_FRE) != 0;
        if (fre && !fisReceive) {
            fisReceive = true;
            deliverSignature(fx);
        }
        fisReceive = fre;
        boolean st = (value & CMD_ST) != 0;
        if (st && !started) {
            started = true;
            kick(fx);
        } else if (!st && started) {
            started = false;
            stopEngine();
        }
    }

    /** SCTL.DET=1 holds COMRESET; going back to 0 brings the link up and the device sends its signature again. */
    private void writeSataControl(int value, Effects fx) {
        boolean wasReset = (sataControl & 0xf) == SCTL_DET_COMRESET;
        sataControl = value & 0xfff;
        boolean reset = (sataControl & 0xf) == SCTL_DET_COMRESET;
        if (reset && !wasReset) {
            stuck = false;
            stopEngine();
            sataStatus = 0;
            signature = 0xffff_ffff;
            taskFile = STS_BSY;
        } else if (wasReset && !reset) {
            linkUp();
            if (disk != null) {
                sataError |= SERR_DIAG_X;
                raise(IS_PCS, fx);
                deliverSignature(fx);
            }
        }
    }

    /** The device's reset signature FIS, delivered once FIS receive is on (as QEMU does after FRE). */
    private void deliverSignature(Effects fx) {
        if (disk == null || signatureDelivered || !fisReceive) {
            return;
        }
        signatureDelivered = true;
        byte[] fis = d2h(STS_READY, 0x01, 1, 1, false);
        if (!memoryWrite(fb + RFIS_D2H, fis)) {
            fatal(IS_HBFS, fx);
        }
    }

    private void kick(Effects fx) {
        if (!started || halted || stuck || running >= 0 || disk == null || issued == 0) {
            return;
        }
        for (int i = 0; i < 32; i++) {
            int slot = (nextSlot + i) & 31;
            if ((issued & 1 << slot) != 0) {
                running = slot;
                currentSlot = slot;
                nextSlot = (slot + 1) & 31;
                controller.scheduleCompletion(this, epoch, slot, fx);
                return;
            }
        }
    }

    /** The latency of the command in {@code slot} has passed: run it, unless the engine stopped since. */
    void complete(long scheduledEpoch, int slot, Effects fx) {
        if (scheduledEpoch != epoch || running != slot) {
            return;
        }
        running = -1;
        execute(slot, fx);
        kick(fx);
    }

    private void execute(int slot, Effects fx) {
        PhysicalMemory memory = controller.memory();
        long headerAddress = clb + (long) slot * HEADER_SIZE;
        byte[] header = new byte[HEADER_SIZE];
        byte[] cfis = new byte[FIS_LENGTH];
        if (!memory.read(headerAddress, header, 0, HEADER_SIZE)) {
            fatal(IS_HBFS, fx);
            return;
        }
        int prdtl = Bytes.le32(header, 0) >>> 16;
        long table = Bytes.u32(header, 8) & ~0x7fL | Bytes.u32(header, 12) << 32;
        if (!memory.read(table, cfis, 0, FIS_LENGTH)) {
            fatal(IS_HBFS, fx);
            return;
        }
        if ((cfis[0] & 0xff) != FIS_H2D) {
            deviceError(slot, ERR_ABRT, fx);
            return;
        }
        if ((cfis[1] & 0x80) == 0) {
            deviceControl(slot, cfis[15], fx);
            return;
        }
        int opcode = cfis[2] & 0xff;
        long lba = u8(cfis, 4) | u8(cfis, 5) << 8 | u8(cfis, 6) << 16 | u8(cfis, 8) << 24 | u8(cfis, 9) << 32
                | u8(cfis, 10) << 40;
        int count = (int) (u8(cfis, 12) | u8(cfis, 13) << 8);
        long sectors = count == 0 ? 65536 : count;
        switch (opcode) {
            case AtaDisk.CMD_IDENTIFY_DEVICE -> {
                byte[] data = disk.identify();
                dataCommand(slot, headerAddress, table, prdtl, data.length, true, lba, count,
                        (position, buffer, offset, length) -> System.arraycopy(data, (int) position, buffer, offset, length),
                        fx);
            }
            case AtaDisk.CMD_READ_DMA_EXT, AtaDisk.CMD_WRITE_DMA_EXT -> {
                boolean write = opcode == AtaDisk.CMD_WRITE_DMA_EXT;
                if (lba + sectors > disk.sectors() || write && disk.image().readOnly()) {
                    deviceError(slot, ERR_ABRT, fx);
                    return;
                }
                DiskFaults.Hit hit = faults.take(lba, sectors, write);
                DiskFaults.Kind fault = hit == null ? null : hit.kind();
                if (fault == DiskFaults.Kind.IO) {
                    deviceError(slot, write ? ERR_ABRT : ERR_UNC, fx);
                    return;
                }
                if (fault == DiskFaults.Kind.TIMEOUT) {
                    hang(slot);
                    return;
                }
                DiskImage image = disk.image();
                long start = lba * DiskImage.SECTOR_SIZE;
                Prdt.Mover mover = write
                        ? (position, buffer, offset, length) -> image.write(start + position, buffer, offset, length)
                        : (position, buffer, offset, length) -> image.read(start + position, buffer, offset, length);
                if (fault == DiskFaults.Kind.CORRUPT) {
                    DiskFaults.Flips flips = hit.flips();
                    Prdt.Mover clean = mover;
                    mover = (position, buffer, offset, length) -> {
                        clean.move(position, buffer, offset, length);
                        flips.apply(position, buffer, offset, length);
                    };
                }
                dataCommand(slot, headerAddress, table, prdtl, sectors * DiskImage.SECTOR_SIZE, false, lba, count,
                        mover, fx);
            }
            case AtaDisk.CMD_FLUSH_CACHE, AtaDisk.CMD_FLUSH_CACHE_EXT -> {
                try {
                    disk.image().flush();
                    finish(slot, headerAddress, 0, false, false, lba, count, fx);
                } catch (IOException e) {
                    deviceError(slot, ERR_ABRT, fx);
                }
            }
            default -> deviceError(slot, ERR_ABRT, fx);
        }
    }

    private void dataCommand(int slot, long headerAddress, long table, int prdtl, long bytes, boolean pio, long lba,
                             int count, Prdt.Mover mover, Effects fx) {
        PhysicalMemory memory = controller.memory();
        Prdt prdt = Prdt.load(memory, table + PRDT_OFFSET, prdtl);
        if (prdt == null) {
            fatal(IS_HBFS, fx);
            return;
        }
        switch (prdt.transfer(memory, bytes, mover)) {
            case DONE -> finish(slot, headerAddress, prdt.moved(), pio, prdt.interruptRequested(), lba, count, fx);
            case UNMAPPED -> fatal(IS_HBFS, fx);
            case TOO_SHORT -> fatal(IS_OFS, fx);
            case DEVICE_ERROR -> deviceError(slot, ERR_ABRT, fx);
        }
    }

    /** Success: PRDBC, the FISes, CI cleared, status bits and interrupt. */
    private void finish(int slot, long headerAddress, long moved, boolean pio, boolean dps, long lba, int count,
                        Effects fx) {
        byte[] prdbc = new byte[4];
        Bytes.put32(prdbc, 0, (int) moved);
        if (!controller.memory().write(headerAddress + 4, prdbc, 0, 4)) {
            fatal(IS_HBFS, fx);
            return;
        }
        int causes = IS_DHRS | (dps ? IS_DPS : 0);
        if (pio) {
            byte[] setup = new byte[FIS_LENGTH];
            setup[0] = (byte) FIS_PIO_SETUP;
            setup[1] = 0x60; // device to host, interrupt
            setup[2] = STS_READY | STS_DRQ;
            setup[15] = STS_READY;
            Bytes.put16(setup, 16, (int) moved);
            if (!memoryWrite(fb + RFIS_PIO_SETUP, setup)) {
                fatal(IS_HBFS, fx);
                return;
            }
            causes |= IS_PSS;
        }
        if (!memoryWrite(fb + RFIS_D2H, d2h(STS_READY, 0, lba, count, true))) {
            fatal(IS_HBFS, fx);
            return;
        }
        taskFile = STS_READY;
        issued &= ~(1 << slot);
        raise(causes, fx);
    }

    /** The device rejected the command: ERR and the error byte in the FIS and PxTFD, TFES, and a halt. */
    private void deviceError(int slot, int error, Effects fx) {
        currentSlot = slot;
        int status = STS_READY | STS_ERR;
        if (!memoryWrite(fb + RFIS_D2H, d2h(status, error, 0, 0, true))) {
            fatal(IS_HBFS, fx);
            return;
        }
        taskFile = error << 8 | status;
        halted = true;
        raise(IS_TFES | IS_DHRS, fx);
    }

    /** The device took the command and never answers: busy, and the engine held on it until a COMRESET. */
    private void hang(int slot) {
        running = slot;
        currentSlot = slot;
        stuck = true;
        taskFile = STS_BSY;
    }

    boolean hasDisk() {
        return disk != null;
    }

    /** The faults armed on this port's disk. */
    DiskFaults faults() {
        return faults;
    }

    /** A host-side fatal error: the cause bit and a halt until ST is cleared. */
    private void fatal(int cause, Effects fx) {
        halted = true;
        raise(cause, fx);
    }

    /** A Device Control FIS (C bit clear): SRST set holds the device busy, SRST clear resets it. */
    private void deviceControl(int slot, byte control, Effects fx) {
        issued &= ~(1 << slot);
        if ((control & CONTROL_SRST) != 0) {
            taskFile = STS_BSY;
        } else {
            linkUp();
            deliverSignature(fx);
        }
    }

    private void raise(int causes, Effects fx) {
        interruptStatus |= causes;
        if ((causes & interruptEnable) != 0) {
            controller.portInterrupt(index, fx);
        }
    }

    /** True when this port has a status bit set that its PxIE enables. */
    boolean interruptPending() {
        return (interruptStatus & interruptEnable) != 0;
    }

    /** Writes a FIS to the received-FIS area if FIS receive is on; false when that area is not in memory. */
    private boolean memoryWrite(long address, byte[] fis) {
        return !fisReceive || controller.memory().write(address, fis, 0, fis.length);
    }

    private static byte[] d2h(int status, int error, long lba, int count, boolean interrupt) {
        byte[] fis = new byte[FIS_LENGTH];
        fis[0] = (byte) FIS_D2H;
        fis[1] = (byte) (interrupt ? 0x40 : 0);
        fis[2] = (byte) status;
        fis[3] = (byte) error;
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

    private static long u8(byte[] b, int at) {
        return b[at] & 0xffL;
    }
}
