package org.microsim.kernel.machine;

/**
 * A USB 2.0 high-speed hub with a single transaction translator (USB 2.0 chapter 11), as QEMU's {@code usb-hub}
 * presents itself (0409:55aa): descriptor 0x29, per-port power switching, port status and change bits, and a
 * status-change interrupt endpoint 0x81.
 *
 * <pre>
 *   device plugged in ─▶ wPortStatus.CONNECTION (if powered), wPortChange.C_CONNECTION ─▶ wake the host
 *   host: GET_STATUS(port), CLEAR_FEATURE(C_PORT_CONNECTION), SET_FEATURE(PORT_RESET)
 *         ─▶ device bus reset, ENABLE, HIGH_SPEED, C_RESET ─▶ the device answers on its route string
 *   EP1 IN: a bitmap, bit n for port n with a change (bit 0 the hub itself); NAK while there is none
 * </pre>
 *
 * <p>Ports start unpowered, as 11.11 says after the hub is configured: a device on an unpowered port is not seen
 * until the host sets PORT_POWER. A reset completes at once here (the host's wait for it is only virtual time).
 * The hub wakes the controller on every change, so a status-change transfer the hub NAKed is tried again.
 */
final class UsbHub implements UsbDevice.Hub {
    static final int VENDOR = 0x0409;
    static final int PRODUCT = 0x55aa;
    static final String PRODUCT_NAME = "QEMU USB Hub";
    static final int HUB_DESCRIPTOR = 0x29;
    static final int MAX_PORTS = 7;

    // Port features (11.24.2).
    static final int PORT_CONNECTION = 0;
    static final int PORT_ENABLE = 1;
    static final int PORT_SUSPEND = 2;
    static final int PORT_OVER_CURRENT = 3;
    static final int PORT_RESET = 4;
    static final int PORT_POWER = 8;
    static final int C_PORT_CONNECTION = 16;
    static final int C_PORT_ENABLE = 17;
    static final int C_PORT_SUSPEND = 18;
    static final int C_PORT_OVER_CURRENT = 19;
    static final int C_PORT_RESET = 20;
    // wPortStatus and wPortChange bits.
    static final int STATUS_CONNECTION = 1;
    static final int STATUS_ENABLE = 1 << 1;
    static final int STATUS_SUSPEND = 1 << 2;
    static final int STATUS_RESET = 1 << 4;
    static final int STATUS_POWER = 1 << 8;
    static final int STATUS_LOW_SPEED = 1 << 9;
    static final int STATUS_HIGH_SPEED = 1 << 10;
    static final int CHANGE_CONNECTION = 1;
    static final int CHANGE_ENABLE = 1 << 1;
    static final int CHANGE_SUSPEND = 1 << 2;
    static final int CHANGE_OVER_CURRENT = 1 << 3;
    static final int CHANGE_RESET = 1 << 4;

    private final int portCount;
    private final UsbDevice[] devices;
    private final boolean[] powered;
    private final boolean[] enabled;
    private final boolean[] suspended;
    private final int[] changes;
    private final byte[] device;
    private final byte[] configurationDescriptor;
    private int configuration;
    private Runnable wake = () -> { };

    /** A hub with {@code portCount} downstream ports, 1 to 7 (one byte of status-change bitmap). */
    UsbHub(int portCount) {
        if (portCount < 1 || portCount > MAX_PORTS) {
            throw new IllegalArgumentException("a hub has 1 to " + MAX_PORTS + " ports, not " + portCount);
        }
        this.portCount = portCount;
        devices = new UsbDevice[portCount + 1];
        powered = new boolean[portCount + 1];
        enabled = new boolean[portCount + 1];
        suspended = new boolean[portCount + 1];
        changes = new int[portCount + 1];
        device = UsbDescriptors.device(0x09, 1, 64, VENDOR, PRODUCT, 0x0101);
        configurationDescriptor = UsbDescriptors.configuration(UsbDescriptors.CONFIGURATION, 1,
                UsbDescriptors.iface(1, 0x09, 0, 0), UsbDescriptors.endpoint(0x81, 3, 1, 12));
    }

    @Override
    public Speed speed() {
        return Speed.HIGH;
    }

