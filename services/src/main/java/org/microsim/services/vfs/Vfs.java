package org.microsim.services.vfs;

import java.util.Set;
import org.microsim.abi.Handle;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Program;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.devd.DriverInterest;

/**
 * The VFS task: one namespace over every block device and filesystem driver, on the public port
 * {@value #PORT_NAME}, speaking the filesystem protocol ({@link org.microsim.abi.fs.FsRequest}) over the whole
 * tree plus {@link org.microsim.abi.fs.VfsRequest} (mounts, statfs by path, devices). What the tree holds and
 * how requests are answered is {@link VfsServer}'s, a handler on the one server runtime; this class is the
 * task around it.
 *
 * <p>Its port asks devd for BLOCK and FILESYSTEM drivers ({@link DriverInterest}): devd sends a msg 100 notice
 * to that port for each one available, at once and whenever one comes back, also to a VFS that restarted, or
 * after devd itself restarted. A notice is accepted from anyone on the port, so without devd (in a test, or a
 * system without one) a task that may grant a driver's handle (its owner) can bind it by hand.
 */
public final class Vfs implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "vfs";
    private static final int QUEUE = 256;

    @Override
    public void run(Sys sys) {
        PortInfo port = new DriverInterest(Set.of(PortClass.BLOCK, PortClass.FILESYSTEM)).port(PORT_NAME);
        Handle handle = sys.registerPort(port, new PortOptions(QUEUE, true)).orThrow();
        Server.serve(sys, new VfsServer(sys), handle);
    }
}
