package org.microsim.services.devd;

import java.util.List;
import org.microsim.abi.PortCaps;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.LsdevEntry;

/**
 * The {@code lsdev} listing: the port tree, two spaces of indent per level, one port per line:
 * {@code NAME CLASS SUBCLASS VENDOR:DEVICE CAPS DRIVER STATE}, for example
 * {@code   00:1f.2:ahci storage_controller ahci 8086:2922 DMA|IRQ|MMIO ahci ready}.
 */
public final class Lsdev {
    private Lsdev() {
    }

    /** The listing, one line per entry, each ending in a newline. */
    public static String render(List<LsdevEntry> entries) {
        StringBuilder out = new StringBuilder();
        for (LsdevEntry e : entries) {
            var p = e.info();
            out.append("  ".repeat(e.depth())).append(p.name()).append(' ')
                    .append(className(p)).append(' ')
                    .append(subclassName(p)).append(' ')
                    .append(String.format("%04x:%04x", p.vendorId(), p.deviceId())).append(' ')
                    .append(PortCaps.describe(p.caps())).append(' ')
                    .append(e.driver()).append(' ').append(e.state()).append('\n');
        }
        return out.toString();
    }

    /** The word of a port's class in the listing and in rules: {@code storage_controller}. */
    public static String className(PortInfo port) {
        return SubclassNames.className(port.portClass());
    }

    /** The word of a port's subclass in the listing and in rules: {@code ahci}, or its number when it has none. */
    public static String subclassName(PortInfo port) {
        return SubclassNames.word(port.portClass(), port.subclass());
    }
}