    @Override
    public Identity identity() {
        return new Identity(VENDOR, PRODUCT, 0x09, 0x09, PRODUCT_NAME);
    }

    @Override
    public void onWake(Runnable callback) {
        wake = callback;
    }

    @Override
    public int portCount() {
        return portCount;
    }

    @Override
    public UsbDevice routed(int port) {
        return valid(port) && powered[port] && enabled[port] ? devices[port] : null;
    }

    @Override
    public UsbDevice connected(int port) {
        return valid(port) ? devices[port] : null;
    }

    @Override
    public void connect(int port, UsbDevice newDevice) {
        if (!valid(port) || devices[port] != null) {
            return;
        }
        devices[port] = newDevice;
        if (powered[port]) {
            changes[port] |= CHANGE_CONNECTION;
            wake.run();
        }
    }

    @Override
    public UsbDevice disconnect(int port) {
        if (!valid(port) || devices[port] == null) {
            return null;
        }
        UsbDevice gone = devices[port];
        devices[port] = null;
        enabled[port] = false;
        suspended[port] = false;
        if (powered[port]) {
            changes[port] |= CHANGE_CONNECTION; // a disconnect disables the port; C_PORT_ENABLE is for errors
            wake.run();
        }
        return gone;
    }

    private boolean valid(int port) {
        return port >= 1 && port <= portCount;
    }

    @Override
    public ControlReply control(Setup setup, byte[] dataOut) {
        int recipient = setup.recipient();
        if (setup.type() != 0) {
            return setup.type() == 1 ? classRequest(setup, recipient) : ControlReply.STALL;
        }
        return switch (setup.request()) {
            case UsbDescriptors.GET_DESCRIPTOR -> UsbDescriptors.reply(setup, device, configurationDescriptor, "QEMU",
                    PRODUCT_NAME, "314159");
            case UsbDescriptors.GET_STATUS -> recipient <= 2 ? ControlReply.in(new byte[] {
                    (byte) (recipient == 0 ? 1 : 0), 0}, setup.length()) : ControlReply.STALL;
            case UsbDescriptors.SET_CONFIGURATION -> {
                if ((setup.value() & 0xff) > 1) {
                    yield ControlReply.STALL;
                }
                configuration = setup.value() & 0xff;
                yield ControlReply.DONE;
            }
            case UsbDescriptors.GET_CONFIGURATION -> ControlReply.in(new byte[] {(byte) configuration},
                    setup.length());
            case UsbDescriptors.GET_INTERFACE -> ControlReply.in(new byte[] {0}, setup.length());
            case UsbDescriptors.SET_INTERFACE -> setup.value() == 0 ? ControlReply.DONE : ControlReply.STALL;
            case UsbDescriptors.CLEAR_FEATURE, UsbDescriptors.SET_FEATURE, UsbDescriptors.SET_ADDRESS ->
                    ControlReply.DONE;
            default -> ControlReply.STALL;
        };
    }

    /** The hub class requests (11.24.2): its descriptor, hub and port status, hub and port features. */
    private ControlReply classRequest(Setup setup, int recipient) {
        if (recipient == 0) {
            return switch (setup.request()) {
                case UsbDescriptors.GET_DESCRIPTOR -> setup.in() && (setup.value() >>> 8) == HUB_DESCRIPTOR
                        ? ControlReply.in(hubDescriptor(), setup.length()) : ControlReply.STALL;
                case UsbDescriptors.GET_STATUS -> setup.in() ? ControlReply.in(new byte[4], setup.length())
                        : ControlReply.STALL;
                // C_HUB_LOCAL_POWER (0) and C_HUB_OVER_CURRENT (1): nothing ever changes them here.
                case UsbDescriptors.CLEAR_FEATURE -> setup.value() <= 1 ? ControlReply.DONE : ControlReply.STALL;
                default -> ControlReply.STALL;
            };
        }
        int port = setup.index() & 0xff;
        if (recipient != 3 || !valid(port)) {
            return ControlReply.STALL;
        }
        return switch (setup.request()) {
            case UsbDescriptors.GET_STATUS -> {
                byte[] status = new byte[4];
                Bytes.put16(status, 0, portStatus(port));
                Bytes.put16(status, 2, changes[port]);
                yield setup.in() ? ControlReply.in(status, setup.length()) : ControlReply.STALL;
            }
            case UsbDescriptors.SET_FEATURE -> setPortFeature(port, setup.value());
            case UsbDescriptors.CLEAR_FEATURE -> clearPortFeature(port, setup.value());
            default -> ControlReply.STALL;
        };
    }

