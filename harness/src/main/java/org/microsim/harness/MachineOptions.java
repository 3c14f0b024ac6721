package org.microsim.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The machine options of the {@code sim} command line, as given, for the {@link SessionFactory} to build a
 * machine from. Drive and NIC values are the raw QEMU-like strings: the session parses them, so that it
 * alone knows what they may say.
 *
 * @param drives each {@code --drive} value, for example {@code file=disk.img,if=ahci,readonly=on}
 * @param nics each {@code --nic} value, for example {@code mac=52:54:00:12:34:56}; empty for a NIC with
 *     defaults
 * @param seed the seed of the deterministic scheduler and of every random choice
 * @param free the free scheduler (real threads, wall-clock time) instead of the deterministic one
 * @param trace where to write a Chrome/Perfetto trace at exit, if anywhere
 * @param pcap where to write the network traffic, if anywhere
 * @param debug show stack traces of internal errors
 * @param baseDir where relative paths in scenario commands ({@code drive file=...}) are taken from: the
 *     scenario file's directory for {@code sim run FILE}, else the current directory
 * @param demo the demo machine's disks and NIC come first even though drives or NICs are given ({@code --demo});
 *     without it, any drive or NIC replaces the whole demo machine
 * @param usb the machine has the xHCI controller even without a USB drive ({@code --usb}), for sticks attached
 *     while it runs
 * @param usbPcap where to write the USB traffic, usbmon-style pcap ({@code --usb-pcap}); it gives the machine
 *     the xHCI controller
 * @param programs programs of the user's own on the system image (no command-line option gives any: a test does)
 */
public record MachineOptions(List<String> drives, List<String> nics, long seed, boolean free, Optional<Path> trace,
        Optional<Path> pcap, boolean debug, Path baseDir, boolean demo, boolean usb, Optional<Path> usbPcap,
        List<OwnProgram> programs) {
    /** The seed when none is given. */
    public static final long DEFAULT_SEED = 1;

    /** Copies the lists, so the options stay as given. */
    public MachineOptions {
        drives = List.copyOf(drives);
        nics = List.copyOf(nics);
        programs = List.copyOf(programs);
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(pcap, "pcap");
        Objects.requireNonNull(baseDir, "baseDir");
        Objects.requireNonNull(usbPcap, "usbPcap");
    }

    /** Options whose relative paths are taken from the current directory. */
    public MachineOptions(List<String> drives, List<String> nics, long seed, boolean free, Optional<Path> trace,
            Optional<Path> pcap, boolean debug) {
        this(drives, nics, seed, free, trace, pcap, debug, Path.of("").toAbsolutePath(), false, false,
                Optional.empty(), List.of());
    }

    /** The same options, with relative scenario paths taken from {@code dir}. */
    public MachineOptions withBaseDir(Path dir) {
        return new MachineOptions(drives, nics, seed, free, trace, pcap, debug, dir.toAbsolutePath(), demo, usb,
                usbPcap, programs);
    }

    /** The same options, with the demo machine kept under the given drives and NICs or not. */
    public MachineOptions withDemo(boolean keep) {
        return new MachineOptions(drives, nics, seed, free, trace, pcap, debug, baseDir, keep, usb, usbPcap,
                programs);
    }

    /** The same options, with the xHCI controller wanted even without a USB drive ({@code --usb}) or not. */
    public MachineOptions withUsb(boolean wanted) {
        return new MachineOptions(drives, nics, seed, free, trace, pcap, debug, baseDir, demo, wanted, usbPcap,
                programs);
    }

    /** The same options, with the USB traffic written to a pcap file ({@code --usb-pcap}) or not. */
    public MachineOptions withUsbPcap(Optional<Path> file) {
        return new MachineOptions(drives, nics, seed, free, trace, pcap, debug, baseDir, demo, usb, file, programs);
    }

    /** The same options, with these programs of the user's own on the system image. */
    public MachineOptions withPrograms(List<OwnProgram> own) {
        return new MachineOptions(drives, nics, seed, free, trace, pcap, debug, baseDir, demo, usb, usbPcap, own);
    }

    /** What {@code sim} with no options means: the built-in demo machine, seed 1, deterministic. */
    public static MachineOptions defaults() {
        return new MachineOptions(List.of(), List.of(), DEFAULT_SEED, false, Optional.empty(), Optional.empty(), false);
    }
}
