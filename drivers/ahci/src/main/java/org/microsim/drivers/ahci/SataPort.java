package org.microsim.drivers.ahci;

import static org.microsim.drivers.ahci.Registers.CMD_CCS_MASK;
import static org.microsim.drivers.ahci.Registers.CMD_CCS_SHIFT;
import static org.microsim.drivers.ahci.Registers.CMD_CLO;
import static org.microsim.drivers.ahci.Registers.CMD_CR;
import static org.microsim.drivers.ahci.Registers.CMD_FR;
import static org.microsim.drivers.ahci.Registers.CMD_FRE;
import static org.microsim.drivers.ahci.Registers.CMD_ST;
import static org.microsim.drivers.ahci.Registers.COMMAND_LIST_BYTES;
import static org.microsim.drivers.ahci.Registers.HEADER_BYTES;
import static org.microsim.drivers.ahci.Registers.PORT_BASE;
import static org.microsim.drivers.ahci.Registers.PORT_SIZE;
import static org.microsim.drivers.ahci.Registers.PX_CI;
import static org.microsim.drivers.ahci.Registers.PX_CLB;
import static org.microsim.drivers.ahci.Registers.PX_CLBU;
import static org.microsim.drivers.ahci.Registers.PX_CMD;
import static org.microsim.drivers.ahci.Registers.PX_FB;
import static org.microsim.drivers.ahci.Registers.PX_FBU;
import static org.microsim.drivers.ahci.Registers.PX_IE;
import static org.microsim.drivers.ahci.Registers.PX_IS;
import static org.microsim.drivers.ahci.Registers.PX_SCTL;
import static org.microsim.drivers.ahci.Registers.PX_SERR;
import static org.microsim.drivers.ahci.Registers.PX_SIG;
import static org.microsim.drivers.ahci.Registers.PX_SSTS;
import static org.microsim.drivers.ahci.Registers.PX_TFD;
import static org.microsim.drivers.ahci.Registers.RECEIVED_FIS_BYTES;
import static org.microsim.drivers.ahci.Registers.SCTL_DET_COMRESET;
import static org.microsim.drivers.ahci.Registers.SIG_ATA;
import static org.microsim.drivers.ahci.Registers.SSTS_DET_MASK;
import static org.microsim.drivers.ahci.Registers.SSTS_DET_PRESENT;
import static org.microsim.drivers.ahci.Registers.TFD_BSY;
import static org.microsim.drivers.ahci.Registers.TFD_DRQ;

import java.time.Duration;
import java.util.function.IntPredicate;
import org.microsim.abi.DmaBuffer;
import org.microsim.abi.Mmio;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;

/**
 * One AHCI port as the driver drives it: its registers, the DMA memory it owns (command list, received-FIS
 * area, one command table and one data buffer per slot), and which command occupies which slot until when.
 *
 * <p>The start-up and recovery sequences are the specification's. Stopping (10.1.2): clear PxCMD.ST and wait
 * for CR to clear, clear FRE and wait for FR to clear. Starting: wait until the device is not busy, then set
 * ST. Recovery after a fatal error or a timeout (6.2.2.1, non-queued): stop the command engine, clear PxSERR
 * and PxIS, use command list override (or a COMRESET, 10.4.2) when the task file still says BSY or DRQ, and
 * start again; clearing ST drops every issued command, so the caller fails whatever was in the slots.
 * Every wait polls with {@link Sys#sleep} and gives up after a bound, so a dead port never hangs the driver.
 */
final class SataPort {
    /** How long the engine may take to stop or a device to leave BSY: the spec's 500 ms, with room. */
    private static final Duration STOP_LIMIT = Duration.ofMillis(500);
    private static final Duration LINK_LIMIT = Duration.ofSeconds(1);
    /** How long a port without a link gets after the HBA reset before it counts as empty. */
    private static final Duration LINK_SETTLE = Duration.ofMillis(10);
    private static final Duration POLL = Duration.ofMillis(1);

    final int index;
    private final Mmio abar;
    private final int slots;
    private final int share;
    private final int tableSize;
    private DmaBuffer commandList;
    private DmaBuffer tables;
    private DmaBuffer data;
    private final Command[] inSlot;
    private final long[] deadline;
    private int busy;

    /**
     * @param slots how many command slots to use (CAP.NCS + 1)
     * @param share bytes of data buffer each slot gets: the most one command moves
     */
    SataPort(Mmio abar, int index, int slots, int share) {
        this.abar = abar;
        this.index = index;
        this.slots = slots;
        this.share = share;
        this.tableSize = CommandTable.size(CommandTable.entries(share));
        this.inSlot = new Command[slots];
        this.deadline = new long[slots];
    }

    int read(int register) {
        return abar.read32(PORT_BASE + (long) index * PORT_SIZE + register);
    }

