package org.microsim.testkit;

import org.microsim.harness.script.Lexer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.microsim.abi.Program;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.OwnProgram;

/**
 * What a {@link SimMachine} is made of, said as a scenario would say it. Nothing described: the demo machine (two
 * AHCI disks, a USB stick, a NIC). Anything described replaces it, unless {@link #demo()} keeps it first, as
 * {@code --demo} does. Described {@link Disk}s are written to image files in a scratch directory, so that the
 * machine's {@link SimMachine#scenario()} names them in {@code drive} lines and replays outside the test.
 */
public final class SimMachineBuilder {
    private long seed = MachineOptions.DEFAULT_SEED;
    private boolean free;
    private boolean demo;
    private boolean usb;
    private boolean boot = true;
    private final List<Drive> drives = new ArrayList<>();
    private final List<String> nics = new ArrayList<>();
    private final List<OwnProgram> programs = new ArrayList<>();
    private Optional<Path> trace = Optional.empty();
    private Optional<Path> pcap = Optional.empty();

    /** A drive to attach: a described disk, written to a file at build, or an image file as it is. */
    private sealed interface Drive {
    }

    private record Described(Disk disk, String bus) implements Drive {
    }

    private record Image(Path file, String options) implements Drive {
    }

    SimMachineBuilder() {
    }

    /** The seed of the deterministic scheduler and of every random choice (default 1). */
    public SimMachineBuilder seed(long value) {
        seed = value;
        return this;
    }

    /** The free scheduler (real threads, wall-clock time): not reproducible from the seed. */
    public SimMachineBuilder free() {
        free = true;
        return this;
    }

    /** Keeps the demo machine's disks, stick and NIC before the described ones ({@code demo}). */
    public SimMachineBuilder demo() {
        demo = true;
        return this;
    }

    /** An AHCI disk made from a description; disks take ports in the order given ({@code ahci0:disk0} first). */
    public SimMachineBuilder disk(Disk disk) {
        return drive(disk, "ahci");
    }

    /** A USB stick made from a description, on the next root port ({@code msc0:} first). */
    public SimMachineBuilder stick(Disk disk) {
        usb = true;
        return drive(disk, "usb");
    }

    /**
     * An image file as a drive, with the {@code drive} options after the path, for example {@code if=ahci,persist=on}
     * or {@code if=usb,readonly=on}. Without {@code persist=on} the file is never written.
     */
    public SimMachineBuilder drive(Path image, String options) {
        drives.add(new Image(image.toAbsolutePath(), options));
        if (options.contains("if=usb")) {
            usb = true;
        }
        return this;
    }

    private SimMachineBuilder drive(Disk disk, String bus) {
        drives.add(new Described(disk, bus));
        return this;
    }

    /** The xHCI controller even without a stick, for sticks attached while the machine runs ({@code --usb}). */
    public SimMachineBuilder usb() {
        usb = true;
        return this;
    }

    /** A NIC, in {@code --nic} words ({@code ""} for the defaults, {@code net=lan2}, {@code model=mt7531,ports=4}). */
    public SimMachineBuilder nic(String words) {
        nics.add(words);
        return this;
    }

    /**
     * A program of the test's own on the machine's system image, started by {@code spawn NAME [WORDS...]} (its task
     * gets the words joined by single spaces, UTF-8, as {@code sys.start().args()}), as the demo programs are: a
     * driver or client under test that runs in the simulated system like any other task. The {@code sim} command does
     * not have it, so a scenario that spawns it replays only from the test ({@link SimMachine#replay()}), not with
     * {@code sim run}; a failing chain's report says so.
     *
     * @param name a lower-case letter, then letters, digits, {@code -} or {@code _}; not one of the simulator's
     *     programs (the build fails then)
     * @param program makes a fresh program for each task that runs it ({@code Hello::new})
     */
    public SimMachineBuilder program(String name, Supplier<? extends Program> program) {
        programs.add(new OwnProgram(name, program, Optional.empty()));
        return this;
    }

    /**
     * A service of the test's own: init registers it with the service manager at boot, after the services it
     * {@code needs} ({@code vfs}, {@code netd}, or another of the test's), and the service manager restarts it when it
     * crashes, as it does the system's. Not spawned by hand; the same caveat on replays as {@link #program}.
     */
    public SimMachineBuilder service(String name, Supplier<? extends Program> program, String... needs) {
        programs.add(new OwnProgram(name, program, Optional.of(List.of(needs))));
        return this;
    }

    /** Writes the kernel's trace to {@code file} (Chrome/Perfetto JSON, as {@code --trace}) when the machine closes. */
    public SimMachineBuilder trace(Path file) {
        trace = Optional.of(file.toAbsolutePath());
        return this;
    }

    /** Writes every frame of every LAN to {@code file} (pcapng with virtual timestamps, as {@code --pcap}). */
    public SimMachineBuilder pcap(Path file) {
        pcap = Optional.of(file.toAbsolutePath());
        return this;
    }

    /** Leaves the machine unbooted: the test runs {@code boot} itself (to see the boot's output, say). */
    public SimMachineBuilder unbooted() {
        boot = false;
        return this;
    }

    /**
     * Writes the described disks and builds the machine.
     *
     * @throws IllegalArgumentException when the description cannot be built (a file too big for its volume, a
     *     drive option the machine rejects), with the reason
     */
    public SimMachine build() {
        List<String> setup = new ArrayList<>();
        List<Path> made = new ArrayList<>();
        if (demo && !(drives.isEmpty() && nics.isEmpty())) {
            setup.add("demo");
        }
        try {
            Path dir = drives.stream().anyMatch(d -> d instanceof Described) ? Files.createTempDirectory("simmachine")
                    : null;
            for (int i = 0; i < drives.size(); i++) {
                String words = switch (drives.get(i)) {
                    case Described(Disk disk, String bus) -> {
                        Path image = dir.resolve("disk" + i + ".img");
                        made.add(image);
                        try {
                            disk.writeTo(image);
                        } catch (IOException | RuntimeException e) {
                            for (Path m : made) {
                                Files.deleteIfExists(m);
                            }
                            Files.deleteIfExists(dir);
                            throw e;
                        }
                        yield "file=" + image + ",if=" + bus;
                    }
                    case Image(Path file, String options) -> "file=" + file + "," + options;
                };
                setup.add("drive " + Lexer.word(words));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a disk image: " + e.getMessage(), e);
        }
        nics.forEach(words -> setup.add(words.isEmpty() ? "nic" : "nic " + words));
        MachineOptions options = new MachineOptions(List.of(), List.of(), seed, free, trace, pcap, false).withUsb(usb)
                .withPrograms(programs);
        return new SimMachine(options, setup, made, boot);
    }
}
