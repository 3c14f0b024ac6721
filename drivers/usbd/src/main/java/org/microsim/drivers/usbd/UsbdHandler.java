package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.Message;
import org.microsim.abi.Notice;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSet;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.block.BlockError;
import org.microsim.abi.block.BlockException;
import org.microsim.abi.block.BlockRequest;
import org.microsim.abi.block.BlockRequestCheck;

/**
 * The running driver: the block requests of every stick, the controller's interrupts and hot-plug, one at a time
 * on the task's one thread, on the server runtime.
 *
 * <pre>
 *   READ/WRITE ─▶ check ─▶ split into commands of the stick's buffer ─▶ CBW/data/CSW, lease ⇄ DMA ─▶ reply
 *   interrupt ─▶ drain the event ring ─▶ port status change: root port ─┐
 *                                      └ hub status-change transfer ────┼─▶ attach: reset, enumerate, class driver
 *   deadline (work pending) ─────────────────────────────────────────────┘   detach: unregister, slots disabled
 * </pre>
 *
 * <p>A request runs to its end before the next is taken (a bulk-only stick runs one command at a time): others
 * wait in their port's queue, which is how several requests are in flight at once. Events that arrive while a
 * request waits for its own (a port change, a hub's) are kept and handled right after, through a deadline the
 * handler asks for at once. A stick pulled out in the middle of a request fails it with DEVICE_GONE, and the
 * requests queued behind it get DEVICE_GONE from the kernel when its port is unregistered: nobody waits forever,
 * and no request is answered with bytes the stick did not give.
 */
final class UsbdHandler implements Handler<BlockRequest<?>> {
    private static final Duration PORT_RESET_LIMIT = Duration.ofMillis(100);
    private static final int MAX_STICKS = 64;

    private final Sys sys;
    private final HostController hc;
    private final Enumerator enumerator;
    private final String controller;
    private final PortSet ports;
    /** Every device by its path ("1", "1.3"), in the order they came. */
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<Handle, MassStorage> sticks = new LinkedHashMap<>();
    private final Map<Integer, Hub> hubsBySlot = new LinkedHashMap<>();
    private final Set<Integer> changedRootPorts = new LinkedHashSet<>();
    private final Set<Hub> changedHubs = new LinkedHashSet<>();

    UsbdHandler(Sys sys, HostController hc, String controller, PortSet ports) {
        this.sys = sys;
        this.hc = hc;
        this.enumerator = new Enumerator(hc, sys);
        this.controller = controller;
        this.ports = ports;
        hc.sink(this::unclaimed);
    }

    /** Looks at every root port once, as after a controller reset nothing says what is already plugged in. */
    void scanRootPorts() {
        for (int port = 1; port <= hc.ports; port++) {
            changedRootPorts.add(port);
        }
        hotplug();
    }

    @Override
    public Protocol<BlockRequest<?>, ?> protocol() {
        return BlockRequest.PROTOCOL;
    }

    @Override
    public Message handle(BlockRequest<?> request, Received call) throws BlockException {
        MassStorage stick = sticks.get(call.port());
        if (stick == null) {
            throw new BlockException(BlockError.DEVICE_GONE, "the stick is gone");
        }
        BlockRequestCheck.check(request, stick.info, call.lease());
        return switch (request) {
            case BlockRequest.GetInfo g -> stick.info.toMessage();
            case BlockRequest.Read r -> {
                move(stick, call, r.lba(), r.count(), false);
                yield Replies.ok();
            }
            case BlockRequest.Write w -> {
                move(stick, call, w.lba(), w.count(), true);
                yield Replies.ok();
            }
            case BlockRequest.Flush f -> {
                stick.flush();
                yield Replies.ok();
            }
        };
    }

    /** A read or a write, in commands of at most the stick's buffer, between the caller's lease and DMA memory. */
    private void move(MassStorage stick, Received call, long lba, int count, boolean write) throws BlockException {
        int blockSize = stick.info.blockSize();
        for (int done = 0; done < count; ) {
            int n = Math.min(count - done, stick.blocksPerCommand());
            long offset = (long) done * blockSize;
            int bytes = n * blockSize;
            if (write) {
                lease(sys.leaseRead(call.replyRight(), offset, stick.buffer(), 0, bytes));
                stick.write(lba + done, n);
            } else {
                stick.read(lba + done, n);
                lease(sys.leaseWrite(call.replyRight(), offset, stick.buffer(), 0, bytes));
            }
            done += n;
        }
    }

