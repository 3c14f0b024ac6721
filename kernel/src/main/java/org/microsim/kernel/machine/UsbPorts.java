package org.microsim.kernel.machine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine's side of USB: which stick holds which image, where each device is plugged in, and the words
 * people use for it. A place is a path of port numbers, root port first, written with dots ({@code 1.3}: port
 * 3 of the hub on root port 1), as Linux names USB devices by their port chain.
 *
 * <p>The xHCI controller decides whether a port can take a device; this class owns the images, so that a
 * detached stick's image is flushed and closed (its writes on the file with {@code persist=on}, its lock
 * released) the moment it leaves, and every image is closed with the machine.
 */
final class UsbPorts {
    private final XhciController xhci;
    private final Map<UsbDevice, DiskImage> images = new IdentityHashMap<>();
    private int sticksMade;

    UsbPorts(XhciController xhci) {
        this.xhci = xhci;
    }

    /** The sticks of the configuration: those behind the hub on its ports 1, 2...; the others on free root ports. */
    synchronized void plugInAtPowerOn(List<UsbConfig.Stick> sticks, List<DiskImage> opened) throws MachineException {
        int hubPort = 0;
        for (int i = 0; i < sticks.size(); i++) {
            String path = null;
            if (sticks.get(i).behindHub()) {
                if (hubPort == 0) {
                    plug(List.of(1), new UsbHub(Machine.HUB_PORTS));
                }
                if (++hubPort > Machine.HUB_PORTS) {
                    throw new MachineException("the USB hub has " + Machine.HUB_PORTS + " ports; more sticks were "
                            + "given behind it");
                }
                path = "1." + hubPort;
            }
            attach(opened.get(i), path);
        }
    }

    synchronized String attach(DiskImage image, String path) throws MachineException {
        List<Integer> where = path == null ? firstFree() : parse(path);
        UsbStick stick = new UsbStick(image, String.format("MSU%08d", ++sticksMade));
        plug(where, stick);
        images.put(stick, image);
        return format(where);
    }

    private void plug(List<Integer> where, UsbDevice device) throws MachineException {
        String refused = xhci.attach(where, device);
        if (refused != null) {
            throw new MachineException("cannot plug a USB device into port " + format(where) + ": " + refused);
        }
    }

    synchronized String detach(String path) throws MachineException {
        List<Integer> where = parse(path);
        List<XhciController.Attached> before = xhci.topology();
        UsbDevice gone = xhci.detach(where);
        if (gone == null) {
            throw new MachineException("nothing is plugged into USB port " + format(where));
        }
        List<String> what = new ArrayList<>();
        MachineException failure = null;
        for (XhciController.Attached a : before) {
            if (a.path().size() >= where.size() && a.path().subList(0, where.size()).equals(where)) {
                what.add(describe(a.device()) + " at port " + format(a.path()));
                DiskImage image = images.remove(a.device());
                if (image != null) {
                    try {
                        image.close();
                    } catch (IOException e) {
                        failure = new MachineException("the stick at port " + format(a.path())
                                + " is out, but its image could not be written back: " + e.getMessage());
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return "detached " + String.join(", ", what);
    }

    /** Makes the stick at {@code path} misbehave once, as {@code fault} says. */
    synchronized void inject(String path, UsbFault fault) throws MachineException {
        xhci.inject(stick(path), fault);
    }

    /** The faults armed on the stick at {@code path}. */
    synchronized DiskFaults faults(String path) throws MachineException {
        return stick(path).faults();
    }

    private UsbStick stick(String path) throws MachineException {
        List<Integer> where = parse(path);
        for (XhciController.Attached a : xhci.topology()) {
            if (a.path().equals(where) && a.device() instanceof UsbStick stick) {
                return stick;
            }
        }
        throw new MachineException("no USB stick is plugged into port " + format(where));
    }

    /** Everything's images, for the machine to close; the devices stay where they are. */
    synchronized List<DiskImage> unplugAll() {
        List<DiskImage> all = new ArrayList<>(images.values());
        images.clear();
        return all;
    }

    /** {@code lsusb -t}'s tree: the root hub, then each device indented under the port it is on. */
    synchronized List<String> lsusb() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("/:  Bus 001: xHCI root hub %s, %d ports (1-%d USB 2.0, %d-%d USB 3.0)",
                Machine.XHCI_ADDRESS, XhciController.USB2_PORTS + XhciController.USB3_PORTS,
                XhciController.USB2_PORTS, XhciController.USB2_PORTS + 1,
                XhciController.USB2_PORTS + XhciController.USB3_PORTS));
        for (XhciController.Attached a : xhci.topology()) {
            UsbDevice.Identity id = a.device().identity();
            lines.add(String.format("%s|__ Port %s: Dev %s, ID %04x:%04x %s, %s, %s", "    ".repeat(a.path().size()),
                    format(a.path()), a.slot() == 0 ? "-" : Integer.toString(a.slot()), id.vendorId(), id.productId(),
                    id.product(), className(a.device()), a.device().speed().lsusb()));
        }
        return lines;
    }

    private static String describe(UsbDevice device) {
        return device instanceof UsbDevice.Hub ? "the hub" : "a stick (" + device.identity().product() + ")";
    }

    private static String className(UsbDevice device) {
        return device instanceof UsbDevice.Hub ? "Class=Hub" : "Class=Mass Storage";
    }

    private List<Integer> firstFree() throws MachineException {
        List<XhciController.Attached> taken = xhci.topology();
        for (int port = 1; port <= XhciController.USB2_PORTS; port++) {
            List<Integer> path = List.of(port);
            if (taken.stream().noneMatch(a -> a.path().equals(path))) {
                return path;
            }
        }
        for (XhciController.Attached a : taken) {
            if (a.device() instanceof UsbDevice.Hub hub) {
                for (int port = 1; port <= hub.portCount(); port++) {
                    List<Integer> path = new ArrayList<>(a.path());
                    path.add(port);
                    if (taken.stream().noneMatch(t -> t.path().equals(path))) {
                        return List.copyOf(path);
                    }
                }
            }
        }
        throw new MachineException("every USB 2 port is taken");
    }

    /** {@code 2} or {@code 1.3}: port numbers from 1, at most five hubs deep (USB 2.0 allows no more). */
    static List<Integer> parse(String path) throws MachineException {
        String[] parts = path.split("\\.", -1);
        if (parts.length > 6) {
            throw new MachineException("USB port '" + path + "' is deeper than five hubs");
        }
        List<Integer> ports = new ArrayList<>();
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) == 0) {
                throw new MachineException("USB port '" + path + "' is not a port number such as 2 or 1.3");
            }
            ports.add(Integer.parseInt(part));
        }
        return List.copyOf(ports);
    }

    static String format(List<Integer> path) {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }
}
