package org.microsim.drivers.ahci;

import static org.microsim.drivers.ahci.Registers.ABAR;
import static org.microsim.drivers.ahci.Registers.ATA_READ_DMA_EXT;
import static org.microsim.drivers.ahci.Registers.ATA_WRITE_DMA_EXT;
import static org.microsim.drivers.ahci.Registers.CAP;
import static org.microsim.drivers.ahci.Registers.CAP_NCS_MASK;
import static org.microsim.drivers.ahci.Registers.CAP_NCS_SHIFT;
import static org.microsim.drivers.ahci.Registers.CAP_S64A;
import static org.microsim.drivers.ahci.Registers.CAP_SCLO;
import static org.microsim.drivers.ahci.Registers.GHC;
import static org.microsim.drivers.ahci.Registers.GHC_AE;
import static org.microsim.drivers.ahci.Registers.GHC_HR;
import static org.microsim.drivers.ahci.Registers.GHC_IE;
import static org.microsim.drivers.ahci.Registers.IS;
import static org.microsim.drivers.ahci.Registers.IS_FATAL;
import static org.microsim.drivers.ahci.Registers.PI;
import static org.microsim.drivers.ahci.Registers.PX_IS;
import static org.microsim.drivers.ahci.Registers.SECTOR;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.SysException;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockProtocol;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * The AHCI driver: one task per SATA controller, serving each disk behind it as a block port.
 *
 * <h2>Start-up</h2>
 * Start handle 0 is the controller's device port (devd passes it). The driver maps the ABAR (BAR 5), resets
 * the HBA (GHC.HR, polled until it clears, bounded) and sets GHC.AE, then reads CAP (slots, 64-bit
 * addressing, command list override) and PI. Each implemented port is stopped, given DMA memory for its
 * command list, received-FIS area, per-slot command tables and per-slot data buffers, has FIS receive
 * turned on and stale SERR/IS cleared; a port whose link is up (SSTS.DET=3) with an ATA signature
 * (SIG=00000101h) is started. Each such disk answers IDENTIFY DEVICE (polled, before interrupts are on),
 * which gives its size (words 100-103).
 *
 * <h2>Read-only disks</h2>
 * IDENTIFY has no write-protect bit; a write-protected disk (the model's read-only image) simply aborts
 * every write. So that GET_INFO and the port's caps tell the truth from the start, rather than the first
 * writer finding out, the driver reads sector 0 at start-up and writes the same bytes back: an abort means
 * read-only. The disk is nobody else's yet, so the rewrite changes nothing. Such a disk's port has caps
 * DMA|READ_ONLY and {@link BlockRequestCheck} answers writes with READ_ONLY before they reach the disk.
 *
 * <h2>Ports</h2>
 * One BLOCK/BLOCK_RAW port per disk, named {@code ahci<n>:disk<port>} with the first controller number n
 * whose names are all free, the controller's port as parent, caps DMA (plus READ_ONLY), and the AHCI port
 * number as one metadata byte. Interrupts arrive on a private port bound with {@link Sys#bindIrq}.
 *
 * <h2>The server loop</h2>
 * One loop receives from every block port and the interrupt port. A request is decoded and checked
 * ({@link BlockProtocol#decode}, {@link BlockRequestCheck}); anything malformed or out of range gets an error
 * reply and never reaches the disk. READ and WRITE become a {@link Transfer}: commands of at most one slot's
 * data buffer (and 65536 sectors) each, queued per disk and issued into free slots as they free up, across
 * requests, up to the CAP.NCS slots. Data moves between the caller's lease and the slot's DMA buffer with
 * the lease calls that take a {@link org.microsim.abi.DmaBuffer}, with no copy in between: before issuing a
 * write, after completing a read. An interrupt is handled as the spec says: read IS, clear each port's PxIS
 * (write 1 to clear) then IS, and every slot the driver issued whose PxCI bit is clear has completed.
 * A request is answered when all of its commands are done.
 *
 * <h2>Errors</h2>
 * A fatal port error (TFES: the disk aborted; HBFS, HBDS, IFS, OFS: the host side failed) fails the
 * command in the failing slot with IO_ERROR, and, since recovery (clear ST, wait CR, clear SERR and IS,
 * CLO or COMRESET if the disk stays busy, set ST; section 6.2.2) drops every issued command, the others in
 * flight on that port too; the driver keeps serving. A command without a completion within
 * {@link #COMMAND_TIMEOUT} of virtual time from its issue is failed the same way: the loop's receive
 * timeout is the earliest deadline in flight, so it never waits forever on the hardware. (A disk that runs
 * commands one at a time so slowly that 32 queued ones outlast the timeout sees the later ones fail.) A port that cannot be recovered
 * is out of service: its requests fail with IO_ERROR at once.
 *
 * <h2>Arguments</h2>
 * Empty, or a u32 (little-endian): the bytes of data buffer per slot, a multiple of 512 from 512 to
 * 8 MiB (default {@value #DEFAULT_SLOT_BYTES}). Smaller buffers split requests into more commands; buffers
 * over 4 MiB take several PRDT entries per command.
 */
public final class Ahci implements Program {
    /** Data buffer bytes per command slot when the arguments do not say. */
    public static final int DEFAULT_SLOT_BYTES = 256 << 10;
    /** The largest data buffer per slot the arguments may ask for. */
    public static final int MAX_SLOT_BYTES = 8 << 20;
    /** How long a command may take before the driver gives up on it and recovers the port. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RESET_LIMIT = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(1);
    private static final int MAX_CONTROLLERS = 16;

    private Sys sys;
    private Mmio abar;
    private boolean commandListOverride;
    private int maxSectors;
    private final Map<Handle, Disk> disks = new LinkedHashMap<>();

    /** The argument bytes that ask for {@code bytes} of data buffer per slot. */
    public static byte[] slotBytesArgument(int bytes) {
        return new WireWriter().u32(bytes).toByteArray();
    }

    @Override
    public void run(Sys sys) {
        this.sys = sys;
        Handle device = sys.start().handle(0);
        if (device == null) {
            sys.log("ahci: started without a device handle; nothing to do");
            return;
        }
        int slotBytes;
        try {
            slotBytes = slotBytes(sys.start().args());
        } catch (MalformedException e) {
            sys.log("ahci: bad arguments: " + e.getMessage());
            return;
        }
        maxSectors = Math.min(slotBytes / SECTOR, Registers.ATA_MAX_SECTORS);
        String controller = sys.inspect(device).orThrow().portName();
        abar = sys.mapBar(device, ABAR).orThrow();
        if (!resetHba()) {
            sys.log("ahci: " + controller + ": the HBA did not finish its reset");
            return;
        }
        List<Disk> found = findDisks(slotBytes);
        if (found.isEmpty()) {
            sys.log("ahci: " + controller + " has no disk");
            return;
        }
        Handle irq = registerPorts(controller, found);
        sys.bindIrq(device, irq).orThrow();
        for (Disk disk : found) {
            disk.port.enableInterrupts();
            sys.log("ahci: " + disk.name + ": " + disk.model + ", " + disk.info.blockCount() + " sectors"
                    + (disk.info.readOnly() ? ", read-only" : ""));
        }
        abar.write32(IS, -1);
        abar.write32(GHC, GHC_AE | GHC_IE);
        serve(irq);
    }

    private static int slotBytes(byte[] args) throws MalformedException {
        if (args.length == 0) {
            return DEFAULT_SLOT_BYTES;
        }
        WireReader r = new WireReader(args);
        long bytes = r.u32("bytes per slot");
        r.end("ahci arguments");
        if (bytes < SECTOR || bytes > MAX_SLOT_BYTES || bytes % SECTOR != 0) {
            throw new MalformedException("bytes per slot must be a multiple of 512 from 512 to " + MAX_SLOT_BYTES
                    + ", got " + bytes);
        }
        return (int) bytes;
    }

    // ------------------------------------------------------------------ start-up

    /** GHC.AE, then GHC.HR until the HBA clears it (10.4.3), then GHC.AE again: a reset forgets it. */
    private boolean resetHba() {
        abar.write32(GHC, GHC_AE);
        abar.write32(GHC, GHC_AE | GHC_HR);
        long end = sys.now() + RESET_LIMIT.toNanos();
        while ((abar.read32(GHC) & GHC_HR) != 0) {
            if (sys.now() >= end || !sys.sleep(POLL).isOk()) {
                return false;
            }
        }
        abar.write32(GHC, GHC_AE);
        return true;
    }

    /** Sets up every implemented port and identifies the disks behind them. */
    private List<Disk> findDisks(int slotBytes) {
        int cap = abar.read32(CAP);
        int slots = (cap >>> CAP_NCS_SHIFT & CAP_NCS_MASK) + 1;
        commandListOverride = (cap & CAP_SCLO) != 0;
        Dma dma = new Dma((cap & CAP_S64A) != 0);
        int implemented = abar.read32(PI);
        List<Disk> found = new ArrayList<>();
        for (int index = 0; index < 32; index++) {
            if ((implemented & 1 << index) == 0) {
                continue;
            }
            SataPort port = new SataPort(abar, index, slots, slotBytes);
            String problem = port.setUp(sys, dma);
            if (problem != null) {
                sys.log("ahci: " + problem);
            } else if (port.hasDisk(sys)) {
                Disk disk = identify(port, dma);
                if (disk != null) {
                    found.add(disk);
                }
            }
        }
        return found;
    }

    /** Starts the port, asks the disk who it is, and learns whether it takes writes. */
    private Disk identify(SataPort port, Dma dma) {
        String problem = port.allocateSlots(sys, dma);
        if (problem != null) {
            sys.log("ahci: " + problem);
            return null;
        }
        if (!port.start(sys, commandListOverride)) {
            sys.log("ahci: the disk on port " + port.index + " stays busy; left alone");
            return null;
        }
        problem = port.runPolled(sys, Command.identify(), COMMAND_TIMEOUT, commandListOverride);
        if (problem != null) {
            sys.log("ahci: IDENTIFY on port " + port.index + " failed: " + problem);
            return null;
        }
        byte[] data = new byte[SECTOR];
        port.data().read(port.dataOffset(0), data, 0, SECTOR);
        Identify id;
        try {
            id = Identify.parse(data);
        } catch (MalformedException e) {
            sys.log("ahci: the disk on port " + port.index + " is not usable: " + e.getMessage());
            return null;
        }
        boolean readOnly = false;
        Command readFirst = new Command(ATA_READ_DMA_EXT, 0, 1, SECTOR, null, 0);
        problem = port.runPolled(sys, readFirst, COMMAND_TIMEOUT, commandListOverride);
        if (problem == null) {
            Command rewrite = new Command(ATA_WRITE_DMA_EXT, 0, 1, SECTOR, null, 0);
            readOnly = port.runPolled(sys, rewrite, COMMAND_TIMEOUT, commandListOverride) != null;
        } else {
            sys.log("ahci: reading sector 0 on port " + port.index + " failed (" + problem
                    + "); taking the disk as writable");
        }
        return new Disk(port, new BlockProtocol.Info(SECTOR, id.sectors(), readOnly), id.model());
    }

    /**
     * Registers the interrupt port and one block port per disk under the first controller number whose names
     * are all free; returns the interrupt port.
     */
    private Handle registerPorts(String controller, List<Disk> found) {
        for (int n = 0; n < MAX_CONTROLLERS; n++) {
            List<Handle> made = new ArrayList<>();
            Handle irq = register(PortInfo.of("ahci" + n + ":irq", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC),
                    PortOptions.PRIVATE, made);
            boolean all = irq != null;
            for (int i = 0; all && i < found.size(); i++) {
                Disk disk = found.get(i);
                disk.name = "ahci" + n + ":disk" + disk.port.index;
                int caps = PortCaps.DMA | (disk.info.readOnly() ? PortCaps.READ_ONLY : 0);
                PortInfo info = new PortInfo(disk.name, PortClass.BLOCK, PortSubclass.BLOCK_RAW, controller, 0, 0,
                        caps, new byte[] {(byte) disk.port.index});
                disk.blockPort = register(info, PortOptions.DEFAULT, made);
                all = disk.blockPort != null;
            }
            if (all) {
                found.forEach(disk -> disks.put(disk.blockPort, disk));
                return irq;
            }
            made.forEach(sys::unregisterPort);
        }
        throw new IllegalStateException("no free ahci<n> names for n below " + MAX_CONTROLLERS);
    }

    /** Registers a port; null when the name is taken (the caller tries the next number). */
    private Handle register(PortInfo info, PortOptions options, List<Handle> made) {
        Result<Handle> r = sys.registerPort(info, options);
        if (r.code() == ErrorCode.NAME_TAKEN) {
            return null;
        }
        Handle h = r.orThrow();
        made.add(h);
        return h;
    }

    // ------------------------------------------------------------------ the server loop

    private void serve(Handle irq) {
        List<Handle> ports = new ArrayList<>(disks.keySet());
        ports.add(irq);
        Handle[] listen = ports.toArray(Handle[]::new);
        while (true) {
            long deadline = disks.values().stream().mapToLong(d -> d.port.earliestDeadline()).min().orElseThrow();
            Duration wait = deadline == Long.MAX_VALUE ? Sys.FOREVER
                    : Duration.ofNanos(Math.max(0, deadline - sys.now()));
            switch (sys.receive(wait, listen)) {
                case Result.Ok<Received>(Received r) -> {
                    if (r.port().equals(irq)) {
                        interrupt();
                    } else {
                        request(disks.get(r.port()), r);
                    }
                }
                case Result.Err<Received>(var error) -> {
                    if (error.code() != ErrorCode.TIMED_OUT) {
                        throw new SysException(error);
                    }
                }
            }
            expire();
            disks.values().forEach(this::pump);
        }
    }

    private void request(Disk disk, Received r) {
        // The block protocol transfers no handles; whatever a caller sent along would only fill our table.
        r.message().handles().forEach(sys::close);
        if (!r.isCall()) {
            sys.log("ahci: " + disk.name + ": ignored message " + r.msgId() + " that is not a call");
            return;
        }
        BlockProtocol.Request request;
        try {
            request = BlockProtocol.decode(r.message());
            BlockRequestCheck.check(request, disk.info, r.lease());
            if (disk.outOfService && !(request instanceof BlockProtocol.GetInfo)) {
                throw new BlockException(BlockError.IO_ERROR, disk.name + " is out of service after a failed recovery");
            }
        } catch (MalformedException e) {
            sys.reply(r.replyRight(), BlockProtocol.errorReply(e));
            return;
        } catch (BlockException e) {
            sys.reply(r.replyRight(), BlockProtocol.errorReply(e));
            return;
        }
        switch (request) {
            case BlockProtocol.GetInfo g -> sys.reply(r.replyRight(), Replies.ok(disk.info.encode()));
            case BlockProtocol.Read read ->
                    disk.waiting.add(Transfer.data(r.replyRight(), read.lba(), read.count(), false, maxSectors));
            case BlockProtocol.Write write ->
                    disk.waiting.add(Transfer.data(r.replyRight(), write.lba(), write.count(), true, maxSectors));
            case BlockProtocol.Flush f -> disk.waiting.add(Transfer.flush(r.replyRight()));
        }
    }

    /** Issues waiting commands into free slots, oldest request first. */
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
            disk.port.issue(slot, command, sys.now() + COMMAND_TIMEOUT.toNanos());
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
    private void expire() {
        long now = sys.now();
        for (Disk disk : disks.values()) {
            if (disk.port.earliestDeadline() > now) {
                continue;
            }
            int status = disk.port.read(PX_IS);
            disk.port.write(PX_IS, status);
            harvest(disk, status);
            if (disk.port.earliestDeadline() <= now) {
                String why = "a command on " + disk.name + " did not complete within " + COMMAND_TIMEOUT.toSeconds()
                        + " s";
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
