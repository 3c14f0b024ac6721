package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Sys;

/**
 * Brings a newly connected, enabled port's device to the Configured state (USB 2.0 9.1, xHCI 4.3):
 *
 * <pre>
 *   Enable Slot ─▶ output context in DCBAA[slot] ─▶ Address Device (slot: route, speed, root port; EP0 ring)
 *   ─▶ GET_DESCRIPTOR(device, 8): EP0's real max packet ─▶ Evaluate Context if it differs
 *   ─▶ GET_DESCRIPTOR(device, 18) ─▶ GET_DESCRIPTOR(configuration, 9) then all of it ─▶ parsed strictly
 * </pre>
 *
 * The class driver (mass storage, hub) then sets the configuration and configures its endpoints with
 * {@link #configure}. A device that fails any step is logged and its slot disabled: a bad device never
 * takes the driver down.
 */
final class Enumerator {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final HostController hc;
    private final Sys sys;
    private final DmaPool pool;

    Enumerator(HostController hc, Sys sys) {
        this.hc = hc;
        this.sys = sys;
        this.pool = new DmaPool(sys);
    }

    /** What enumeration learnt: the addressed device, its descriptors, its configuration. */
    record Found(Device device, int deviceClass, Configuration configuration) {
    }

    /**
     * Enumerates the device at {@code path} (root port first), reached by {@code route}, at speed {@code speed}
     * (a Protocol Speed ID); null when it could not be, with the reason logged.
     */
    Found enumerate(List<Integer> path, int route, int speed) {
        Trb.Event enabled = hc.command(0, 0, Trb.type(Trb.ENABLE_SLOT), TIMEOUT);
        if (enabled == null || enabled.code() != Trb.SUCCESS) {
            sys.log("usbd: no slot for the device at port " + join(path) + ": "
                    + (enabled == null ? "no answer" : Trb.describe(enabled.code())));
            return null;
        }
        Device d = new Device(hc, sys, pool, enabled.slot(), path, path.getFirst(), route, speed);
        try {
            address(d);
            byte[] head = d.controlIn(0x80, 6, 0x0100, 0, 8);
            if (head.length < 8 || head[1] != 1) {
                throw new MalformedException("its device descriptor does not start like one");
            }
            int maxPacket = speed >= 4 ? 1 << (head[7] & 0xf) : head[7] & 0xff;
            if (maxPacket != initialMaxPacket(speed) && maxPacket >= 8) {
                evaluateMaxPacket(d, maxPacket);
            }
            byte[] device = d.controlIn(0x80, 6, 0x0100, 0, 18);
            if (device.length < 18) {
                throw new MalformedException("its device descriptor has " + device.length + " bytes");
            }
            d.vendor = Fields.le16(device, 8);
            d.product = Fields.le16(device, 10);
            byte[] header = d.controlIn(0x80, 6, 0x0200, 0, 9);
            if (header.length < 9) {
                throw new MalformedException("its configuration descriptor has " + header.length + " bytes");
            }
            int total = Math.min(Fields.le16(header, 2), Device.CONTROL_BUFFER);
            Configuration configuration = Configuration.parse(d.controlIn(0x80, 6, 0x0200, 0, total));
            return new Found(d, device[4] & 0xff, configuration);
        } catch (Device.UsbException | MalformedException e) {
            sys.log("usbd: the device at port " + join(path) + " is left alone: " + e.getMessage());
            release(d);
            return null;
        }
    }

    private void address(Device d) throws Device.UsbException {
        hc.deviceContext(d.slot, d.output.physAddress());
        d.input.clear(0, 33 * Device.CONTEXT);
        d.input.putInt(4, 0x3); // add the slot and EP0
        d.input.putInt(Device.CONTEXT, d.route | d.speed << 20 | 1 << 27);
        d.input.putInt(Device.CONTEXT + 4, d.rootPort << 16);
        endpointContext(d, 1, 4, initialMaxPacket(d.speed), 0, d.ep0.pointer());
        Trb.Event e = hc.command(d.input.physAddress(), 0, Trb.type(Trb.ADDRESS_DEVICE) | d.slot << 24, TIMEOUT);
        if (e == null || e.code() != Trb.SUCCESS) {
            throw new Device.UsbException(e == null ? 0 : e.code(), "Address Device");
        }
    }

