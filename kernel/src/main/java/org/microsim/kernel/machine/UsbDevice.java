package org.microsim.kernel.machine;

import java.util.Arrays;

/**
 * A USB device as a host controller reaches it over the bus: control transfers on endpoint 0, data packets on
 * its other endpoints, and a bus reset. The controller (the xHCI model) owns the addressing: it routes
 * each transfer to the device by slot, so a device model never sees SET_ADDRESS and answers whatever reaches
 * it.
 *
 * <pre>
 *   xHCI transfer ring ──TRBs──▶ XhciController ──control / out / in──▶ UsbDevice (UsbStick, UsbHub)
 *                                       ▲                                      │
 *                                       └──────────── wake (may answer now) ◀──┘
 * </pre>
 *
 * <p>Threads: every method is called with the controller's lock held, one call at a time; a device never
 * calls back into the controller except through the {@linkplain #onWake wake} callback, and only from inside
 * a call the controller made into it. A device never throws on anything the host sends: what it cannot do
 * it answers with STALL, as USB 2.0 9.2.7 says a device answers a request it does not support.
 */
interface UsbDevice {
    /** How the device answered a packet, as a USB handshake. */
    enum Handshake { ACK, NAK, STALL }

    /** What an IN request got: the handshake and, with ACK, the bytes (fewer than asked is a short packet). */
    record InPacket(Handshake handshake, byte[] data) {
        static final InPacket NAK = new InPacket(Handshake.NAK, new byte[0]);
        static final InPacket STALL = new InPacket(Handshake.STALL, new byte[0]);

        static InPacket ack(byte[] data) {
            return new InPacket(Handshake.ACK, data);
        }
    }

    /**
     * The 8-byte setup packet of a control transfer (USB 2.0 9.3).
     *
     * @param requestType bmRequestType: bit 7 device-to-host, bits 6:5 standard/class/vendor, bits 4:0 recipient
     */
    record Setup(int requestType, int request, int value, int index, int length) {
        /** Decodes the little-endian packet as a Setup Stage TRB carries it immediately. */
        static Setup of(long packet) {
            return new Setup((int) packet & 0xff, (int) (packet >>> 8) & 0xff, (int) (packet >>> 16) & 0xffff,
                    (int) (packet >>> 32) & 0xffff, (int) (packet >>> 48) & 0xffff);
        }

        /** Device-to-host: the data stage, if any, is IN. */
        boolean in() {
            return (requestType & 0x80) != 0;
        }

        /** 0 standard, 1 class, 2 vendor (bmRequestType bits 6:5). */
        int type() {
            return requestType >>> 5 & 0x3;
        }

        /** 0 device, 1 interface, 2 endpoint, 3 other (a hub's port) (bmRequestType bits 4:0). */
        int recipient() {
            return requestType & 0x1f;
        }
    }

    /** What a control transfer got: STALL (the request is not supported or failed), or done with IN data. */
    record ControlReply(Handshake handshake, byte[] dataIn) {
        static final ControlReply STALL = new ControlReply(Handshake.STALL, new byte[0]);
        static final ControlReply DONE = new ControlReply(Handshake.ACK, new byte[0]);

        /** Done, with at most {@code limit} bytes of {@code data} for the IN data stage. */
        static ControlReply in(byte[] data, int limit) {
            return new ControlReply(Handshake.ACK, Arrays.copyOf(data, Math.min(data.length, limit)));
        }
    }

    /** Bus speeds, with the xHCI Protocol Speed ID (PORTSC bits 13:10, slot context speed) of each. */
    enum Speed {
        FULL(1, "12M"), LOW(2, "1.5M"), HIGH(3, "480M"), SUPER(4, "5000M");

        private final int id;
        private final String lsusb;

        Speed(int id, String lsusb) {
            this.id = id;
            this.lsusb = lsusb;
        }

        /** The xHCI Protocol Speed ID. */
        int id() {
            return id;
        }

        /** How {@code lsusb -t} writes the speed. */
        String lsusb() {
            return lsusb;
        }
    }

    /** Who the device says it is, for {@code lsusb}: from its device descriptor and product string. */
    record Identity(int vendorId, int productId, int deviceClass, int interfaceClass, String product) {
    }

    /** The speed the device runs at; a root port of the matching protocol (USB 2 or USB 3) takes it. */
    Speed speed();

    /** Its identity, for {@code lsusb}. */
    Identity identity();

    /**
     * A control transfer on endpoint 0: the setup packet, and for a host-to-device request its data stage
     * ({@code dataOut}, empty when there is none). The standard requests the device supports, its class
     * requests, and STALL for the rest. SET_ADDRESS never arrives (the controller handles addressing).
     */
    ControlReply control(Setup setup, byte[] dataOut);

    /** Data the host sends to OUT endpoint {@code endpoint} (1-15): one transfer's bytes, any length. */
    Handshake out(int endpoint, byte[] data);

    /** The host asks IN endpoint {@code endpoint} (1-15) for at most {@code maxLength} bytes. */
    InPacket in(int endpoint, int maxLength);

    /** A bus reset (port reset): back to the default state, unconfigured, halts cleared, data lost. */
    void busReset();

    /**
     * The controller's wake callback: the device runs it when an endpoint that answered NAK may answer now (a
     * hub port changed, say). The controller also retries a device's NAKed endpoints after each transfer to it.
     */
    default void onWake(Runnable wake) {
    }

    /**
     * A USB hub: a device with downstream ports others plug into. The controller routes a transfer for a
     * route string through {@link #routed}, tier by tier, so only devices on enabled hub ports are reachable.
     */
    interface Hub extends UsbDevice {
        /** Downstream ports, numbered from 1. */
        int portCount();

        /** The device on downstream {@code port} if the port is enabled (reset by the host), else null. */
        UsbDevice routed(int port);

        /** The device connected to downstream {@code port}, enabled or not, else null. */
        UsbDevice connected(int port);

        /** Plugs a device in: the port's connection bit and its change bit are set and the hub wakes. */
        void connect(int port, UsbDevice device);

        /** Unplugs whatever is on the port (returned, or null): connection and enable off, change bit set. */
        UsbDevice disconnect(int port);
    }
}