    private static void lease(Result<Integer> r) throws BlockException {
        if (!r.isOk()) {
            throw new BlockException(BlockError.IO_ERROR, "the lease could not be used: " + r.errorOrNull());
        }
    }

    @Override
    public boolean notice(Notice notice) {
        switch (notice) {
            case Notice.Interrupt i -> hc.drain(e -> false);
            case Notice.Deadline d -> {
            }
            case Notice.Kernel k -> {
                return false;
            }
            case Notice.Sent s -> {
                return false;
            }
        }
        hotplug();
        return true;
    }

    @Override
    public long wakeAt() {
        return changedRootPorts.isEmpty() && changedHubs.isEmpty() ? Long.MAX_VALUE : sys.now();
    }

    /** An event nobody was waiting for: a port change, a hub's status-change transfer; the rest are stale. */
    private void unclaimed(Trb.Event e) {
        if (e.type() == Trb.PORT_STATUS_CHANGE) {
            changedRootPorts.add(e.port());
        } else if (e.type() == Trb.TRANSFER_EVENT) {
            Hub hub = hubsBySlot.get(e.slot());
            if (hub != null && e.endpoint() == hub.statusDci) {
                changedHubs.add(hub);
                return;
            }
            for (Device d : devices.values()) {
                if (d.slot == e.slot()) {
                    d.stash(e); // a TD the driver submitted and will wait for next
                }
            }
        }
    }

    // ------------------------------------------------------------------ hot-plug

    /** Handles every port change noted so far, root ports first. */
    private void hotplug() {
        while (!changedRootPorts.isEmpty() || !changedHubs.isEmpty()) {
            if (!changedRootPorts.isEmpty()) {
                int port = changedRootPorts.iterator().next();
                changedRootPorts.remove(port);
                rootPort(port);
            } else {
                Hub hub = changedHubs.iterator().next();
                changedHubs.remove(hub);
                hubChanged(hub);
            }
        }
    }

    private void rootPort(int port) {
        if (port < 1 || port > hc.ports) {
            return;
        }
        int status = hc.portsc(port);
        hc.portsc(port, status & HostController.CHANGES);
        String key = Integer.toString(port);
        boolean known = devices.containsKey(key);
        boolean connected = (status & HostController.CCS) != 0;
        if (known && (!connected || (status & HostController.CSC) != 0)) {
            remove(List.of(port));
        }
        if (connected && !devices.containsKey(key)) {
            int speed = enable(port);
            if (speed != 0) {
                attach(List.of(port), 0, speed);
            }
        }
    }

    /**
     * Makes a connected root port usable: a USB 3 port is enabled already; a USB 2 port is reset and its reset
     * waited for (bounded). The device's speed, or 0 when the port did not come up.
     */
    private int enable(int port) {
        if ((hc.portsc(port) & HostController.PED) == 0) {
            // A USB 3 port warm-resets (WPR) rather than resets; both end in PRC with the port enabled.
            hc.portsc(port, hc.usb3(port) ? HostController.WPR : HostController.PR);
            long end = sys.now() + PORT_RESET_LIMIT.toNanos();
            while ((hc.portsc(port) & HostController.PRC) == 0) {
                if (sys.now() >= end || !sys.sleep(Duration.ofMillis(1)).isOk()) {
                    sys.log("usbd: port " + port + " did not finish its reset");
                    return 0;
                }
            }
            hc.portsc(port, HostController.PRC);
        }
        int status = hc.portsc(port);
        return (status & (HostController.CCS | HostController.PED)) == (HostController.CCS | HostController.PED)
                ? status >>> 10 & 0xf : 0;
    }

    private void hubChanged(Hub hub) {
        if (!devices.containsValue(hub.device)) {
            return;
        }
        try {
            List<Integer> at = hub.device.path;
            for (Hub.Change c : hub.changes(port -> devices.containsKey(key(child(at, port))))) {
                if (c.connected()) {
                    attach(child(at, c.port()), hub.childRoute(c.port()), c.speed());
                } else {
                    remove(child(at, c.port()));
                }
            }
        } catch (Device.UsbException e) {
            sys.log("usbd: the hub at port " + hub.device.where() + " did not answer: " + e.getMessage());
        }
    }

