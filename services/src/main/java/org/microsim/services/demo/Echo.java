package org.microsim.services.demo;

import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;

/**
 * The smallest server, and the shape of every other: a protocol ({@link EchoRequest}), a handler that turns
 * a request into its reply, and the one server runtime around them ({@link Server}), which answers and waits
 * for the next request in one system call, as a seL4 server loop does. It registers the public port
 * {@code echo} and answers every call with the bytes it carried.
 */
public final class Echo implements Program, Handler<EchoRequest> {
    /** The port it serves. */
    public static final String PORT = "echo";
    /** The msg id clients use; any id is echoed, this one is the documented one. */
    public static final int ECHO = MsgIds.DEMO_BASE;

    @Override
    public void run(Sys sys) {
        Handle port = sys.registerPort(PortInfo.of(PORT, PortClass.SERVICE, PortSubclass.SERVICE_GENERIC)).orThrow();
        Server.serve(sys, this, port);
    }

    @Override
    public Protocol<EchoRequest, ?> protocol() {
        return EchoRequest.PROTOCOL;
    }

    @Override
    public Message handle(EchoRequest request, Received call) {
        return Replies.ok(request.message().data());
    }
}
