package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.DmaBuffer;

/**
 * A USB 2.0 hub's class driver (USB 2.0 chapter 11), as Redox's usbhubd and Linux's hub driver do it: read the
 * hub descriptor, power every port, and keep a transfer queued on the status-change endpoint. When it completes,
 * each port whose bit is set is asked for its status, its change bits are cleared, and a new connection is reset
 * and enumerated behind the hub (its route string is the hub's with the port in the next 4-bit tier); a lost one
 * is removed with everything behind it.
 */
final class Hub {
    static final int PORT_RESET = 4;
    static final int PORT_POWER = 8;
    static final int C_PORT_CONNECTION = 16;
    static final int C_PORT_ENABLE = 17;
    static final int C_PORT_SUSPEND = 18;
    static final int C_PORT_OVER_CURRENT = 19;
    static final int C_PORT_RESET = 20;
    private static final Duration RESET_POLL = Duration.ofMillis(10);
    private static final int RESET_TRIES = 10;

    final Device device;
    final int statusDci;
    final int ports;
    private final DmaBuffer status;

    Hub(Device device, int statusDci, int ports) {
        this.device = device;
        this.statusDci = statusDci;
        this.ports = ports;
        this.status = device.buffer(64);
    }

    /** The hub descriptor's port count (11.23.2.1), before the hub is configured. */
    static int portCount(Device device) throws Device.UsbException {
        byte[] d = device.controlIn(0xa0, 6, 0x2900, 0, 9);
        return d.length >= 3 && d[1] == 0x29 ? d[2] & 0xff : 0;
    }

    /** Powers every port, waits for power to be good, and queues the status-change transfer. */
    void start(int powerOnMillis) throws Device.UsbException {
        for (int port = 1; port <= ports; port++) {
            device.controlOut(0x23, 3, PORT_POWER, port, null);
        }
        device.sys.sleep(Duration.ofMillis(Math.max(powerOnMillis, 20)));
        listen();
    }

    /** Queues the transfer the hub answers when a port changes. */
    void listen() {
        device.queue(statusDci, status, 1);
    }

    /** What happened on a port: a device to enumerate at this speed, or one that is gone. */
    record Change(int port, boolean connected, int speed) {
    }

    /**
     * The status-change transfer completed: for every port, its status, its change bits cleared, a new
     * connection reset. Queues the next status-change transfer.
     */
    List<Change> changes(java.util.function.IntPredicate known) throws Device.UsbException {
        List<Change> found = new ArrayList<>();
        for (int port = 1; port <= ports; port++) {
            int[] st = portStatus(port);
            clearChanges(port, st[1]);
            boolean connected = (st[0] & 1) != 0;
            boolean connectionChanged = (st[1] & 1) != 0;
            if (connected && (!known.test(port) || connectionChanged)) {
                if (known.test(port)) {
                    found.add(new Change(port, false, 0)); // unplugged and plugged in between two looks
                }
                int speed = reset(port);
                if (speed != 0) {
                    found.add(new Change(port, true, speed));
                }
            } else if (!connected && known.test(port)) {
                found.add(new Change(port, false, 0));
            }
        }
        listen();
        return found;
    }

    /** Resets a port; the speed of the device (a Protocol Speed ID), or 0 when the port did not come up. */
    private int reset(int port) throws Device.UsbException {
        device.controlOut(0x23, 3, PORT_RESET, port, null);
        for (int i = 0; i < RESET_TRIES; i++) {
            int[] st = portStatus(port);
            if ((st[1] & 0x10) != 0 || (st[0] & 0x10) == 0) {
                clearChanges(port, st[1]);
                if ((st[0] & 0x3) != 0x3) {
                    return 0;
                }
                return (st[0] & 0x200) != 0 ? 2 : (st[0] & 0x400) != 0 ? 3 : 1;
            }
            device.sys.sleep(RESET_POLL);
        }
        return 0;
    }

    /** GET_STATUS(port): wPortStatus and wPortChange. */
    private int[] portStatus(int port) throws Device.UsbException {
        byte[] st = device.controlIn(0xa3, 0, 0, port, 4);
        if (st.length < 4) {
            return new int[2];
        }
        return new int[] {st[0] & 0xff | (st[1] & 0xff) << 8, st[2] & 0xff | (st[3] & 0xff) << 8};
    }

    private void clearChanges(int port, int change) throws Device.UsbException {
        int[] features = {C_PORT_CONNECTION, C_PORT_ENABLE, C_PORT_SUSPEND, C_PORT_OVER_CURRENT, C_PORT_RESET};
        for (int bit = 0; bit < 5; bit++) {
            if ((change & 1 << bit) != 0) {
                device.controlOut(0x23, 1, features[bit], port, null);
            }
        }
    }

    /** The route string of a device on {@code port} of this hub. */
    int childRoute(int port) {
        return device.route | port << (4 * (device.path.size() - 1));
    }
}
