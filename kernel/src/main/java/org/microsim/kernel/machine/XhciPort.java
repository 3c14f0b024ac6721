package org.microsim.kernel.machine;

/**
 * A root hub port and its PORTSC register (xHCI 5.4.8, 4.19): what is plugged in, and the bits software sees.
 *
 * <p>A USB 2 port with a device shows it connected (CCS) but not enabled, its link polling, until software
 * resets the port (PR). The reset takes the controller's latency: PR reads 1 and PED 0 meanwhile, then the
 * device is reset, the port enabled (PED) and its link in U0, and PRC says the reset is done (the controller
 * calls {@link #finishReset}). An empty port reads RxDetect and ignores PR, as QEMU's does. A USB 3 port trains its link by itself: a device comes up enabled in U0. The change bits (CSC,
 * PEC, WRC, OCC, PRC, PLC, CEC) are write-1-to-clear, exactly: writing 0 leaves them, and software usually writes
 * back what it read with only the bits it means to clear. PED is write-1-to-disable; PR and WPR are
 * write-1-to-start. Ports are always powered (HCCPARAMS1.PPC is 0), so PP reads 1 and writing it does nothing.
 */
final class XhciPort {
    static final int CCS = 1;
    static final int PED = 1 << 1;
    static final int OCA = 1 << 3;
    static final int PR = 1 << 4;
    static final int PLS_SHIFT = 5;
    static final int PLS_MASK = 0xf << PLS_SHIFT;
    static final int PP = 1 << 9;
    static final int SPEED_SHIFT = 10;
    static final int LWS = 1 << 16;
    static final int CSC = 1 << 17;
    static final int PEC = 1 << 18;
    static final int WRC = 1 << 19;
    static final int OCC = 1 << 20;
    static final int PRC = 1 << 21;
    static final int PLC = 1 << 22;
    static final int CEC = 1 << 23;
    static final int WPR = 1 << 31;
    static final int CHANGE_BITS = CSC | PEC | WRC | OCC | PRC | PLC | CEC;
    /** The wake enable bits (WCE, WDE, WOE): kept as written. */
    static final int WAKE_BITS = 0x7 << 25;

    static final int LINK_U0 = 0;
    static final int LINK_U3 = 3;
    static final int LINK_DISABLED = 4;
    static final int LINK_RX_DETECT = 5;
    static final int LINK_POLLING = 7;

    /** The port's number, from 1. */
    final int number;
    /** A USB 3 port (SuperSpeed) rather than a USB 2 one. */
    final boolean usb3;
    private UsbDevice device;
    private boolean enabled;
    private int link;
    private int changes;
    private int wake;
    private boolean resetting;
    private boolean warmReset;
    /** Bumped when what is plugged in changes or the controller resets: a reset scheduled before does nothing. */
    private long epoch;

    XhciPort(int number, boolean usb3) {
        this.number = number;
        this.usb3 = usb3;
        this.link = LINK_RX_DETECT;
    }

    UsbDevice device() {
        return device;
    }

    /** The device when the port is enabled: only then can it be addressed. */
    UsbDevice enabledDevice() {
        return enabled ? device : null;
    }

    /** A port reset software started is under way. */
    boolean resetting() {
        return resetting;
    }

    long epoch() {
        return epoch;
    }

    int read() {
        int value = PP | changes | wake | link << PLS_SHIFT | (resetting ? PR : 0);
        if (device != null) {
            value |= CCS | device.speed().id() << SPEED_SHIFT;
        }
        return enabled ? value | PED : value;
    }

    /**
     * A software write.
     *
     * @return the change bits that went from 0 to 1, for a Port Status Change event
     */
    int write(int value) {
        int before = changes;
        changes &= ~(value & CHANGE_BITS);
        wake = value & WAKE_BITS;
        if ((value & PED) != 0 && enabled) {
            enabled = false; // software disabled the port: no PEC, which is for the port's own doing
            link = usb3 ? link : LINK_DISABLED;
        }
        if (((value & PR) != 0 || usb3 && (value & WPR) != 0) && device != null) {
            if (!resetting) {
                resetting = true; // finished by finishReset, the controller's latency later
                warmReset = usb3 && (value & WPR) != 0;
                enabled = false;
            }
        } else if ((value & LWS) != 0 && enabled) {
            int wanted = (value & PLS_MASK) >>> PLS_SHIFT;
            if (wanted == LINK_U0 || wanted == LINK_U3) {
                if (link == LINK_U3 && wanted == LINK_U0) {
                    changes |= PLC;
                }
                link = wanted;
            }
        }
        return changes & ~before;
    }

    /**
     * The end of a port reset, or a warm reset of a USB 3 port: the device is reset and the port enabled.
     *
     * @return the change bits that went from 0 to 1
     */
    int finishReset() {
        if (!resetting || device == null) {
            return 0;
        }
        int before = changes;
        resetting = false;
        device.busReset();
        enabled = true;
        link = LINK_U0;
        changes |= PRC | (warmReset ? WRC : 0);
        return changes & ~before;
    }

    /** A device is plugged in; returns the change bits set (CSC). */
    int attach(UsbDevice newDevice) {
        epoch++;
        resetting = false;
        device = newDevice;
        changes |= CSC;
        if (usb3) {
            enabled = true;
            link = LINK_U0;
        } else {
            enabled = false;
            link = LINK_POLLING;
        }
        return CSC;
    }

    /** The device is pulled out; returns the change bits set (CSC: PEC is for errors, not disconnects). */
    int detach() {
        epoch++;
        resetting = false;
        device = null;
        enabled = false;
        link = LINK_RX_DETECT;
        changes |= CSC;
        return CSC;
    }

    /**
     * Controller reset (HCRST): the port forgets its state but not what is plugged in, which it reports as a
     * new connection; USB 2 devices wait for a port reset again.
     */
    void controllerReset() {
        epoch++;
        changes = 0;
        wake = 0;
        resetting = false;
        UsbDevice plugged = device;
        device = null;
        enabled = false;
        link = LINK_RX_DETECT;
        if (plugged != null) {
            attach(plugged);
        }
    }
}