    private int portStatus(int port) {
        int status = powered[port] ? STATUS_POWER : 0;
        UsbDevice d = devices[port];
        if (d != null && powered[port]) {
            status |= STATUS_CONNECTION;
            // The speed bits are valid once the port is enabled (11.24.2.7.1): high speed is found in the reset.
            if (enabled[port] && d.speed() == Speed.LOW) {
                status |= STATUS_LOW_SPEED;
            } else if (enabled[port] && d.speed() == Speed.HIGH) {
                status |= STATUS_HIGH_SPEED;
            }
        }
        if (enabled[port]) {
            status |= STATUS_ENABLE;
        }
        return suspended[port] ? status | STATUS_SUSPEND : status;
    }

    private ControlReply setPortFeature(int port, int feature) {
        switch (feature) {
            case PORT_POWER -> {
                if (!powered[port]) {
                    powered[port] = true;
                    if (devices[port] != null) {
                        changes[port] |= CHANGE_CONNECTION;
                        wake.run();
                    }
                }
            }
            case PORT_RESET -> {
                if (powered[port] && devices[port] != null) {
                    devices[port].busReset();
                    enabled[port] = true;
                    suspended[port] = false;
                    changes[port] |= CHANGE_RESET;
                    wake.run();
                }
            }
            case PORT_SUSPEND -> suspended[port] = enabled[port];
            default -> {
                return ControlReply.STALL;
            }
        }
        return ControlReply.DONE;
    }

    private ControlReply clearPortFeature(int port, int feature) {
        switch (feature) {
            case PORT_ENABLE -> enabled[port] = false;
            case PORT_SUSPEND -> suspended[port] = false;
            case PORT_POWER -> {
                powered[port] = false;
                enabled[port] = false;
            }
            case C_PORT_CONNECTION -> changes[port] &= ~CHANGE_CONNECTION;
            case C_PORT_ENABLE -> changes[port] &= ~CHANGE_ENABLE;
            case C_PORT_SUSPEND -> changes[port] &= ~CHANGE_SUSPEND;
            case C_PORT_OVER_CURRENT -> changes[port] &= ~CHANGE_OVER_CURRENT;
            case C_PORT_RESET -> changes[port] &= ~CHANGE_RESET;
            default -> {
                return ControlReply.STALL;
            }
        }
        return ControlReply.DONE;
    }

    /** Descriptor 0x29 (11.23.2.1): ports, per-port power switching and over-current, 100 ms to power good. */
    private byte[] hubDescriptor() {
        byte[] d = new byte[9];
        d[0] = 9;
        d[1] = HUB_DESCRIPTOR;
        d[2] = (byte) portCount;
        Bytes.put16(d, 3, 0x0009); // individual power switching, individual over-current protection
        d[5] = 50; // bPwrOn2PwrGood, in 2 ms units
        d[6] = 0; // bHubContrCurrent
        d[7] = 0; // DeviceRemovable: every port's device is removable
        d[8] = (byte) 0xff; // PortPwrCtrlMask, kept all ones for USB 1.0 compatibility
        return d;
    }

    @Override
    public Handshake out(int endpoint, byte[] data) {
        return Handshake.STALL;
    }

    @Override
    public InPacket in(int endpoint, int maxLength) {
        if (configuration != 1 || endpoint != 1) {
            return InPacket.STALL;
        }
        int bitmap = 0;
        for (int port = 1; port <= portCount; port++) {
            if (changes[port] != 0) {
                bitmap |= 1 << port;
            }
        }
        return bitmap == 0 || maxLength < 1 ? InPacket.NAK : InPacket.ack(new byte[] {(byte) bitmap});
    }

    @Override
    public void busReset() {
        configuration = 0;
        for (int port = 1; port <= portCount; port++) {
            powered[port] = false;
            enabled[port] = false;
            suspended[port] = false;
            changes[port] = 0;
        }
    }
}
