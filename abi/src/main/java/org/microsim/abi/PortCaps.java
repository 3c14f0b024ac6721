package org.microsim.abi;

import java.util.ArrayList;
import java.util.List;

/** The {@code caps} bit set of {@link PortInfo}, as in the seed design. */
public final class PortCaps {
    private PortCaps() {
    }

    public static final int DMA = 1 << 0;
    public static final int IRQ = 1 << 1;
    public static final int MMIO = 1 << 2;
    public static final int HOTPLUG = 1 << 3;
    public static final int REMOVABLE = 1 << 4;
    public static final int READ_ONLY = 1 << 5;
    public static final int BOOTABLE = 1 << 6;
    /** Inside the machine, not on its edge: a switch's user port behind its NIC, reached only through that NIC. */
    public static final int INTERNAL = 1 << 7;

    private static final String[] NAMES = {"DMA", "IRQ", "MMIO", "HOTPLUG", "REMOVABLE", "READ_ONLY", "BOOTABLE",
        "INTERNAL"};

    /** {@code DMA|IRQ|MMIO}, or {@code -} for none: how the console prints caps. */
    public static String describe(int caps) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((caps & (1 << bit)) != 0) {
                names.add(NAMES[bit]);
            }
        }
        return names.isEmpty() ? "-" : String.join("|", names);
    }

    /** Parses {@code DMA|IRQ} (case-insensitive), the inverse of {@link #describe}. */
    public static int parse(String text) throws MalformedException {
        if (text.equals("-")) {
            return 0;
        }
        int caps = 0;
        for (String part : text.split("\\|")) {
            int bit = List.of(NAMES).indexOf(part.trim().toUpperCase(java.util.Locale.ROOT));
            if (bit < 0) {
                throw new MalformedException("unknown capability '" + part + "'");
            }
            caps |= 1 << bit;
        }
        return caps;
    }
}
