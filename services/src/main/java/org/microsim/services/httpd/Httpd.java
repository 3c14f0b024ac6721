package org.microsim.services.httpd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Client;
import org.microsim.abi.Program;
import org.microsim.abi.Sys;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.TcpRequest;
import org.microsim.abi.net.TcpServerSocket;
import org.microsim.abi.net.TcpSocket;
import org.microsim.abi.net.UdpSocket;
import org.microsim.services.demo.PortArgument;
import org.microsim.services.vfs.VfsClient;

/**
 * A web server inside the simulated OS: HTTP/1.1 over netd's TCP, serving the VFS's {@code /vol} (so
 * {@code http://10.0.2.15/ahci0:disk1p1/HELLO.TXT} is {@code /vol/ahci0:disk1p1/HELLO.TXT}): GET and HEAD,
 * Content-Length, keep-alive and pipelining, byte ranges, directory listings, 404. One task serves every connection
 * through one event loop over netd's poll, as a single-threaded server (nginx, a Hubris task) does:
 *
 * <pre>
 *   loop: poll(listener: READABLE, each connection: READABLE if it takes a request, WRITABLE if it has bytes)
 *           listener ─▶ accept ─▶ a new {@link HttpConnection}
 *           connection ─▶ readable / writable ─▶ over? close
 *         connections idle for {@value #IDLE_SECONDS} s are closed
 * </pre>
 *
 * The service manager starts it with {@code needs netd vfs}; a crash restarts it, and clients reconnect. Its one
 * argument, a port ({@link PortArgument}), is optional.
 */
public final class Httpd implements Program {
    /** The port unless told: 80. */
    public static final int PORT = 80;
    /** What URLs are paths under. */
    public static final String ROOT = "/vol";
    private static final long IDLE_SECONDS = 30;
    private static final int MAX_CONNECTIONS = TcpRequest.MAX_POLL - 1;

    @Override
    public void run(Sys sys) throws NetException {
        int port = PortArgument.from(sys.start().args(), PORT);
        TcpServerSocket server = TcpServerSocket.listen(sys, port, 128);
        Client netd = Client.named(sys, UdpSocket.NETD, Duration.ofSeconds(5), Duration.ofSeconds(5));
        VfsClient vfs = new VfsClient(sys);
        sys.log("httpd: serving " + ROOT + " on TCP port " + server.port());
        Map<Integer, HttpConnection> connections = new LinkedHashMap<>();
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            List<TcpRequest.Ready> interest = new ArrayList<>();
            if (connections.size() < MAX_CONNECTIONS) {
                interest.add(new TcpRequest.Ready(server.id(), TcpRequest.READABLE));
            }
            for (HttpConnection c : connections.values()) {
                int events = (c.wantsToRead() ? TcpRequest.READABLE : 0) | (c.wantsToWrite() ? TcpRequest.WRITABLE : 0);
                interest.add(new TcpRequest.Ready(c.id(), events));
            }
            List<TcpRequest.Ready> ready = netd.call(new TcpRequest.Poll((int) (IDLE_SECONDS * 1000), interest), null,
                    Duration.ofSeconds(IDLE_SECONDS + 5));
            long now = sys.now();
            for (TcpRequest.Ready r : ready) {
                if (r.socket() == server.id()) {
                    accept(server, connections, vfs, now);
                    continue;
                }
                HttpConnection c = connections.get(r.socket());
                if (c == null) {
                    continue;
                }
                try {
                    if ((r.events() & TcpRequest.READABLE) != 0 && c.wantsToRead()) {
                        c.readable(buffer, now);
                    }
                    if ((r.events() & TcpRequest.ERROR) != 0) {
                        throw new NetException(NetError.CONNECTION_RESET, "the connection failed");
                    }
                    if (c.wantsToWrite() || (r.events() & TcpRequest.WRITABLE) != 0) {
                        c.writable(now);
                    }
                } catch (NetException e) {
                    c.close();
                    connections.remove(r.socket());
                    continue;
                }
                if (c.over()) {
                    c.close();
                    connections.remove(r.socket());
                }
            }
            connections.values().removeIf(c -> {
                boolean idle = now - c.lastActive > IDLE_SECONDS * 1_000_000_000L;
                if (idle) {
                    c.close();
                }
                return idle;
            });
        }
    }

    private static void accept(TcpServerSocket server, Map<Integer, HttpConnection> connections, VfsClient vfs,
                               long now) {
        try {
            TcpSocket s = server.accept(Duration.ZERO);
            connections.put(s.id(), new HttpConnection(s, vfs, ROOT, now));
        } catch (NetException e) {
            // The connection went before it was taken (reset, or another accept got it): nothing to serve.
        }
    }
}
