package org.microsim.kernel.machine;

import java.nio.file.Path;

/** One disk: an image file with its options, or an image the harness built. */
public sealed interface DriveConfig {
    /** Where a drive plugs in: a SATA port of the AHCI controller, or a USB port as a stick (maybe behind a hub). */
    enum Bus {
        /** {@code if=ahci}, the default. */
        AHCI,
        /** {@code if=usb}: a stick on a root port of the xHCI controller. */
        USB,
        /** {@code if=usb,bus=hub}: a stick on a port of a USB 2.0 hub on the xHCI controller's first port. */
        USB_HUB;

        /** True for the USB buses. */
        public boolean usb() {
            return this != AHCI;
        }
    }

    /**
     * A raw image file: by default writes stay in memory and the file is never changed.
     *
     * @param readOnly the disk reports itself read-only and refuses writes ({@code readonly=on})
     * @param persist  writes go through to the file ({@code persist=on})
     * @param bus      where it plugs in ({@code if=}, {@code bus=})
     */
    record File(Path path, boolean readOnly, boolean persist, Bus bus) implements DriveConfig {
        /** A drive on the AHCI controller. */
        public File(Path path, boolean readOnly, boolean persist) {
            this(path, readOnly, persist, Bus.AHCI);
        }
    }

    /** A disk image made elsewhere, such as a {@link MemoryImage} for the built-in demo machine. */
    record Image(DiskImage image) implements DriveConfig {
    }
}
