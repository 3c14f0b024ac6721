package org.microsim.kernel.machine;

import org.microsim.kernel.InterruptLine;
import org.microsim.kernel.Timeline;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.microsim.abi.Mmio;
import org.microsim.abi.PortInfo;

/**
 * The simulated computer: physical memory, the PCIe bus and the device models on it, built from a
 * {@link MachineConfig} on a {@link Timeline}.
 *
 * <p>Layout, as on QEMU's q35: the ICH9 AHCI controller at 00:1f.2 (interrupt line 10) with the drives on
 * ports 0, 1, 2... in configuration order, and the n-th e1000 NIC at 00:(03+n).0 (line 11+n). The AHCI
 * controller is present only when at least one drive is configured: a machine without disks shows no
 * storage controller, so no AHCI driver is started for nothing. BARs are placed from {@value #MMIO_BASE}
 * upwards, each aligned to its size, in the hole below 4 GiB that {@link PhysicalMemory} leaves for them.
 *
 * <p>Disk images are opened when the machine is built, so a bad one is reported before anything runs;
 * {@link #close()} flushes and closes them (writing {@code persist=on} drives to their files).
 */
public final class Machine implements Closeable {
    /** Where BARs start. */
    public static final long MMIO_BASE = 0xfe00_0000L;
    /** The most NICs a machine takes. */
    public static final int MAX_NICS = 8;
    static final PciAddress AHCI_ADDRESS = new PciAddress(0, 0x1f, 2);
    private static final int AHCI_IRQ = 10;
    private static final int FIRST_NIC_DEVICE = 3;
    private static final int FIRST_NIC_IRQ = 11;
    static final PciAddress XHCI_ADDRESS = new PciAddress(0, 0x14, 0);
    private static final int XHCI_IRQ = 9;
    /** Downstream ports of the hub that {@code bus=hub} sticks sit behind. */
    static final int HUB_PORTS = 4;

    private final PhysicalMemory memory;
    private final List<DiskImage> images;
    private final AhciController ahci;
    private final List<E1000> nics = new ArrayList<>();
    /** The switch behind each NIC that has one, by NIC. */
    private final Map<Integer, Mt7531> switches = new HashMap<>();
    /** Sockets on LANs, once plugged in: "n" for NIC n, "n/p" for port p of the switch behind it. */
    private final Map<String, Lan.Port> cables = new HashMap<>();
    private final Timeline timeline;
    private final UsbPorts usb;
    private final UsbCapture capture;
    private final PciBus pci;
    private long nextBar = MMIO_BASE;

