package org.microsim.services.vfs;

import java.time.Duration;
import java.util.List;
import org.microsim.abi.Handle;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.devd.DevdRequest;

/**
 * The VFS task: one namespace over every block device and filesystem driver, on the public port
 * {@value #PORT_NAME}, speaking the filesystem protocol ({@link org.microsim.abi.fs.FsRequest}) over the whole
 * tree plus {@link org.microsim.abi.fs.VfsRequest} (mounts, statfs by path, devices). What the tree holds and
 * how requests are answered is {@link VfsServer}'s; this class is the task around it.
 *
 * <p>At start it registers its port, then subscribes to devd ({@code lookup("devd")}) for BLOCK and FILESYSTEM
 * drivers, lending devd a send handle to that same port for the msg 100 notices (devd sends the ones it stored
 * at once). A notice is accepted from anyone on the port, so without devd (in a test, or a system without
 * one) a task that may grant a driver's handle (its owner) can bind it by hand; a missing devd is logged, not
 * fatal. Then one
 * loop: notices bind, calls are answered, one at a time.
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
        VfsServer server = new VfsServer(sys);
        while (true) {
            Received r = sys.receive(Sys.FOREVER, port).orThrow();
            if (r.msgId() == MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE) {
                server.bind(r.message());
                if (r.isCall()) {
                    answer(sys, r, Replies.ok());
                }
            } else if (r.isCall()) {
                answer(sys, r, server.handle(r));
            } else {
                sys.log("vfs: ignored message " + r.msgId() + " that is not a call");
            }
        }
    }

    private static void answer(Sys sys, Received r, Message reply) {
        var sent = sys.reply(r.replyRight(), reply);
        if (!sent.isOk()) {
            sys.log("vfs: reply to " + r.sender() + " lost: " + sent.errorOrNull());
        }
    }

    private static void subscribe(Sys sys, Handle port) {
        Result<Handle> devd = sys.lookup("devd", DEVD_WAIT);
        if (!devd.isOk()) {
            sys.log("vfs: no devd (" + devd.errorOrNull() + "): drivers appear only when notified by hand");
            return;
        }
        for (PortClass c : List.of(PortClass.BLOCK, PortClass.FILESYSTEM)) {
            Result<Handle> notices = sys.duplicate(port, Rights.SEND_GRANT);
            if (!notices.isOk()) {
                sys.log("vfs: cannot make a notice handle: " + notices.errorOrNull());
                return;
            }
            Message m = new DevdRequest.Subscribe(c).encode();
            Result<Message> reply = sys.call(devd.orNull(), new Message(m.msgId(), m.data(), List.of(notices.orNull()),
                    null), VfsServer.DRIVER_TIMEOUT);
            if (!reply.isOk() || reply.orNull().msgId() != MsgIds.REPLY_OK) {
                sys.log("vfs: devd refused the subscription to " + c + ": "
                        + (reply.isOk() ? reply.orNull() : reply.errorOrNull()));
            }
        }
    }
}
