package org.microsim.harness.session;

import java.time.Duration;
import org.microsim.drivers.ahci.Ahci;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.drivers.ethd.Ethd;
import org.microsim.drivers.fatfsd.Fatfsd;
import org.microsim.drivers.partd.Partd;
import org.microsim.drivers.usbd.Usbd;
import org.microsim.harness.OwnProgram;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.services.devd.DefaultRules;
import org.microsim.services.devd.DevdProgram;
import org.microsim.services.httpd.Httpd;
import org.microsim.services.init.Init;
import org.microsim.services.netd.Netd;
import org.microsim.services.init.SystemDescription;
import org.microsim.services.shell.Shell;
import org.microsim.services.svcman.ServiceManagerProgram;
import org.microsim.services.vfs.Vfs;

/**
 * The programs of the system image (the simulator's boot disk) and the description init starts from.
 * Only programs named here, the demo programs ({@link Programs}) and the user's own that a test put on the image
 * ({@link OwnProgram}) can ever be spawned, by anyone.
 */
final class SystemPrograms {
    /** How long a lookup of a reserved name waits for its owner to start. */
    private static final Duration NAME_WAIT = Duration.ofSeconds(5);

    private SystemPrograms() {
    }

    /**
     * Adds the programs; the latest service manager and devd that were started are kept in {@code started}, for
     * the web view to read what they publish.
     */
    static void addTo(ProgramCatalog catalog, Started started, List<OwnProgram> own) {
        own.stream().filter(o -> o.needs().isPresent())
                .forEach(o -> catalog.add(o.name(), "a service of the test's own", o.factory()::get));
        catalog.add("init", "the first task: starts svcman, devd and the system's services", Init::new)
                .add(Init.SERVICE_MANAGER, "the service manager: dependencies, restart contracts, names",
                        () -> started.svcman = new ServiceManagerProgram(NAME_WAIT))
                .add(Init.DEVICE_MANAGER, "the device manager: matches ports to drivers",
                        () -> started.devd = new DevdProgram(DefaultRules.rules()))
                .add("ahci", "the AHCI SATA driver: one block port per disk", Ahci::new)
                .add("usbd", "the xHCI USB driver: enumerates devices and hubs, one block port per stick", Usbd::new)
                .add("ethd", "the e1000 Ethernet driver: eth<n> per NIC, sw<n> per port of a switch behind it",
                        Ethd::new)
                .add("partd", "partition tables (MBR, GPT): one block port per partition", Partd::new)
                .add("fatfsd", "the FAT12/16/32 filesystem: one filesystem port per volume", Fatfsd::new)
                .add("netd", "the network stack: ARP, IPv4, ICMP, UDP and DHCP over every Ethernet port", Netd::new)
                .add("httpd", "a web server: HTTP/1.1 over TCP port 80, serving /vol", Httpd::new)
                .add("vfs", "the namespace: /dev for block devices, /vol for mounted volumes", Vfs::new)
                .add("shell", "runs the console's file commands through the VFS", Shell::new);
    }

    /** The latest incarnations of the system's two managers (null until started), which publish their state. */
    static final class Started {
        private volatile ServiceManagerProgram svcman;
        private volatile DevdProgram devd;

        /** The services as the latest service manager last published them. */
        List<ServiceStatus> services() {
            ServiceManagerProgram s = svcman;
            return s == null ? List.of() : s.published();
        }

        /** The port tree as the latest devd last published it. */
        List<LsdevEntry> devices() {
            DevdProgram d = devd;
            return d == null ? List.of() : d.published();
        }
    }

    /** What init starts beyond svcman and devd: the system's services, then the user's own. */
    static SystemDescription description(List<OwnProgram> own) {
        List<SystemDescription.Service> services = new ArrayList<>(List.of(
                new SystemDescription.Service("vfs", "vfs", List.of()),
                new SystemDescription.Service("netd", "netd", List.of()),
                new SystemDescription.Service("httpd", "httpd", List.of("netd", "vfs")),
                new SystemDescription.Service("shell", "shell", List.of("vfs"))));
        own.forEach(o -> o.needs().ifPresent(needs -> services.add(new SystemDescription.Service(o.name(), o.name(),
                needs))));
        return new SystemDescription(services);
    }
}
