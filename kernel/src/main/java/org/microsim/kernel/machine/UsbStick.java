package org.microsim.kernel.machine;

import java.util.List;

/**
 * A USB mass-storage stick, as QEMU's {@code usb-storage} presents itself (46f4:0001 "QEMU USB HARDDRIVE"): a
 * high-speed device with one configuration, one interface (class 8 mass storage, subclass 6 SCSI transparent
 * command set, protocol 0x50 bulk-only), a bulk-in endpoint 0x81 and a bulk-out endpoint 0x02 of 512 bytes, over
 * a {@link BulkOnlyTransport} whose SCSI unit ({@link ScsiDisk}) is the image.
 *
 * <pre>
 *   EP0  standard requests (USB 2.0 9.4) + class requests 0xFF reset, 0xFE Get Max LUN
 *   EP2 OUT ─▶ CBW, write data ─▶ BulkOnlyTransport ─▶ ScsiDisk ─▶ DiskImage
 *   EP1 IN  ◀─ read data, CSW  ◀─┘
 * </pre>
 *
 * <p>The bulk endpoints answer only once the host has set configuration 1 (before that they STALL, as a device
 * in the Address state has no other endpoints, 9.1.1.5). A bus reset unconfigures the stick and returns the
 * transport to waiting for a CBW, clearing halts: the end of a bulk-only reset recovery. The first command after
 * the stick is plugged in gets UNIT ATTENTION (06/28/00), as a medium that just arrived does.
 */
final class UsbStick extends OneConfigurationDevice {
    static final int VENDOR = 0x46f4;
    static final int PRODUCT = 0x0001;
    static final String MANUFACTURER = "QEMU";
    static final String PRODUCT_NAME = "QEMU USB HARDDRIVE";
    static final int BULK_IN = 1;
    static final int BULK_OUT = 2;
    static final int MAX_PACKET = 512;
    static final int FULL_SPEED_MAX_PACKET = 64;
    static final int CLASS_RESET = 0xff;
    static final int GET_MAX_LUN = 0xfe;

    private final DiskImage image;
    private final ScsiDisk unit;
    private final BulkOnlyTransport transport;
    private UsbFault fault;

    UsbStick(DiskImage image, String serial) {
        super(descriptors(serial));
        this.image = image;
        this.unit = new ScsiDisk(image, serial);
        this.transport = new BulkOnlyTransport(unit);
    }

    private static UsbDescriptors.Descriptors descriptors(String serial) {
        byte[] device = UsbDescriptors.device(0, 0, 64, VENDOR, PRODUCT, 0x0000);
        return new UsbDescriptors.Descriptors(device, UsbDescriptors.qualifier(device, 0),
                configuration(UsbDescriptors.CONFIGURATION, MAX_PACKET),
                configuration(UsbDescriptors.OTHER_SPEED_CONFIGURATION, FULL_SPEED_MAX_PACKET),
                List.of(MANUFACTURER, PRODUCT_NAME, serial));
    }

    /** The configuration at one speed: bulk endpoints of 512 bytes at high speed, of 64 at full speed (5.8.3). */
    private static byte[] configuration(int type, int maxPacket) {
        return UsbDescriptors.configuration(type, 1, UsbDescriptors.iface(2, 0x08, 0x06, 0x50),
                UsbDescriptors.endpoint(0x80 | BULK_IN, 2, maxPacket, 0),
                UsbDescriptors.endpoint(BULK_OUT, 2, maxPacket, 0));
    }

    /** The faults armed on the stick's medium. */
    DiskFaults faults() {
        return unit.faults();
    }

    /** The image the stick stores its blocks in. */
    DiskImage image() {
        return image;
    }

    @Override
    public Speed speed() {
        return Speed.HIGH;
    }

    @Override
    public Identity identity() {
        return new Identity(VENDOR, PRODUCT, 0x08, 0x08, PRODUCT_NAME);
    }

    /**
     * SET_CONFIGURATION and SET_INTERFACE clear the endpoints' halts (9.4.5), except while an invalid CBW waits
     * for the class reset: the bulk-only transport keeps stalling until then (BOT 6.6.1).
     */
    @Override
    void configurationSet() {
        clearHalts();
    }

