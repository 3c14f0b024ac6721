package org.microsim.abi.net;

import java.time.Duration;
import org.microsim.abi.Client;
import org.microsim.abi.Sys;

/** A TCP listener of the network service: {@code listen}, then {@link #accept} connections as {@link TcpSocket}s. */
public final class TcpServerSocket implements AutoCloseable {
    private static final Duration SLACK = Duration.ofSeconds(5);

    private final Client netd;
    private final int socket;
    private final int port;

    private TcpServerSocket(Client netd, int socket, int port) {
        this.netd = netd;
        this.socket = socket;
        this.port = port;
    }

    /** Listens on {@code port} with room for {@code backlog} connections not yet accepted. */
    public static TcpServerSocket listen(Sys sys, int port, int backlog) throws NetException {
        Client netd = Client.named(sys, UdpSocket.NETD, SLACK, SLACK);
        NetRequest.Bound b = netd.call(new TcpRequest.Listen(port, backlog));
        return new TcpServerSocket(netd, b.socket(), b.port());
    }

    public int id() {
        return socket;
    }

    public int port() {
        return port;
    }

    /** The next connection, waiting at most {@code timeout} (zero: not at all, WOULD_BLOCK). */
    public TcpSocket accept(Duration timeout) throws NetException {
        TcpRequest.Accepted a = netd.call(new TcpRequest.Accept(socket, TcpSocket.millis(timeout)), null,
                timeout.plus(SLACK));
        return new TcpSocket(netd, a.socket(), a.remote(), a.port());
    }

    @Override
    public void close() throws NetException {
        netd.call(new TcpRequest.Close(socket));
    }
}