    /**
     * Builds the machine and opens its disk images.
     *
     * @throws MachineException when an image cannot be used (naming its path and why) or there are too many
     *                          drives or NICs
     */
    public Machine(MachineConfig config, Timeline timeline) throws MachineException {
        ModelOptions options = config.options();
        if (config.drives().size() > AhciController.PORTS) {
            throw new MachineException("the AHCI controller has " + AhciController.PORTS + " ports; "
                    + config.drives().size() + " drives were given");
        }
        if (config.nics().size() > MAX_NICS) {
            throw new MachineException("a machine takes at most " + MAX_NICS + " NICs; "
                    + config.nics().size() + " were given");
        }
        this.timeline = timeline;
        this.memory = new PhysicalMemory(options.memoryBytes());
        // The capture file first: it is the one thing here that can fail without an image to give back.
        this.capture = config.usb().capture() == null ? null : UsbCapture.create(config.usb().capture());
        List<DiskImage> sticks;
        try {
            this.images = openAll(config.drives());
            try {
                sticks = openAll(config.usb().sticks().stream().map(UsbConfig.Stick::drive).toList());
            } catch (MachineException e) {
                closeQuietly(images, e);
                throw e;
            }
        } catch (MachineException e) {
            if (capture != null) {
                try {
                    capture.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        List<PciFunction> functions = new ArrayList<>();
        if (images.isEmpty()) {
            ahci = null;
        } else {
            InterruptLine line = new InterruptLine(AHCI_IRQ);
            ahci = new AhciController(memory, timeline, line, images, options.ahciCommandLatencyNanos());
            Bar abar = new Bar(AhciController.ABAR_INDEX, place(AhciController.ABAR_SIZE), AhciController.ABAR_SIZE,
                    ahci.mmio());
            functions.add(new PciFunction(AHCI_ADDRESS, PciClass.AHCI, AhciController.VENDOR_ID,
                    AhciController.DEVICE_ID, AhciController.REVISION, AhciController.DEVICE_NAME, List.of(abar), line));
        }
        for (int i = 0; i < config.nics().size(); i++) {
            MacAddress mac = config.nics().get(i).mac().orElse(MacAddress.DEFAULT.plus(i));
            InterruptLine line = new InterruptLine(FIRST_NIC_IRQ + i);
            E1000 nic = new E1000(memory, timeline, line, mac, options.nicLatencyNanos());
            nics.add(nic);
            int ports = config.nics().get(i).switchPorts();
            if (ports > 0) {
                Mt7531 chip = new Mt7531(ports);
                nic.attachMdio(chip);
                nic.connect(chip);
                switches.put(i, chip);
            }
            Bar bar0 = new Bar(0, place(E1000.BAR0_SIZE), E1000.BAR0_SIZE, nic.mmio());
            functions.add(new PciFunction(new PciAddress(0, FIRST_NIC_DEVICE + i, 0), PciClass.ETHERNET,
                    E1000.VENDOR_ID, E1000.DEVICE_ID, E1000.REVISION, E1000.DEVICE_NAME, List.of(bar0), line));
        }
        if (config.usb().controller()) {
            InterruptLine line = new InterruptLine(XHCI_IRQ);
            XhciController xhci = new XhciController(memory, timeline, line, options.usbLatencyNanos());
            usb = new UsbPorts(xhci);
            Bar bar0 = new Bar(XhciController.BAR0_INDEX, place(XhciController.BAR0_SIZE), XhciController.BAR0_SIZE,
                    xhci.mmio());
            functions.add(new PciFunction(XHCI_ADDRESS, PciClass.XHCI, XhciController.VENDOR_ID,
                    XhciController.DEVICE_ID, XhciController.REVISION, XhciController.DEVICE_NAME, List.of(bar0), line));
            if (capture != null) {
                xhci.capture(capture);
            }
            usb.plugInAtPowerOn(config.usb().sticks(), sticks);
        } else {
            usb = null;
        }
        this.pci = new PciBus(functions);
    }

    private static List<DiskImage> openAll(List<DriveConfig> drives) throws MachineException {
        List<DiskImage> opened = new ArrayList<>();
        try {
            for (DriveConfig drive : drives) {
                opened.add(switch (drive) {
                    case DriveConfig.File f -> FileImage.open(f.path(), f.readOnly(), f.persist());
                    case DriveConfig.Image i -> i.image();
                });
            }
            return List.copyOf(opened);
        } catch (MachineException e) {
            closeQuietly(opened, e);
            throw e;
        }
    }

    private static void closeQuietly(List<DiskImage> opened, Exception failure) {
        for (DiskImage image : opened) {
            try {
                image.close();
            } catch (IOException suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
    }

    private long place(long size) {
        long address = (nextBar + size - 1) & -size;
        nextBar = address + size;
        return address;
    }

    /** The physical memory drivers allocate DMA buffers from (the kernel's way to it is {@link MachineHardware}). */
    PhysicalMemory memory() {
        return memory;
    }

    /** Bytes of physical memory drivers hold as DMA buffers now: for tests that watch a driver's memory. */
    public long dmaBytesInUse() {
        return memory.usedBytes();
    }

    /** The PCIe bus the kernel enumerates at boot. */
    PciBus pci() {
        return pci;
    }

    /** The bus as the console's {@code lspci} shows it, one line per function. */
    public List<String> lspci() {
        return pci.lspci();
    }

    /** The port the kernel registers for each PCIe function at boot, in bus order. */
    public List<PortInfo> ports() {
        return pci.functions().stream().map(pci::portInfo).toList();
    }

    /** The AHCI controller, present when the machine has at least one drive. */
    Optional<AhciController> ahci() {
        return Optional.ofNullable(ahci);
    }

    /**
     * The AHCI controller's registers (its ABAR) as a driver that mapped the BAR sees them, when the machine has
     * one: for benchmarks and tests that watch or drive the hardware without a kernel.
     */
    public Optional<Mmio> ahciRegisters() {
        return ahci().map(AhciController::mmio);
    }

    /** The NICs, in configuration order. */
    List<E1000> nics() {
        return List.copyOf(nics);
    }

    /** The NIC whose PCI function's port is {@code pciPort} ({@code 00:03.0:eth}), or -1 when none is. */
    public int nicAt(String pciPort) {
        for (int i = 0; i < nics.size(); i++) {
            if (pciPort.equals(new PciAddress(0, FIRST_NIC_DEVICE + i, 0) + ":" + PciClass.ETHERNET.kind())) {
                return i;
            }
        }
        return -1;
    }

    /** How many NICs the machine has. */
    public int nicCount() {
        return nics.size();
    }

    /**
     * Plugs NIC {@code nic} into {@code lan} (unplugging it from any LAN before), as station {@code label} in
     * captures; its carrier comes up. A NIC with a switch behind it stays on the switch: every user port of the
     * switch is plugged in instead, as {@code label/p<n>}.
     */
    public void plug(int nic, Lan lan, String label) {
        Mt7531 chip = switches.get(nic);
        if (chip == null) {
            nics.get(nic).connect(station -> socket(String.valueOf(nic), lan.plug(station, timeline, label)));
            return;
        }
        for (int p = 0; p < chip.userPorts(); p++) {
            plugPort(nic, p, lan, label + "/p" + p);
        }
    }

    /**
     * Plugs user port {@code port} of the switch behind NIC {@code nic} into {@code lan}, as station {@code label}.
     *
     * @throws IllegalArgumentException when that NIC has no switch or the switch no such port
     */
    public void plugPort(int nic, int port, Lan lan, String label) {
        Mt7531 chip = switches.get(nic);
        if (chip == null) {
            throw new IllegalArgumentException("NIC " + nic + " has no switch behind it");
        }
        chip.connectPort(port, station -> socket(nic + "/" + port, lan.plug(station, timeline, label)));
    }

    private Lan.Port socket(String key, Lan.Port port) {
        synchronized (cables) {
            cables.put(key, port);
        }
        return port;
    }

    /**
     * Pulls a cable ({@code plugged} false) or puts it back: NIC {@code nic}'s, or with {@code switchPort} 0 or more
     * the cable of that user port of the switch behind it. The NIC, or the switch's PMSR, sees the link change.
     *
     * @throws MachineException when there is no such NIC or port, or it is plugged into no LAN
     */
    public void setCable(int nic, int switchPort, boolean plugged) throws MachineException {
        String key = switchPort < 0 ? String.valueOf(nic) : nic + "/" + switchPort;
        Lan.Port port;
        synchronized (cables) {
            port = cables.get(key);
        }
        if (port == null) {
            throw new MachineException(switchPort < 0 ? "NIC " + nic + " is not plugged into a LAN"
                    : "NIC " + nic + " has no switch port " + switchPort + " on a LAN");
        }
        port.setCable(plugged);
    }

    /** The drives' images, in port order. */
    public List<DiskImage> disks() {
        return images;
    }

    /**
     * Plugs a stick in while the machine runs: on root port or hub port {@code path} ({@code 2}, {@code 1.3}), or
     * on the first free USB 2 port when it is null. The machine owns the image from then on, until the stick is
     * detached or the machine closed.
     *
     * @return where it went, as {@code lsusb} and {@link #usbDetach} write it
     * @throws MachineException when the machine has no USB controller or the port cannot take it; the image is
     *                          then the caller's still
     */
    public String usbAttach(DiskImage image, String path) throws MachineException {
        return usbPorts().attach(image, path);
    }

    /**
     * Unplugs what is on {@code path} (a stick, or the hub with everything behind it) and flushes and closes the
     * images that go with it.
     *
     * @return what was unplugged, for the console
     * @throws MachineException when there is no USB controller or nothing on that port, or an image could not be
     *                          flushed (the stick is out all the same)
     */
    public String usbDetach(String path) throws MachineException {
        return usbPorts().detach(path);
    }

    /**
     * Makes the stick on {@code path} misbehave once, as {@code fault} says: for tests of a driver's recovery.
     *
     * @throws MachineException when there is no USB controller or no stick on that port
     */
    public void injectUsbFault(String path, UsbFault fault) throws MachineException {
        usbPorts().inject(path, fault);
    }

    /**
     * The faults armed on the disk of AHCI port {@code port} (the {@code N} of {@code ahci0:diskN}).
     *
     * @throws MachineException when the machine has no disk there
     */
    public DiskFaults ahciFaults(int port) throws MachineException {
        DiskFaults faults = ahci == null ? null : ahci.faults(port);
        if (faults == null) {
            throw new MachineException("there is no disk on AHCI port " + port);
        }
        return faults;
    }

    /**
     * The faults armed on the stick at USB port {@code path}.
     *
     * @throws MachineException when there is no USB controller or no stick there
     */
    public DiskFaults usbFaults(String path) throws MachineException {
        return usbPorts().faults(path);
    }

    /**
     * The interrupt line of the PCIe function {@code device} names: by its port ({@code 00:1f.2:ahci}) or its kind
     * ({@code ahci}, {@code usb}, {@code eth}) when one function has it.
     *
     * @throws MachineException when no function, or more than one, has that name
     */
    public InterruptLine interruptLine(String device) throws MachineException {
        List<PciFunction> named = pci.functions().stream().filter(f -> device.equals(f.pciClass().kind())
                || device.equals(pci.portInfo(f).name())).toList();
        if (named.size() != 1) {
            throw new MachineException((named.isEmpty() ? "no device " : "more than one device is ") + device
                    + "; the machine has " + String.join(", ", ports().stream().map(PortInfo::name).toList()));
        }
        return named.get(0).interrupt();
    }

    /** The USB devices as {@code lsusb -t} draws them, or a line saying there is no USB controller. */
    public List<String> lsusb() {
        return usb == null ? List.of("no USB controller (the machine has one with --usb or a --drive if=usb)")
                : usb.lsusb();
    }

    private UsbPorts usbPorts() throws MachineException {
        if (usb == null) {
            throw new MachineException("this machine has no USB controller; start it with --usb or a --drive if=usb");
        }
        return usb;
    }

    /** Flushes and closes every image; the first failure is thrown after all were tried. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<DiskImage> all = new ArrayList<>(images);
        if (usb != null) {
            all.addAll(usb.unplugAll());
        }
        if (capture != null) {
            try {
                capture.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (DiskImage image : all) {
            try {
                image.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