    void write(int register, int value) {
        abar.write32(PORT_BASE + (long) index * PORT_SIZE + register, value);
    }

    /**
     * True when a device is attached (waiting a little for the link to come up after the HBA reset) and its
     * signature says ATA disk (not ATAPI, not a port multiplier).
     */
    boolean hasDisk(Sys sys) {
        return awaitRegister(sys, PX_SSTS, LINK_SETTLE, s -> (s & SSTS_DET_MASK) == SSTS_DET_PRESENT)
                && read(PX_SIG) == SIG_ATA;
    }

    /**
     * Stops the port, gives it its command list and FIS area from {@code dma}, turns FIS receive on and
     * clears stale status.
     *
     * @return why it failed, or null
     */
    String setUp(Sys sys, Dma dma) {
        if (!stop(sys)) {
            return "port " + index + " does not stop";
        }
        commandList = dma.allocate(sys, COMMAND_LIST_BYTES);
        DmaBuffer fis = dma.allocate(sys, RECEIVED_FIS_BYTES);
        if (commandList == null || fis == null) {
            return "no DMA memory for port " + index + ": " + dma.problem();
        }
        write(PX_CLB, (int) commandList.physAddress());
        write(PX_CLBU, (int) (commandList.physAddress() >>> 32));
        write(PX_FB, (int) fis.physAddress());
        write(PX_FBU, (int) (fis.physAddress() >>> 32));
        write(PX_CMD, read(PX_CMD) | CMD_FRE);
        write(PX_SERR, -1);
        write(PX_IS, -1);
        return null;
    }

    /**
     * Allocates the command tables and data buffers of every slot: only for a port with a disk.
     *
     * @return why it failed, or null
     */
    String allocateSlots(Sys sys, Dma dma) {
        tables = dma.allocate(sys, slots * tableSize);
        data = dma.allocate(sys, slots * share);
        return tables == null || data == null ? "no DMA memory for the slots of port " + index + ": " + dma.problem()
                : null;
    }

    /** Clears ST then FRE, waiting for CR and FR to follow. */
    private boolean stop(Sys sys) {
        write(PX_CMD, read(PX_CMD) & ~CMD_ST);
        if (!await(sys, STOP_LIMIT, cmd -> (cmd & CMD_CR) == 0)) {
            return false;
        }
        write(PX_CMD, read(PX_CMD) & ~CMD_FRE);
        return await(sys, STOP_LIMIT, cmd -> (cmd & CMD_FR) == 0);
    }

    /** Sets ST once the device is ready for commands; false when it stays busy. */
    boolean start(Sys sys, boolean commandListOverride) {
        if ((read(PX_TFD) & (TFD_BSY | TFD_DRQ)) != 0 && commandListOverride) {
            write(PX_CMD, read(PX_CMD) | CMD_CLO);
            await(sys, STOP_LIMIT, cmd -> (cmd & CMD_CLO) == 0);
        }
        if (!awaitRegister(sys, PX_TFD, STOP_LIMIT, tfd -> (tfd & (TFD_BSY | TFD_DRQ)) == 0)) {
            return false;
        }
        write(PX_CMD, read(PX_CMD) | CMD_ST);
        return true;
    }

    /** Turns on the interrupts the driver handles. */
    void enableInterrupts() {
        write(PX_IE, Registers.IE_ENABLED);
    }

    /**
     * The error recovery of section 6.2.2: stop the engine, clear errors and status, get the device out of BSY
     * (CLO, or a COMRESET when that does not help) and start again. Slots are all free afterwards.
     *
     * @return false when the port could not be brought back
     */
    boolean recover(Sys sys, boolean commandListOverride) {
        for (int slot = 0; slot < slots; slot++) {
            inSlot[slot] = null;
        }
        busy = 0;
        write(PX_CMD, read(PX_CMD) & ~CMD_ST);
        boolean stopped = await(sys, STOP_LIMIT, cmd -> (cmd & CMD_CR) == 0);
        write(PX_SERR, -1);
        write(PX_IS, -1);
        if (stopped && start(sys, commandListOverride)) {
            return true;
        }
        return comreset(sys) && start(sys, commandListOverride);
    }

    /** A port reset (10.4.2): DET=1 for at least 1 ms, then 0, and wait for the link and the signature. */
    private boolean comreset(Sys sys) {
        write(PX_CMD, read(PX_CMD) & ~CMD_ST);
        write(PX_SCTL, read(PX_SCTL) & ~0xf | SCTL_DET_COMRESET);
        sys.sleep(POLL);
        write(PX_SCTL, read(PX_SCTL) & ~0xf);
        boolean up = awaitRegister(sys, PX_SSTS, LINK_LIMIT, s -> (s & SSTS_DET_MASK) == SSTS_DET_PRESENT);
        write(PX_SERR, -1);
        write(PX_IS, -1);
        return up && (read(PX_CMD) & CMD_CR) == 0;
    }