    private static List<Integer> child(List<Integer> path, int port) {
        List<Integer> p = new ArrayList<>(path);
        p.add(port);
        return List.copyOf(p);
    }

    private static String key(List<Integer> path) {
        return Enumerator.join(path);
    }

    /** Enumerates a device and starts its class driver; a device nobody drives stays addressed, and is logged. */
    private void attach(List<Integer> path, int route, int speed) {
        Enumerator.Found found = enumerator.enumerate(path, route, speed);
        if (found == null) {
            return;
        }
        Device d = found.device();
        devices.put(key(path), d);
        try {
            for (Configuration.Interface i : found.configuration().interfaces()) {
                Configuration.Endpoint in = i.endpoint(2, true);
                Configuration.Endpoint out = i.endpoint(2, false);
                Configuration.Endpoint status = i.endpoint(3, true);
                if (i.interfaceClass() == 8 && i.subclass() == 6 && i.protocol() == 0x50 && in != null && out != null) {
                    enumerator.configure(d, found.configuration().value(), List.of(in, out), 0);
                    massStorage(d, i.number(), in.dci(), out.dci());
                    return;
                }
                if (i.interfaceClass() == 9 && status != null && path.size() < 6) {
                    int hubPorts = Hub.portCount(d);
                    enumerator.configure(d, found.configuration().value(), List.of(status), hubPorts);
                    Hub hub = new Hub(d, status.dci(), hubPorts);
                    hubsBySlot.put(d.slot, hub);
                    sys.log("usbd: hub " + hex(d) + " at port " + d.where() + ", " + hubPorts + " ports");
                    hub.start(100);
                    return;
                }
            }
            sys.log("usbd: no driver for the device " + hex(d) + " at port " + d.where() + " (class "
                    + found.deviceClass() + ")");
        } catch (Device.UsbException e) {
            sys.log("usbd: the device at port " + d.where() + " could not be configured: " + e.getMessage());
        }
    }

    private void massStorage(Device d, int interfaceNumber, int in, int out) {
        MassStorage stick = new MassStorage(d, interfaceNumber, in, out);
        try {
            stick.start();
        } catch (BlockException e) {
            sys.log("usbd: the stick at port " + d.where() + " is not usable: " + e.getMessage());
            return;
        }
        for (int n = 0; n < MAX_STICKS; n++) {
            String name = "msc" + n + ":";
            byte[] where = new byte[d.path.size()];
            for (int i = 0; i < where.length; i++) {
                where[i] = (byte) (int) d.path.get(i);
            }
            int caps = PortCaps.DMA | PortCaps.REMOVABLE | PortCaps.HOTPLUG
                    | (stick.info.readOnly() ? PortCaps.READ_ONLY : 0);
            Result<Handle> r = sys.registerPort(new PortInfo(name, PortClass.BLOCK, PortSubclass.USB_MASS_STORAGE,
                    controller, d.vendor, d.product, caps, where));
            if (r.code() == ErrorCode.NAME_TAKEN) {
                continue;
            }
            stick.port = r.orThrow();
            stick.name = name;
            sticks.put(stick.port, stick);
            ports.add(stick.port);
            sys.log("usbd: " + name + " " + hex(d) + " at port " + d.where() + ", " + stick.info.blockCount()
                    + " blocks of " + stick.info.blockSize() + " bytes" + (stick.info.readOnly() ? ", read-only" : ""));
            return;
        }
        sys.log("usbd: no free msc<n>: name for the stick at port " + d.where());
    }

    /** Removes the device at {@code path} and everything behind it: their ports go, their slots are disabled. */
    private void remove(List<Integer> path) {
        String prefix = key(path);
        List<String> gone = devices.keySet().stream()
                .filter(k -> k.equals(prefix) || k.startsWith(prefix + ".")).toList();
        for (String k : gone.reversed()) {
            Device d = devices.remove(k);
            d.gone = true;
            hubsBySlot.remove(d.slot);
            sticks.values().removeIf(stick -> {
                if (stick.device != d) {
                    return false;
                }
                ports.remove(stick.port);
                sys.unregisterPort(stick.port);
                sys.log("usbd: " + stick.name + " at port " + d.where() + " is gone");
                return true;
            });
            enumerator.release(d);
        }
    }

    private static String hex(Device d) {
        return String.format("%04x:%04x", d.vendor, d.product);
    }
}
