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
import static org.microsim.drivers.ahci.Registers.PI;
import static org.microsim.drivers.ahci.Registers.SECTOR;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.block.BlockInfo;
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
 * <h2>Serving</h2>
 * The block ports and the interrupt port are served by the one server runtime ({@link Server}) with an
 * {@link AhciHandler}: the runtime decodes each call and answers anything malformed with INVALID_REQUEST (a
 * request carrying handles included: they are closed), so only well-formed requests reach the driver, which
 * checks them against the disk ({@link BlockRequestCheck}); a request out of range or with the wrong lease gets
 * its error and never reaches the disk. GET_INFO is answered at once. READ and WRITE become a {@link Transfer}:
 * commands of at most one slot's data buffer (and 65536 sectors) each, queued per disk and issued into free
 * slots as they free up, across requests, up to the CAP.NCS slots; the handler tells the runtime that it
 * answers them itself ({@link org.microsim.abi.Handler#NO_REPLY}) and does so when all of a request's commands
 * are done. Data moves between the caller's lease and the slot's DMA buffer with the lease calls that take a
 * {@link org.microsim.abi.DmaBuffer}, with no copy in between: before issuing a write, after completing a read.
 * An interrupt reaches the handler as a notice from the kernel and is handled as the spec says: read IS, clear
 * each port's PxIS (write 1 to clear) then IS, and every slot the driver issued whose PxCI bit is clear has
 * completed.
 *
 * <h2>Errors</h2>
 * A fatal port error (TFES: the disk aborted; HBFS, HBDS, IFS, OFS: the host side failed) fails the
 * command in the failing slot with IO_ERROR, and, since recovery (clear ST, wait CR, clear SERR and IS,
 * CLO or COMRESET if the disk stays busy, set ST; section 6.2.2) drops every issued command, the others in
 * flight on that port too; the driver keeps serving. A command without a completion within
 * {@link #COMMAND_TIMEOUT} of virtual time from its issue is failed the same way: the handler asks the runtime
 * to wake it at the earliest deadline in flight, so it never waits forever on the hardware. (A disk that runs
 * commands one at a time so slowly that 32 queued ones outlast the timeout sees the later ones fail.) A port
 * that cannot be recovered is out of service: its requests fail with IO_ERROR at once.
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
        List<Handle> ports = new ArrayList<>(disks.keySet());
        ports.add(irq);
        Server.serve(sys, new AhciHandler(sys, abar, commandListOverride, maxSectors, disks),
                ports.toArray(Handle[]::new));
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
        return new Disk(port, new BlockInfo(SECTOR, id.sectors(), readOnly), id.model());
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
}
