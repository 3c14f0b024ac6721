package org.microsim.abi.net;

import java.time.Duration;
import org.microsim.abi.Client;
import org.microsim.abi.Lease;
import org.microsim.abi.Sys;

/**
 * A TCP connection of the network service, so a program reads like a socket program:
 *
 * <pre>{@code
 * try (TcpSocket s = TcpSocket.connect(sys, address, 80, Duration.ofSeconds(5))) {
 *     s.write(request);
 *     s.shutdownOutput();
 *     for (int n; (n = s.read(buffer, 0, buffer.length, Duration.ofSeconds(5))) >= 0; ) { ... }
 * }
 * }</pre>
 *
 * Calls go through the one typed {@link Client} to {@code netd}; a call that waits (connect, a write into a full
 * buffer, a read with nothing there) waits in netd, and the client waits for its answer a little longer than the
 * timeout it gave. Every failure is a {@link NetException} (CONNECTION_REFUSED, CONNECTION_RESET, TIMED_OUT...).
 * Use it from the owning task's thread only.
 */
public final class TcpSocket implements AutoCloseable {
    /** How long one wait of a write for room lasts before it looks again. */
    static final Duration WRITE_WAIT = Duration.ofSeconds(60);
    private static final Duration SLACK = Duration.ofSeconds(5);

    private final Client netd;
    private final int socket;
    private final int remote;
    private final int remotePort;
    private boolean closed;

    TcpSocket(Client netd, int socket, int remote, int remotePort) {
        this.netd = netd;
        this.socket = socket;
        this.remote = remote;
        this.remotePort = remotePort;
    }

    /** Opens a connection to {@code address:port}, waiting at most {@code timeout} for the handshake. */
    public static TcpSocket connect(Sys sys, int address, int port, Duration timeout) throws NetException {
        Client netd = Client.named(sys, UdpSocket.NETD, SLACK, SLACK);
        NetRequest.Bound b = netd.call(new TcpRequest.Connect(address, port, millis(timeout)), null,
                timeout.plus(SLACK));
        return new TcpSocket(netd, b.socket(), address, port);
    }

    /** The socket's number in netd (for {@link TcpRequest.Poll}). */
    public int id() {
        return socket;
    }

    public int remoteAddress() {
        return remote;
    }

    public int remotePort() {
        return remotePort;
    }

    /**
     * Reads up to {@code len} bytes, waiting at most {@code timeout} for some (zero: not at all, WOULD_BLOCK).
     *
     * @return how many, or -1 at the end of the stream
     */
    public int read(byte[] b, int off, int len, Duration timeout) throws NetException {
        TcpRequest.Received r = netd.call(new TcpRequest.Receive(socket, millis(timeout)),
                new Lease.Buffer(b, off, len, false, true), timeout.plus(SLACK));
        return r.end() ? -1 : r.length();
    }

    /**
     * Writes all of {@code b[off, off+len)}, waiting for room as long as the connection lives, as a blocking socket's
     * {@code write} does: a slow peer makes it wait, a dead one (TIMED_OUT, RESET) makes it fail.
     */
    public void write(byte[] b, int off, int len) throws NetException {
        while (len > 0) {
            int n;
            try {
                n = writeSome(b, off, len, WRITE_WAIT);
            } catch (NetException e) {
                if (e.error() != NetError.WOULD_BLOCK) {
                    throw e;
                }
                continue; // no room yet: the connection is alive, wait again
            }
            off += n;
            len -= n;
        }
    }

    public void write(byte[] b) throws NetException {
        write(b, 0, b.length);
    }

    /** Writes what fits now, waiting at most {@code timeout} for room; how much was taken (at least 1). */
    public int writeSome(byte[] b, int off, int len, Duration timeout) throws NetException {
        return netd.call(new TcpRequest.Send(socket, millis(timeout)), new Lease.Buffer(b, off, len, true, false),
                timeout.plus(SLACK));
    }

    /** No more writing: the peer reads the end of the stream after the data. */
    public void shutdownOutput() throws NetException {
        netd.call(new TcpRequest.Shutdown(socket));
    }

    @Override
    public void close() throws NetException {
        if (!closed) {
            closed = true;
            netd.call(new TcpRequest.Close(socket));
        }
    }

    static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, d.toMillis()));
    }
}
