package org.microsim.drivers.ahci;

import static org.microsim.drivers.ahci.Registers.ATA_READ_DMA_EXT;
import static org.microsim.drivers.ahci.Registers.IS;
import static org.microsim.drivers.ahci.Registers.IS_FATAL;
import static org.microsim.drivers.ahci.Registers.PX_IS;

import java.util.Map;
import java.util.function.IntConsumer;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.Notice;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * The running driver, as the server runtime drives it once {@link Ahci} has brought the controller up: the
 * block requests of every disk, the controller's interrupts and the command deadlines all arrive here, one at a
 * time, on the task's one thread, so no state needs a lock.
 *
 * <pre>
 *   request  ─▶ check ─▶ GET_INFO: the geometry, at once
 *                      └ READ/WRITE/FLUSH: a Transfer queued on its disk, NO_REPLY ─┐
 *   interrupt ─▶ retire finished slots, recover after fatal errors ──────────────────┼─▶ pump: issue into free
 *   deadline  ─▶ a lost interrupt, or recovery of a port that stopped answering ─────┘   slots, answer what is done
 * </pre>
 *
 * A transfer is answered with {@link Sys#reply} when its last command leaves its slot, not by the runtime, which
 * only ever sees {@link Handler#NO_REPLY} for it. {@link #wakeAt()} is the earliest deadline in flight, so the
 * runtime never waits forever on the hardware. Every change that can let a waiting command into a slot (a new
 * transfer, a retired or failed command) is followed by a pump, which is why the pump needs no other trigger.
 */
final class AhciHandler implements Handler<BlockRequest<?>> {
    private final Sys sys;
    private final Mmio abar;
    private final boolean commandListOverride;
    private final int maxSectors;
    private final Map<Handle, Disk> disks;

    /**
     * @param disks      the disks served, by their block port, in the order they are looked at on an interrupt
     * @param maxSectors the most sectors one command moves (one slot's data buffer, at most 65536)
     */
    AhciHandler(Sys sys, Mmio abar, boolean commandListOverride, int maxSectors, Map<Handle, Disk> disks) {
        this.sys = sys;
        this.abar = abar;
        this.commandListOverride = commandListOverride;
        this.maxSectors = maxSectors;
        this.disks = disks;
    }

    @Override
    public Protocol<BlockRequest<?>, ?> protocol() {
        return BlockRequest.PROTOCOL;
    }

    @Override
    public Message handle(BlockRequest<?> request, Received call) throws BlockException {
        Disk disk = disks.get(call.port());
        BlockRequestCheck.check(request, disk.info, call.lease());
        return switch (request) {
            case BlockRequest.GetInfo g -> disk.info.toMessage();
            case BlockRequest.Read r -> queue(disk, Transfer.data(call.replyRight(), r.lba(), r.count(), false,
                    maxSectors));
            case BlockRequest.Write w -> queue(disk, Transfer.data(call.replyRight(), w.lba(), w.count(), true,
                    maxSectors));
            case BlockRequest.Flush f -> queue(disk, Transfer.flush(call.replyRight()));
        };
    }

    /** Queues a transfer behind the disk's others and starts what fits; it is answered when done. */
    private Message queue(Disk disk, Transfer t) throws BlockException {
        if (disk.outOfService) {
            throw new BlockException(BlockError.IO_ERROR, disk.name + " is out of service after a failed recovery");
        }
        disk.waiting.add(t);
        pump(disk);
        return NO_REPLY;
    }

    @Override
    public boolean notice(Notice notice) {
        switch (notice) {
            case Notice.Interrupt i -> interrupt();
            case Notice.Deadline d -> expire(d.now());
            // Nothing else is meant for the driver: the runtime closes what it carries (and logs a task's send).
            case Notice.Kernel k -> {
                return false;
            }
            case Notice.Sent s -> {
                return false;
            }
        }
        disks.values().forEach(this::pump);
        return true;
    }

    @Override
    public long wakeAt() {
        long earliest = Long.MAX_VALUE;
        for (Disk disk : disks.values()) {
            earliest = Math.min(earliest, disk.port.earliestDeadline());
        }
        return earliest;
    }

    /** Issues waiting commands into free slots, oldest request first; answers requests that are done. */
    private void pump(Disk disk) {
        while (!disk.waiting.isEmpty()) {
            Transfer t = disk.waiting.peek();
            if (!t.hasNext()) {
                disk.waiting.poll();
                answer(t);
                continue;
            }
            int slot = disk.port.freeSlot();
            if (slot < 0) {
                return;
            }
            Command command = t.next();
            if (command.writesDevice() && !copy(t, command, disk.port, slot, false)) {
                continue;
            }
            disk.port.issue(slot, command, sys.now() + Ahci.COMMAND_TIMEOUT.toNanos());
            t.issued();
        }
    }

    /** Moves a command's data between the caller's lease and the slot's DMA buffer; false (and fails t) if not. */
    private boolean copy(Transfer t, Command command, SataPort port, int slot, boolean toLease) {
        Result<Integer> moved = toLease
                ? sys.leaseWrite(t.right(), command.leaseOffset(), port.data(), port.dataOffset(slot), command.bytes())
                : sys.leaseRead(t.right(), command.leaseOffset(), port.data(), port.dataOffset(slot), command.bytes());
        if (moved instanceof Result.Ok<Integer>(Integer n) && n == command.bytes()) {
            return true;
        }
        t.fail(BlockError.IO_ERROR, "lease copy failed: " + (moved.isOk() ? "short copy" : moved.errorOrNull()));
        return false;
    }

    /**
     * An interrupt: each port's PxIS is cleared (write 1 to clear) before IS, then finished slots are
     * retired and fatal errors recovered. Every disk is looked at, since interrupts coalesce.
     */
    private void interrupt() {
        int pending = abar.read32(IS);
        for (Disk disk : disks.values()) {
            int status = disk.port.read(PX_IS);
            if (status != 0) {
                disk.port.write(PX_IS, status);
            }
            harvest(disk, status);
        }
        abar.write32(IS, pending);
    }

    /** Retires the slots PxCI says are done; after a fatal error, fails the rest and recovers the port. */
    private void harvest(Disk disk, int status) {
        SataPort port = disk.port;
        int fatal = status & IS_FATAL;
        int failing = fatal != 0 ? 1 << port.currentSlot() : 0;
        forEachSlot(port.finishedSlots() & ~failing, slot -> complete(disk, slot));
        if (fatal != 0) {
            String why = port.describe(status);
            sys.log("ahci: " + disk.name + ": " + why + "; recovering the port");
            recover(disk, why);
        }
    }

    private void complete(Disk disk, int slot) {
        Command command = disk.port.command(slot);
        Transfer t = command.transfer();
        if (command.opcode() == ATA_READ_DMA_EXT) {
            copy(t, command, disk.port, slot, true);
        }
        disk.port.release(slot);
        t.retired();
        answer(t);
    }

    /** Fails every command in flight on the disk with IO_ERROR and runs the error recovery. */
    private void recover(Disk disk, String why) {
        forEachSlot(disk.port.busySlots(), slot -> {
            Transfer t = disk.port.release(slot).transfer();
            t.fail(BlockError.IO_ERROR, why);
            t.retired();
            answer(t);
        });
        if (!disk.port.recover(sys, commandListOverride)) {
            sys.log("ahci: " + disk.name + ": the port did not recover; out of service");
            disk.outOfService = true;
            while (!disk.waiting.isEmpty()) {
                Transfer t = disk.waiting.poll();
                t.fail(BlockError.IO_ERROR, disk.name + " is out of service after a failed recovery");
                answer(t);
            }
        }
    }

    /** Commands past their deadline: first a look for a completion whose interrupt was lost, then recovery. */
    private void expire(long now) {
        for (Disk disk : disks.values()) {
            if (disk.port.earliestDeadline() > now) {
                continue;
            }
            int status = disk.port.read(PX_IS);
            disk.port.write(PX_IS, status);
            harvest(disk, status);
            if (disk.port.earliestDeadline() <= now) {
                String why = "a command on " + disk.name + " did not complete within "
                        + Ahci.COMMAND_TIMEOUT.toSeconds() + " s";
                sys.log("ahci: " + why + "; recovering the port");
                recover(disk, why);
            }
        }
    }

    private void answer(Transfer t) {
        Message reply = t.takeReply();
        if (reply != null) {
            // A caller that gave up or died cannot be answered; that is its business, not an error here.
            sys.reply(t.right(), reply);
        }
    }

    private static void forEachSlot(int mask, IntConsumer action) {
        for (int rest = mask; rest != 0; rest &= rest - 1) {
            action.accept(Integer.numberOfTrailingZeros(rest));
        }
    }
}
