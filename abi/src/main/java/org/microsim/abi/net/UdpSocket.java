package org.microsim.abi.net;

import java.time.Duration;
import java.util.Arrays;
import org.microsim.abi.Client;
import org.microsim.abi.Lease;
import org.microsim.abi.Sys;

/**
 * A UDP socket of the network service, so a program reads like a socket program:
 *
 * <pre>{@code
 * UdpSocket s = UdpSocket.bind(sys, 7);
 * UdpSocket.Received d = s.receive(Duration.ofSeconds(5));
 * s.sendTo(d.from(), d.port(), d.data());
 * }</pre>
 *
 * Calls go through the one typed {@link Client} to the public port {@code netd}, found by name (so a restarted
 * netd is found again; its sockets are not, and calls on them fail with NO_SUCH_SOCKET). Every failure is a
 * {@link NetException}. Use it from the owning task's thread only.
 */
public final class UdpSocket {
    /** The service's port. */
    public static final String NETD = "netd";
    private static final Duration CALL = Duration.ofSeconds(5);

    private final Client netd;
    private final int socket;
    private final int port;
    private final byte[] inbox = new byte[NetRequest.MAX_DATAGRAM];

    private UdpSocket(Client netd, int socket, int port) {
        this.netd = netd;
        this.socket = socket;
        this.port = port;
    }

    /** A datagram and where it came from (an IPv4 address as in {@link NetRequest}). */
    public record Received(int from, int port, byte[] data, boolean truncated) {
    }

    /** Binds {@code port} (0: any free port). */
    public static UdpSocket bind(Sys sys, int port) throws NetException {
        Client netd = Client.named(sys, NETD, CALL, CALL);
        NetRequest.Bound b = netd.call(new NetRequest.UdpBind(port));
        return new UdpSocket(netd, b.socket(), b.port());
    }

    /** The port it is bound to. */
    public int port() {
        return port;
    }

    /** Sends {@code data} as one datagram to {@code address:toPort}. */
    public void sendTo(int address, int toPort, byte[] data) throws NetException {
        netd.call(new NetRequest.UdpSend(socket, address, toPort), Lease.readOnly(data));
    }

    /**
     * Waits at most {@code timeout} for a datagram; TIMED_OUT when none comes. The call itself may take the
     * timeout and the usual call time on top, so netd's answer, not the call's own deadline, ends the wait.
     */
    public Received receive(Duration timeout) throws NetException {
        int millis = (int) Math.min(Integer.MAX_VALUE - CALL.toMillis(), Math.max(1, timeout.toMillis()));
        NetTables.Datagram d = netd.call(new NetRequest.UdpReceive(socket, millis), Lease.writeOnly(inbox),
                Duration.ofMillis(millis).plus(CALL));
        return new Received(d.source(), d.port(), Arrays.copyOf(inbox, Math.min(d.length(), inbox.length)),
                d.truncated());
    }

    public void close() throws NetException {
        netd.call(new NetRequest.UdpClose(socket));
    }
}
