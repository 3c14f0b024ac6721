package org.microsim.services.demo;

import org.microsim.abi.Handle;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Sys;

/**
 * The smallest server: registers the public port {@code echo} and answers every call with the bytes it
 * carried. One reply-and-receive per request, as a seL4 server loop.
 */
public final class Echo implements Program {
    /** The port it serves. */
    public static final String PORT = "echo";
    /** The msg id clients use; any id is echoed, this one is the documented one. */
    public static final int ECHO = org.microsim.abi.MsgIds.DEMO_BASE;

    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(PORT, PortClass.SERVICE, PortSubclass.SERVICE_GENERIC)).orThrow();
        Received r = sys.receive(Sys.FOREVER, port).orThrow();
        while (true) {
            // One system call per request: the answer and the wait for the next. A plain message needs no answer.
            r = r.isCall() ? sys.replyAndReceive(r.replyRight(), Replies.ok(r.message().data()), Sys.FOREVER, port)
                    .orThrow() : sys.receive(Sys.FOREVER, port).orThrow();
        }
    }
}
