package org.microsim.kernel.machine;

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
final class UsbStick implements UsbDevice {
    static final int VENDOR = 0x46f4;
    static final int PRODUCT = 0x0001;
    static final String MANUFACTURER = "QEMU";
    static final String PRODUCT_NAME = "QEMU USB HARDDRIVE";
    static final int BULK_IN = 1;
    static final int BULK_OUT = 2;
    static final int MAX_PACKET = 512;
    static final int CLASS_RESET = 0xff;
    static final int GET_MAX_LUN = 0xfe;

    private static final byte[] DEVICE = UsbDescriptors.device(0, 0, 64, VENDOR, PRODUCT, 0x0000);
    private static final byte[] CONFIGURATION = UsbDescriptors.configuration(UsbDescriptors.CONFIGURATION, 1,
            UsbDescriptors.iface(2, 0x08, 0x06, 0x50),
            UsbDescriptors.endpoint(0x80 | BULK_IN, 2, MAX_PACKET, 0),
            UsbDescriptors.endpoint(BULK_OUT, 2, MAX_PACKET, 0));

    private final DiskImage image;
    private final String serial;
    private final BulkOnlyTransport transport;
    private int configuration;
    private UsbFault fault;

    UsbStick(DiskImage image, String serial) {
        this.image = image;
        this.serial = serial;
        this.transport = new BulkOnlyTransport(new ScsiDisk(image, serial));
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

    @Override
    public ControlReply control(Setup setup, byte[] dataOut) {
        int recipient = setup.recipient();
        if (setup.type() != 0) {
            return setup.type() == 1 ? classRequest(setup, recipient) : ControlReply.STALL;
        }
        return switch (setup.request()) {
            case UsbDescriptors.GET_DESCRIPTOR -> UsbDescriptors.reply(setup, DEVICE, CONFIGURATION, MANUFACTURER,
                    PRODUCT_NAME, serial);
            case UsbDescriptors.GET_STATUS -> status(setup, recipient);
            case UsbDescriptors.CLEAR_FEATURE, UsbDescriptors.SET_FEATURE -> feature(setup, recipient);
            case UsbDescriptors.SET_CONFIGURATION -> {
                int value = setup.value() & 0xff;
                if (value > 1 || recipient != 0) {
                    yield ControlReply.STALL;
                }
                configuration = value;
                yield ControlReply.DONE;
            }
            case UsbDescriptors.GET_CONFIGURATION -> ControlReply.in(new byte[] {(byte) configuration},
                    setup.length());
            case UsbDescriptors.GET_INTERFACE -> configuration == 1 && setup.index() == 0
                    ? ControlReply.in(new byte[] {0}, setup.length()) : ControlReply.STALL;
            case UsbDescriptors.SET_INTERFACE -> configuration == 1 && setup.index() == 0 && setup.value() == 0
                    ? ControlReply.DONE : ControlReply.STALL;
            case UsbDescriptors.SET_ADDRESS -> ControlReply.DONE; // the controller's business; harmless here
            default -> ControlReply.STALL;
        };
    }

    /** Bulk-Only Mass Storage Reset and Get Max LUN, to interface 0 (BOT 3.1, 3.2). */
    private ControlReply classRequest(Setup setup, int recipient) {
        if (recipient != 1 || setup.index() != 0 || configuration == 0) {
            return ControlReply.STALL;
        }
        if (setup.request() == CLASS_RESET && !setup.in() && setup.value() == 0 && setup.length() == 0) {
            transport.reset();
            return ControlReply.DONE;
        }
        if (setup.request() == GET_MAX_LUN && setup.in() && setup.value() == 0 && setup.length() == 1) {
            return ControlReply.in(new byte[] {(byte) BulkOnlyTransport.maxLun()}, 1);
        }
        return ControlReply.STALL;
    }

    private ControlReply status(Setup setup, int recipient) {
        byte[] status = new byte[2];
        switch (recipient) {
            case 0 -> status[0] = 1; // self-powered
            case 1 -> {
                if (setup.index() != 0 || configuration == 0) {
                    return ControlReply.STALL;
                }
            }
            case 2 -> {
                Boolean in = bulkEndpoint(setup.index());
                if (in == null) {
                    return setup.index() == 0 || setup.index() == 0x80 ? ControlReply.in(status, setup.length())
                            : ControlReply.STALL;
                }
                status[0] = (byte) (transport.halted(in) ? 1 : 0);
            }
            default -> {
                return ControlReply.STALL;
            }
        }
        return ControlReply.in(status, setup.length());
    }

    /** ENDPOINT_HALT on a bulk endpoint is the only feature a stick has. */
    private ControlReply feature(Setup setup, int recipient) {
        Boolean in = recipient == 2 && setup.value() == UsbDescriptors.ENDPOINT_HALT ? bulkEndpoint(setup.index())
                : null;
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

    /** For an endpoint address: true for the bulk-in one, false for the bulk-out one, null otherwise or unconfigured. */
    private Boolean bulkEndpoint(int address) {
        if (configuration == 0) {
            return null;
        }
        return switch (address & 0xff) {
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
        if (configuration != 1 || endpoint != BULK_OUT) {
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
        if (configuration != 1 || endpoint != BULK_IN) {
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
        configuration = 0;
        transport.reset();
        transport.clearHalt(true);
        transport.clearHalt(false);
    }
}
