package org.microsim.kernel.machine;

import java.nio.file.Path;

/** One disk on the AHCI controller: an image file with its options, or an image the harness built. */
public sealed interface DriveConfig {
    /**
     * A raw image file: by default writes stay in memory and the file is never changed.
     *
     * @param readOnly the disk reports itself read-only and refuses writes ({@code readonly=on})
     * @param persist  writes go through to the file ({@code persist=on})
     */
    record File(Path path, boolean readOnly, boolean persist) implements DriveConfig {
    }

    /** A disk image made elsewhere, such as a {@link MemoryImage} for the built-in demo machine. */
    record Image(DiskImage image) implements DriveConfig {
    }
}