    private boolean await(Sys sys, Duration limit, IntPredicate done) {
        return awaitRegister(sys, PX_CMD, limit, done);
    }

    private boolean awaitRegister(Sys sys, int register, Duration limit, IntPredicate done) {
        long end = sys.now() + limit.toNanos();
        while (!done.test(read(register))) {
            if (sys.now() >= end || !(sys.sleep(POLL) instanceof Result.Ok<Void>)) {
                return done.test(read(register));
            }
        }
        return true;
    }

    /**
     * Runs one command in slot 0 by polling, as the driver does at start-up before interrupts are on, and
     * recovers the port if it fails.
     *
     * @return why it failed, or null when it completed
     */
    String runPolled(Sys sys, Command command, Duration limit, boolean commandListOverride) {
        long end = sys.now() + limit.toNanos();
        issue(0, command, end);
        String problem = null;
        while (problem == null && (read(PX_CI) & 1) != 0) {
            int status = read(PX_IS);
            if ((status & Registers.IS_FATAL) != 0) {
                problem = describe(status);
            } else if (sys.now() >= end || !(sys.sleep(POLL) instanceof Result.Ok<Void>)) {
                problem = command + " did not complete within " + limit.toMillis() + " ms";
            }
        }
        release(0);
        write(PX_IS, -1);
        if (problem != null && !recover(sys, commandListOverride)) {
            problem += "; the port could not be recovered";
        }
        return problem;
    }

    /** A sentence for the fatal error bits in a PxIS value, with the task file when the device failed. */
    String describe(int status) {
        if ((status & Registers.IS_TFES) != 0) {
            int tfd = read(PX_TFD);
            int error = tfd >>> 8 & 0xff;
            // ATA's error register: UNC (bit 6) is data the disk could not read; ABRT (bit 2) a command it refused.
            String what = (error & 0x40) != 0 ? "had an uncorrectable read error" : "aborted the command";
            return String.format("the disk on port %d %s (status %02xh, error %02xh)", index, what, tfd & 0xff, error);
        }
        String what = (status & Registers.IS_HBFS) != 0 ? "host bus fatal error (DMA to unmapped memory)"
                : (status & Registers.IS_HBDS) != 0 ? "host bus data error"
                : (status & Registers.IS_IFS) != 0 ? "interface fatal error"
                : "overflow: the PRDT was shorter than the data";
        return "port " + index + ": " + what;
    }

    // ------------------------------------------------------------------ slots

    /** A free slot, or -1. */
    int freeSlot() {
        int free = ~busy & (slots == 32 ? -1 : (1 << slots) - 1);
        return free == 0 ? -1 : Integer.numberOfTrailingZeros(free);
    }

    /** The data buffer all slots share, and where {@code slot}'s part of it starts. */
    DmaBuffer data() {
        return data;
    }

    int dataOffset(int slot) {
        return slot * share;
    }

    /** Writes the slot's header and table and issues it; it must complete by {@code until} (virtual ns). */
    void issue(int slot, Command command, long until) {
        int table = slot * tableSize;
        int entries = CommandTable.write(tables, table, command, data.physAddress() + dataOffset(slot));
        int header = slot * HEADER_BYTES;
        int cfl = 5; // a Register H2D FIS is five dwords
        commandList.putInt(header, cfl | (command.writesDevice() ? 1 << 6 : 0) | entries << 16);
        commandList.putInt(header + 4, 0);
        commandList.putLong(header + 8, tables.physAddress() + table);
        commandList.clear(header + 16, 16);
        inSlot[slot] = command;
        deadline[slot] = until;
        busy |= 1 << slot;
        write(PX_CI, 1 << slot);
    }

    /** Slots the driver issued that the HBA reports finished (their PxCI bit is clear). */
    int finishedSlots() {
        return busy & ~read(PX_CI);
    }

    /** Slots still in flight. */
    int busySlots() {
        return busy;
    }

    /** The command in a busy slot. */
    Command command(int slot) {
        return inSlot[slot];
    }

    /** Frees a slot and returns the command it held. */
    Command release(int slot) {
        Command command = inSlot[slot];
        inSlot[slot] = null;
        busy &= ~(1 << slot);
        return command;
    }

    /** The earliest deadline of a command in flight, or Long.MAX_VALUE when idle. */
    long earliestDeadline() {
        long earliest = Long.MAX_VALUE;
        for (int slot = 0; slot < slots; slot++) {
            if ((busy & 1 << slot) != 0) {
                earliest = Math.min(earliest, deadline[slot]);
            }
        }
        return earliest;
    }

    /** The slot the command engine was on when it stopped (PxCMD.CCS): the failing one after TFES. */
    int currentSlot() {
        return read(PX_CMD) >>> CMD_CCS_SHIFT & CMD_CCS_MASK;
    }
}
