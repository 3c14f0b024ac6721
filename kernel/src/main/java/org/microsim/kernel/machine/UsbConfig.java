package org.microsim.kernel.machine;

import java.nio.file.Path;
import java.util.List;

/**
 * A machine's USB: whether it has the xHCI controller, and the sticks plugged in when it is built. A machine
 * has the controller when it is asked for ({@code --usb}) or a stick is given, as QEMU's machines have one
 * only with {@code -usb} or a {@code qemu-xhci} device; sticks can then come and go while it runs.
 *
 * @param controller the machine has the xHCI controller at 00:14.0
 * @param sticks     the sticks present at power-on, in order
 * @param capture    where to write the USB traffic as a pcap file, or null for nowhere
 */
public record UsbConfig(boolean controller, List<Stick> sticks, Path capture) {
    /** No USB at all. */
    public static final UsbConfig NONE = new UsbConfig(false, List.of(), null);

    /** A stick: its image, and whether it sits behind the hub rather than on a root port. */
    public record Stick(DriveConfig drive, boolean behindHub) {
    }

    /** Copies the list; sticks need the controller. */
    public UsbConfig {
        sticks = List.copyOf(sticks);
        if ((!sticks.isEmpty() || capture != null) && !controller) {
            throw new IllegalArgumentException("USB sticks and captures need the xHCI controller");
        }
    }

    /** The controller with these sticks, and no capture. */
    public static UsbConfig of(List<Stick> sticks) {
        return new UsbConfig(true, sticks, null);
    }
}