    @Override
    void interfaceSet() {
        clearHalts();
    }

    private void clearHalts() {
        transport.clearHalt(true);
        transport.clearHalt(false);
    }

    /** Bulk-Only Mass Storage Reset and Get Max LUN, to interface 0 (BOT 3.1, 3.2). */
    @Override
    ControlReply classRequest(Setup setup) {
        if (setup.recipient() != 1 || setup.index() != 0 || !configured() || setup.value() != 0) {
            return ControlReply.STALL;
        }
        if (setup.request() == CLASS_RESET && !setup.in() && setup.length() == 0) {
            transport.reset();
            return ControlReply.DONE;
        }
        if (setup.request() == GET_MAX_LUN && setup.in() && setup.length() == 1) {
            return ControlReply.in(new byte[] {(byte) BulkOnlyTransport.maxLun()}, 1);
        }
        return ControlReply.STALL;
    }

    /** GET_STATUS (9.4.5): self-powered without remote wakeup; an interface's zero; an endpoint's halt bit. */
    @Override
    ControlReply status(Setup setup) {
        byte[] status = new byte[2];
        switch (setup.recipient()) {
            case 0 -> status[0] = 1;
            case 1 -> {
                if (setup.index() != 0 || !configured()) {
                    return ControlReply.STALL;
                }
            }
            default -> {
                Boolean in = bulkEndpoint(setup.index());
                if (in != null) {
                    status[0] = (byte) (transport.halted(in) ? 1 : 0);
                } else if (setup.index() != 0 && setup.index() != 0x80) {
                    return ControlReply.STALL;
                }
            }
        }
        return ControlReply.in(status, setup.length());
    }

    /** ENDPOINT_HALT on a bulk endpoint is the only feature a stick has (no remote wakeup, no test modes). */
    @Override
    ControlReply feature(Setup setup) {
        Boolean in = setup.recipient() == 2 && setup.value() == UsbDescriptors.ENDPOINT_HALT
                ? bulkEndpoint(setup.index()) : null;
        if (in == null) {
            return ControlReply.STALL;
        }
        if (setup.request() == UsbDescriptors.SET_FEATURE) {
            transport.halt(in);
        } else {
            transport.clearHalt(in); // refused while a bad CBW waits for the class reset (BOT 6.6.1)
        }
        return ControlReply.DONE;
    }

    /** For an endpoint address: true for bulk-in, false for bulk-out, null for another or when unconfigured. */
    private Boolean bulkEndpoint(int address) {
        if (!configured()) {
            return null;
        }
        return switch (address) {
            case 0x80 | BULK_IN -> true;
            case BULK_OUT -> false;
            default -> null;
        };
    }

    /** Makes the next command misbehave this way (once). */
    void inject(UsbFault newFault) {
        fault = newFault;
    }

    @Override
    public Handshake out(int endpoint, byte[] data) {
        if (!configured() || endpoint != BULK_OUT) {
            return Handshake.STALL;
        }
        if (fault != null && transport.awaitingCommand()) {
            switch (fault) {
                case STALL_NEXT_CBW -> {
                    fault = null;
                    return transport.bulkOut(new byte[0]); // not a CBW: both pipes stall until the class reset
                }
                case LOSE_NEXT_CBW -> {
                    fault = null;
                    return Handshake.ACK; // taken, and forgotten
                }
                case BAD_NEXT_CSW -> {
                }
            }
        }
        return transport.bulkOut(data);
    }

    @Override
    public InPacket in(int endpoint, int maxLength) {
        if (!configured() || endpoint != BULK_IN) {
            return InPacket.STALL;
        }
        InPacket packet = transport.bulkIn(maxLength);
        if (fault == UsbFault.BAD_NEXT_CSW && packet.data().length == BulkOnlyTransport.CSW_LENGTH
                && transport.awaitingCommand()) {
            fault = null;
            byte[] bad = packet.data().clone();
            bad[0] ^= 0x01; // the CSW's signature, off by one bit
            return InPacket.ack(bad);
        }
        return packet;
    }

    @Override
    public void busReset() {
        unconfigure();
        transport.reset(); // a port reset is more than the class reset: the command in progress is dropped too
        clearHalts();
    }
}
