package org.microsim.harness.session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.HostPaths;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.FileImage;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineOptions;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.kernel.machine.NicConfig;
import org.microsim.kernel.machine.UsbConfig;
import org.microsim.images.DemoDisks;

/**
 * The machine being described, before boot: drives, USB sticks and NICs from the command line and from
 * scenario commands. Images are opened as soon as they are named, so a missing or malformed one is reported at once
 * (naming the file and why), not in the middle of a boot. With nothing described, the machine is the
 * built-in demo machine; anything described replaces it, unless the demo is asked for ({@code --demo}, the
 * {@code demo} command): then its disks, stick and NIC come first (ahci0:disk0 and disk1 and the stick on USB
 * port 1, as always) and the described ones after. A machine has the xHCI controller when it has a stick or
 * USB is asked for ({@code --usb}), as a QEMU machine has one only with {@code -usb} or a USB device.
 */
final class MachineSetup {
    private static final Pattern HOME_FILE = Pattern.compile("(?:^|,)file=(~(?:/[^,]*)?)(?=,|$)");

    private final List<DriveConfig> drives = new ArrayList<>();
    private final List<NicConfig> nics = new ArrayList<>();
    private final List<UsbConfig.Stick> sticks = new ArrayList<>();
    private boolean usb;
    private Path usbCapture;
    private boolean demo;
    /** Which machine of the session this is: NICs without an address are numbered from it. */
    private int machineIndex;

    /**
     * What a drive's option words say (relative paths taken from {@code baseDir}); a mistake in them is the
     * user's wording, apart from whether the image can then be opened ({@link #attach}).
     */
    static DriveConfig.File parse(String words, Path baseDir) throws MachineException {
        return MachineOptions.parseDrive(withHome(words, baseDir), baseDir);
    }

    /**
     * Adds a drive by opening its image (and locking it).
     *
     * @param attachedBy the option or command and words that name the drive ({@code --drive ...}), for messages
     */
    void attach(DriveConfig.File file, String attachedBy) throws MachineException {
        DriveConfig.Image image = new DriveConfig.Image(FileImage.open(file.path(), file.readOnly(), file.persist(),
                attachedBy));
        if (file.bus().usb()) {
            sticks.add(new UsbConfig.Stick(image, file.bus() == DriveConfig.Bus.USB_HUB));
        } else {
            drives.add(image);
        }
    }

    /** Gives the machine the xHCI controller even without a stick, for sticks attached while it runs. */
    void usb() {
        usb = true;
    }

    /** Writes the USB traffic to {@code file} (and gives the machine the xHCI controller). */
    void usbCapture(Path file) {
        usb = true;
        usbCapture = file;
    }

    /** Gives up the image files of drives no machine was built with (their locks go with them). */
    void close() {
        List<DriveConfig> all = new ArrayList<>(drives);
        sticks.forEach(stick -> all.add(stick.drive()));
        for (DriveConfig drive : all) {
            if (drive instanceof DriveConfig.Image(DiskImage image)) {
                try {
                    image.close();
                } catch (IOException e) {
                    System.err.println("sim: could not close a disk image: " + e.getMessage());
                }
            }
        }
    }

    void nic(String words) throws MachineException {
        nics.add(MachineOptions.parseNic(words));
    }

    /** Keeps the demo machine's disks and NIC, before whatever else is described. */
    void demo() {
        demo = true;
    }

    /** Makes this the {@code index}-th machine of its session (0 for the first). */
    void machineIndex(int index) {
        machineIndex = index;
    }

    /** What to build: the described machine, after the demo machine's devices when they are wanted. */
    MachineConfig config() {
        MachineConfig c = described();
        List<NicConfig> numbered = new ArrayList<>();
        for (int i = 0; i < c.nics().size(); i++) {
            numbered.add(c.nics().get(i).onMachine(machineIndex, i));
        }
        return new MachineConfig(c.drives(), numbered, c.usb(), c.options());
    }

    private MachineConfig described() {
        if (!demo && !(drives.isEmpty() && nics.isEmpty() && sticks.isEmpty())) {
            UsbConfig described = usb || !sticks.isEmpty() ? new UsbConfig(true, sticks, usbCapture) : UsbConfig.NONE;
            return new MachineConfig(drives, nics, described, ModelOptions.DEFAULT);
        }
        List<DriveConfig> allDrives = new ArrayList<>();
        for (DiskImage disk : DemoDisks.build()) {
            allDrives.add(new DriveConfig.Image(disk));
        }
        allDrives.addAll(drives);
        List<NicConfig> allNics = new ArrayList<>(List.of(NicConfig.DEFAULT));
        allNics.addAll(nics);
        List<UsbConfig.Stick> allSticks = new ArrayList<>();
        allSticks.add(new UsbConfig.Stick(new DriveConfig.Image(DemoDisks.stick()), false));
        allSticks.addAll(sticks);
        return new MachineConfig(allDrives, allNics, new UsbConfig(true, allSticks, usbCapture), ModelOptions.DEFAULT);
    }

    /** The words with a {@code file=~/...} in the user's home, as a shell would have put it. */
    private static String withHome(String words, Path baseDir) {
        Matcher m = HOME_FILE.matcher(words);
        return m.find() ? words.substring(0, m.start(1))
                + HostPaths.resolve(baseDir, m.group(1)) + words.substring(m.end(1)) : words;
    }

    /** Option words of a scenario command turned into bad input for the runner, with the machine's reason. */
    static UsageException usage(MachineException e) {
        return new UsageException(e.getMessage());
    }
}