    private void evaluateMaxPacket(Device d, int maxPacket) throws Device.UsbException {
        d.input.clear(0, 3 * Device.CONTEXT);
        d.input.putInt(4, 0x2);
        endpointContext(d, 1, 4, maxPacket, 0, d.ep0.pointer());
        Trb.Event e = hc.command(d.input.physAddress(), 0, Trb.type(Trb.EVALUATE_CONTEXT) | d.slot << 24, TIMEOUT);
        if (e == null || e.code() != Trb.SUCCESS) {
            throw new Device.UsbException(e == null ? 0 : e.code(), "Evaluate Context");
        }
    }

    /**
     * Sets configuration {@code value} on the device and gives the controller its endpoints, with fresh
     * rings; a hub also gets the Hub bit and its port count in the slot context.
     */
    void configure(Device d, int value, List<Configuration.Endpoint> endpoints, int hubPorts)
            throws Device.UsbException {
        d.controlOut(0, 9, value, 0, null);
        d.input.clear(0, 33 * Device.CONTEXT);
        int add = 1;
        int last = 1;
        for (Configuration.Endpoint ep : endpoints) {
            int dci = ep.dci();
            add |= 1 << dci;
            last = Math.max(last, dci);
            d.rings[dci] = new ProducerRing(d.buffer(ProducerRing.BYTES));
            int type = (ep.type() == 3 ? 3 : 2) + (ep.in() ? 4 : 0); // 2 bulk OUT, 6 bulk IN, 3/7 interrupt
            int interval = ep.type() == 3 && d.speed >= 3 ? Math.max(0, ep.interval() - 1) : ep.type() == 3 ? 3 : 0;
            endpointContext(d, dci, type, ep.maxPacket(), interval, d.rings[dci].pointer());
        }
        d.input.putInt(4, add);
        d.input.putInt(Device.CONTEXT, d.route | d.speed << 20 | last << 27 | (hubPorts > 0 ? 1 << 26 : 0));
        d.input.putInt(Device.CONTEXT + 4, d.rootPort << 16 | hubPorts << 24);
        Trb.Event e = hc.command(d.input.physAddress(), 0, Trb.type(Trb.CONFIGURE_ENDPOINT) | d.slot << 24, TIMEOUT);
        if (e == null || e.code() != Trb.SUCCESS) {
            throw new Device.UsbException(e == null ? 0 : e.code(), "Configure Endpoint");
        }
    }

    /** An input endpoint context (6.2.3): three retries, type, max packet, interval, ring and its cycle. */
    private static void endpointContext(Device d, int dci, int type, int maxPacket, int interval, long ring) {
        int at = (dci + 1) * Device.CONTEXT;
        d.input.putInt(at, interval << 16);
        d.input.putInt(at + 4, 3 << 1 | type << 3 | maxPacket << 16);
        d.input.putLong(at + 8, ring);
        d.input.putInt(at + 16, type == 4 ? 8 : 1024); // average TRB length
    }

    /** Disables the device's slot, forgets its context, and gives its DMA memory back to the pool. */
    void release(Device d) {
        hc.command(0, 0, Trb.type(Trb.DISABLE_SLOT) | d.slot << 24, TIMEOUT);
        hc.deviceContext(d.slot, 0);
        d.freeBuffers();
    }

    /** EP0's max packet before the device says: 512 at SuperSpeed, 64 at high speed, 8 otherwise (4.3). */
    private static int initialMaxPacket(int speed) {
        return speed >= 4 ? 512 : speed == 3 ? 64 : 8;
    }

    static String join(List<Integer> path) {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }
}
