package org.microsim.services.vfs;

import java.time.Duration;
import java.util.List;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Program;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.DevdRequest;

/**
 * The VFS task: one namespace over every block device and filesystem driver, on the public port
 * {@value #PORT_NAME}, speaking the filesystem protocol ({@link org.microsim.abi.fs.FsRequest}) over the whole
 * tree plus {@link org.microsim.abi.fs.VfsRequest} (mounts, statfs by path, devices). What the tree holds and
 * how requests are answered is {@link VfsServer}'s, a handler on the one server runtime; this class is the
 * task around it.
 *
 * <p>At start it registers its port, then subscribes to devd ({@code lookup("devd")}) for BLOCK and FILESYSTEM
 * drivers, lending devd a send handle to that same port for the msg 100 notices (devd sends the ones it stored
 * at once). A notice is accepted from anyone on the port, so without devd (in a test, or a system without
 * one) a task that may grant a driver's handle (its owner) can bind it by hand; a missing devd is logged, not
 * fatal.
 */
public final class Vfs implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "vfs";
    /** How long the VFS waits for devd to exist at start. */
    static final Duration DEVD_WAIT = Duration.ofSeconds(10);
    private static final int QUEUE = 256;

    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0), new PortOptions(QUEUE, true))
                .orThrow();
        subscribe(sys, port);
        Server.serve(sys, new VfsServer(sys), port);
    }

    private static void subscribe(Sys sys, Handle port) {
        Result<Handle> devd = sys.lookup("devd", DEVD_WAIT);
        if (!devd.isOk()) {
            sys.log("vfs: no devd (" + devd.errorOrNull() + "): drivers appear only when notified by hand");
            return;
        }
        Client client = Client.of(sys, devd.orNull(), VfsServer.DRIVER_TIMEOUT);
        for (PortClass c : List.of(PortClass.BLOCK, PortClass.FILESYSTEM)) {
            Result<Handle> notices = sys.duplicate(port, Rights.SEND_GRANT);
            if (!notices.isOk()) {
                sys.log("vfs: cannot make a notice handle: " + notices.errorOrNull());
                return;
            }
            try {
                client.call(new DevdRequest.Subscribe(c, notices.orNull()));
            } catch (DevdException e) {
                sys.log("vfs: devd refused the subscription to " + c + ": " + e.getMessage());
            } finally {
                sys.close(notices.orNull());
            }
        }
    }
}
