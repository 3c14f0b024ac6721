package org.microsim.harness.session;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.microsim.harness.HostPaths;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.OwnProgram;
import org.microsim.harness.Session;
import org.microsim.harness.SessionException;
import org.microsim.harness.SessionFactory;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.machine.MachineException;

/**
 * The real machine behind the {@code sim} command (found by ServiceLoader). The {@code --drive} and
 * {@code --nic} words are checked here, and the images opened, so that bad ones stop {@code sim} before
 * anything runs, with the word or file at fault.
 */
public final class SimSessionFactory implements SessionFactory {
    @Override
    public Session open(MachineOptions options) throws SessionException {
        checkNames(options.programs());
        MachineSetup setup = new MachineSetup();
        if (options.demo()) {
            setup.demo();
        }
        if (options.usb()) {
            setup.usb();
        }
        options.usbPcap().ifPresent(file -> setup.usbCapture(HostPaths.resolve(options.baseDir(), file.toString())));
        Path here = Path.of("").toAbsolutePath();
        try {
            for (String drive : options.drives()) {
                setup.attach(MachineSetup.parse(drive, here), "--drive " + drive);
            }
            for (String nic : options.nics()) {
                setup.nic(nic);
            }
        } catch (MachineException e) {
            setup.close();
            throw new SessionException(e.getMessage());
        }
        try {
            Path pcap = options.pcap().map(file -> HostPaths.resolve(options.baseDir(), file.toString())).orElse(null);
            return new Lab(options, setup, Network.create(options.seed(), pcap, options.free()));
        } catch (MachineException e) {
            setup.close();
            throw new SessionException(e.getMessage());
        }
    }

    /** Refuses a program of the user's own named as one of the system's, or as another of theirs. */
    private static void checkNames(List<OwnProgram> own) throws SessionException {
        ProgramCatalog system = new ProgramCatalog();
        new Programs(List.of()).addTo(system);
        SystemPrograms.addTo(system, new SystemPrograms.Started(), List.of());
        Set<String> seen = new HashSet<>();
        for (OwnProgram o : own) {
            if (system.get(o.name()) != null || !seen.add(o.name())) {
                throw new SessionException("there is a program named " + o.name()
                        + " already: give yours another name");
            }
        }
    }
}
