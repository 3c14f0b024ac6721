package org.microsim.services.demo;

import java.time.Duration;
import org.microsim.abi.Program;
import org.microsim.abi.Sys;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.UdpSocket;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * The UDP echo service of RFC 862 as a task: binds a port (7 unless told) through netd and sends every datagram
 * back where it came from, logging each, until killed. A socket program in a dozen lines, over {@link UdpSocket}.
 */
public final class UdpEcho implements Program {
    /** The port it binds unless told otherwise. */
    public static final int PORT = 7;

    @Override
    public void run(Sys sys) throws NetException {
        int port = PortArgument.from(sys.start().args(), PORT);
        UdpSocket socket = UdpSocket.bind(sys, port);
        sys.log("udpecho: listening on UDP port " + socket.port());
        while (true) {
            try {
                UdpSocket.Received d = socket.receive(Duration.ofHours(1));
                sys.log("udpecho: " + d.data().length + " bytes from " + new Ipv4Addr(d.from()) + ":" + d.port());
                socket.sendTo(d.from(), d.port(), d.data());
            } catch (NetException e) {
                if (e.error() != NetError.TIMED_OUT) {
                    throw e;
                }
            }
        }
    }

    /** An IPv4 address, most significant byte first, in dotted form. */
    static String address(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
}
