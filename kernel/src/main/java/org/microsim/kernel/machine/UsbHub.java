package org.microsim.kernel.machine;

import java.util.Arrays;
import java.util.List;

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
 * until the host sets PORT_POWER. Deconfiguring or resetting the hub switches them off again (the Not
 * Configured state). A reset completes at once here (the host's wait for it is only virtual time).
 * The hub wakes the controller on every change, so a status-change transfer the hub NAKed is tried again.
 */
final class UsbHub extends OneConfigurationDevice implements UsbDevice.Hub {
    static final int VENDOR = 0x0409;
    static final int PRODUCT = 0x55aa;
    static final String PRODUCT_NAME = "QEMU USB Hub";
    static final int HUB_DESCRIPTOR = 0x29;
    static final int MAX_PORTS = 7;
    static final int STATUS_ENDPOINT = 1;

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
    private boolean statusEndpointHalted;
    private Runnable wake = () -> { };

    /** A hub with {@code portCount} downstream ports, 1 to 7 (one byte of status-change bitmap). */
    UsbHub(int portCount) {
        super(descriptors());
        if (portCount < 1 || portCount > MAX_PORTS) {
            throw new IllegalArgumentException("a hub has 1 to " + MAX_PORTS + " ports, not " + portCount);
        }
        this.portCount = portCount;
        devices = new UsbDevice[portCount + 1];
        powered = new boolean[portCount + 1];
        enabled = new boolean[portCount + 1];
        suspended = new boolean[portCount + 1];
        changes = new int[portCount + 1];
    }

    private static UsbDescriptors.Descriptors descriptors() {
        byte[] device = UsbDescriptors.device(0x09, 1, 64, VENDOR, PRODUCT, 0x0101);
        // The status-change endpoint polls every 2^(12-1) microframes (256 ms) at high speed, 255 frames at full.
        return new UsbDescriptors.Descriptors(device, UsbDescriptors.qualifier(device, 0),
                configuration(UsbDescriptors.CONFIGURATION, 12),
                configuration(UsbDescriptors.OTHER_SPEED_CONFIGURATION, 255),
                List.of("QEMU", PRODUCT_NAME, "314159"));
    }

    private static byte[] configuration(int type, int interval) {
        return UsbDescriptors.configuration(type, 1, UsbDescriptors.iface(1, 0x09, 0, 0),
                UsbDescriptors.endpoint(0x80 | STATUS_ENDPOINT, 3, 1, interval));
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
        // A suspended port forwards no traffic until it is resumed (11.5.1.8).
        return valid(port) && powered[port] && enabled[port] && !suspended[port] ? devices[port] : null;
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
        change(port, powered[port] ? CHANGE_CONNECTION : 0);
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
        // A disconnect disables the port without C_PORT_ENABLE, which is for errors on a connected port (11.24.2.7.2).
        change(port, powered[port] ? CHANGE_CONNECTION : 0);
        return gone;
    }

    private boolean valid(int port) {
        return port >= 1 && port <= portCount;
    }

    /** The halt of its one endpoint is the only feature it has: no remote wakeup, no test modes. */
    @Override
    ControlReply feature(Setup setup) {
        if (setup.recipient() != 2 || setup.value() != UsbDescriptors.ENDPOINT_HALT || !statusEndpoint(setup.index())) {
            return ControlReply.STALL;
        }
        statusEndpointHalted = setup.request() == UsbDescriptors.SET_FEATURE;
        return ControlReply.DONE;
    }

    @Override
    void configurationSet() {
        statusEndpointHalted = false;
        if (!configured()) {
            powerOff(); // an unconfigured hub's ports are not powered (11.11)
        }
    }

    @Override
    void interfaceSet() {
        statusEndpointHalted = false;
    }

    private boolean statusEndpoint(int address) {
        return configured() && address == (0x80 | STATUS_ENDPOINT);
    }

    /** GET_STATUS (9.4.5): self-powered without remote wakeup; the interface's zero; an endpoint's halt bit. */
    @Override
    ControlReply status(Setup setup) {
        int index = setup.index();
        boolean known = switch (setup.recipient()) {
            case 0 -> true;
            case 1 -> configured() && index == 0;
            default -> index == 0 || index == 0x80 || statusEndpoint(index);
        };
        if (!known) {
            return ControlReply.STALL;
        }
        int bits = setup.recipient() == 0 ? 1 : setup.recipient() == 2 && index != 0 && index != 0x80
                && statusEndpointHalted ? 1 : 0;
        return ControlReply.in(new byte[] {(byte) bits, 0}, setup.length());
    }

    /** The hub class requests (11.24.2): its descriptor, hub and port status, hub and port features. */
    @Override
    ControlReply classRequest(Setup setup) {
        boolean getStatus = setup.request() == UsbDescriptors.GET_STATUS;
        if (setup.recipient() == 0) {
            return switch (setup.request()) {
                case UsbDescriptors.GET_DESCRIPTOR -> setup.in() && setup.value() == HUB_DESCRIPTOR << 8
                        ? ControlReply.in(hubDescriptor(), setup.length()) : ControlReply.STALL;
                // No local power or over-current change ever happens here: the hub's status is all zeros.
                case UsbDescriptors.GET_STATUS -> setup.in() ? ControlReply.in(new byte[4], setup.length())
                        : ControlReply.STALL;
                // C_HUB_LOCAL_POWER (0) and C_HUB_OVER_CURRENT (1): acknowledged, never set.
                case UsbDescriptors.CLEAR_FEATURE -> !setup.in() && setup.value() <= 1 ? ControlReply.DONE
                        : ControlReply.STALL;
                default -> ControlReply.STALL;
            };
        }
        int port = setup.index();
        if (setup.recipient() != 3 || !valid(port) || setup.in() != getStatus) {
            return ControlReply.STALL;
        }
        return switch (setup.request()) {
            case UsbDescriptors.GET_STATUS -> {
                byte[] status = new byte[4];
                Bytes.put16(status, 0, portStatus(port));
                Bytes.put16(status, 2, changes[port]);
                yield ControlReply.in(status, setup.length());
            }
            case UsbDescriptors.SET_FEATURE -> configured() ? setPortFeature(port, setup.value())
                    : ControlReply.STALL;
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

    /** SetPortFeature (11.24.2.13): power, reset, suspend; the rest (PORT_ENABLE, tests, indicators) STALL. */
    private ControlReply setPortFeature(int port, int feature) {
        switch (feature) {
            case PORT_POWER -> {
                if (!powered[port]) {
                    powered[port] = true;
                    change(port, devices[port] != null ? CHANGE_CONNECTION : 0);
                }
            }
            case PORT_RESET -> {
                // A reset of an unpowered or empty port does nothing: it stays Powered-off or Disconnected (11.5).
                if (powered[port] && devices[port] != null) {
                    devices[port].busReset();
                    enabled[port] = true;
                    suspended[port] = false;
                    change(port, CHANGE_RESET);
                }
            }
            case PORT_SUSPEND -> suspended[port] = enabled[port];
            default -> {
                return ControlReply.STALL;
            }
        }
        return ControlReply.DONE;
    }

    /**
     * ClearPortFeature (11.24.2.2): the host disables a port (no C_PORT_ENABLE: that is for a disable the hub
     * itself does), resumes one (C_PORT_SUSPEND once the resume is done, at once here), switches one off, or
     * acknowledges a change.
     */
    private ControlReply clearPortFeature(int port, int feature) {
        switch (feature) {
            case PORT_ENABLE -> {
                enabled[port] = false;
                suspended[port] = false;
            }
            case PORT_SUSPEND -> {
                if (suspended[port]) {
                    suspended[port] = false;
                    change(port, CHANGE_SUSPEND);
                }
            }
            case PORT_POWER -> {
                powered[port] = false;
                enabled[port] = false;
                suspended[port] = false;
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

    /** Sets change bits of a port and, if there are any, wakes the host to poll the status-change endpoint. */
    private void change(int port, int bits) {
        if (bits != 0) {
            changes[port] |= bits;
            wake.run();
        }
    }

    /** Descriptor 0x29 (11.23.2.1): ports, per-port power switching and over-current, 100 ms to power good. */
    private byte[] hubDescriptor() {
        byte[] d = new byte[9];
        d[0] = 9;
        d[1] = HUB_DESCRIPTOR;
        d[2] = (byte) portCount;
        Bytes.put16(d, 3, 0x0009); // individual power switching, individual over-current protection, no indicators
        d[5] = 50; // bPwrOn2PwrGood, in 2 ms units
        d[6] = 0; // bHubContrCurrent
        d[7] = 0; // DeviceRemovable: bit n for port n, 0 = removable; every port's device is
        d[8] = (byte) 0xff; // PortPwrCtrlMask, all ones as USB 1.0 hosts expect (11.23.2.1)
        return d;
    }

    @Override
    public Handshake out(int endpoint, byte[] data) {
        return Handshake.STALL;
    }

    /** The status-change endpoint: bit n for port n with a change to report (bit 0, the hub's own, never is). */
    @Override
    public InPacket in(int endpoint, int maxLength) {
        if (!configured() || endpoint != STATUS_ENDPOINT || statusEndpointHalted) {
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

    /** Default state: unconfigured, ports unpowered and their changes forgotten (11.10); devices stay plugged in. */
    @Override
    public void busReset() {
        unconfigure();
        statusEndpointHalted = false;
        powerOff();
        Arrays.fill(changes, 0);
    }

    private void powerOff() {
        for (int port = 1; port <= portCount; port++) {
            powered[port] = false;
            enabled[port] = false;
            suspended[port] = false;
        }
    }
}
