package org.microsim.harness.session;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;
import org.microsim.harness.script.Arity;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.FileImage;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineOptions;

/**
 * The USB commands: {@code usb attach} and {@code usb detach} plug sticks in and out (before boot, a stick joins
 * the machine being described, as {@code --drive if=usb} does; while it runs, it is hot-plugged, and the driver
 * finds out the way a real one does, from the controller's port status change), and {@code lsusb} draws what is
 * plugged in. A stick is named by its port ({@code 2}, {@code 1.3}) or by the block port its driver serves it as
 * ({@code msc0:}), whose metadata holds that port path.
 */
final class UsbCommands {
    private static final String ATTACH_USAGE = "usb attach file=PATH[,readonly=on][,persist=on][,port=N]";

    private UsbCommands() {
    }

    static List<Command> of(SimSession s) {
        return List.of(
                new SimpleCommand("usb", "usb attach file=PATH[,readonly=on][,persist=on][,port=N] | usb detach "
                        + "PORT|mscN:", "plug a USB stick in or pull one out (port numbers as lsusb shows them)",
                        args -> usb(s, args)),
                new SimpleCommand("lsusb", "lsusb", "show the USB devices as a tree: port, address, vid:pid, class, "
                        + "speed", args -> {
                            MachineCommands.none(args, "lsusb");
                            return String.join("\n", s.machine().lsusb());
                        }));
    }

    private static String usb(SimSession s, List<String> args) throws CommandException {
        if (args.isEmpty() || !(args.get(0).equals("attach") || args.get(0).equals("detach"))) {
            throw new UsageException("usb needs attach or detach: " + ATTACH_USAGE + ", or usb detach PORT|mscN:");
        }
        Arity.check(args, 2, 2, "usb " + args.get(0));
        return args.get(0).equals("attach") ? attach(s, args.get(1)) : detach(s, args.get(1));
    }

    private static String attach(SimSession s, String words) throws CommandException {
        MachineOptions.Stick stick;
        try {
            stick = MachineOptions.parseStick(words, s.baseDir());
        } catch (MachineException e) {
            throw MachineSetup.usage(e);
        }
        String attachedBy = "usb attach " + words;
        if (!s.booted()) {
            if (stick.port().isPresent()) {
                throw UsageException.withoutUsage("port= is for a running machine: before boot, sticks take USB "
                        + "ports 1, 2, 3... in the order they are given");
            }
            try {
                s.setup().attach(stick.file(), attachedBy);
            } catch (MachineException e) {
                throw UsageException.withoutUsage(e.getMessage());
            }
            return "a USB stick with " + stick.file().path() + " will be plugged in at boot";
        }
        DiskImage image;
        try {
            // The machine runs: an image that cannot be had is a failed plug-in, as a stick that will not go in.
            image = FileImage.open(stick.file().path(), stick.file().readOnly(), stick.file().persist(), attachedBy);
        } catch (MachineException e) {
            throw new CommandFailedException(e.getMessage());
        }
        String port;
        try {
            port = s.machine().usbAttach(image, stick.port().orElse(null));
        } catch (MachineException | CommandFailedException e) {
            try {
                image.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new CommandFailedException(e.getMessage());
        }
        s.settle();
        return s.drainLogs() + "attached " + stick.file().path().getFileName() + " at USB port " + port;
    }

    private static String detach(SimSession s, String which) throws CommandException {
        String path = which.endsWith(":") ? portOf(s, which) : which;
        String done;
        try {
            done = s.machine().usbDetach(path);
        } catch (MachineException e) {
            throw new CommandFailedException(e.getMessage());
        }
        s.settle();
        return s.drainLogs() + done;
    }

    /** The block ports usbd serves sticks as ({@code msc0:} ...), whose metadata is the stick's port path. */
    static List<PortSnapshot> sticks(SimSession s) throws CommandFailedException {
        return s.kernel().ports().stream().filter(p -> p.info().portClass() == PortClass.BLOCK
                && p.info().subclass() == PortSubclass.USB_MASS_STORAGE).toList();
    }

    /** The USB port path of a mass-storage block port such as {@code msc0:}: its metadata bytes. */
    static String portOf(SimSession s, String name) throws CommandFailedException {
        List<PortSnapshot> sticks = sticks(s);
        for (PortSnapshot p : sticks) {
            if (p.info().name().equals(name)) {
                List<String> ports = new ArrayList<>();
                for (byte b : p.info().metadata()) {
                    ports.add(Integer.toString(b & 0xff));
                }
                return String.join(".", ports);
            }
        }
        throw new CommandFailedException("no USB stick is served as " + name + (sticks.isEmpty() ? "; none is"
                : "; sticks: " + String.join(" ", sticks.stream().map(p -> p.info().name()).toList())));
    }
}
