package org.microsim.services.demo;

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

/**
 * The TCP echo service of RFC 862 as one task serving many connections: it listens (port 7 unless told) and polls
 * the listener and every connection at once ({@link TcpRequest.Poll}), accepting what arrives and sending back
 * whatever a connection sends, until the peer closes it. The event loop a single-threaded server needs.
 */
public final class TcpEcho implements Program {
    public static final int PORT = 7;
    private static final int MAX_CONNECTIONS = TcpRequest.MAX_POLL - 1;

    /** Lets go of a connection that failed: netd may have forgotten it already, which is what closing wants. */
    private static void closeQuietly(TcpSocket c) {
        try {
            c.close();
        } catch (NetException gone) {
            // Nothing left to close.
        }
    }

    @Override
    public void run(Sys sys) throws NetException {
        int port = PortArgument.from(sys.start().args(), PORT);
        TcpServerSocket server = TcpServerSocket.listen(sys, port, 64);
        Client netd = Client.named(sys, UdpSocket.NETD, Duration.ofSeconds(5), Duration.ofSeconds(5));
        sys.log("tcpecho: listening on TCP port " + server.port());
        Map<Integer, TcpSocket> connections = new LinkedHashMap<>();
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            List<TcpRequest.Ready> interest = new ArrayList<>();
            if (connections.size() < MAX_CONNECTIONS) {
                interest.add(new TcpRequest.Ready(server.id(), TcpRequest.READABLE));
            }
            connections.keySet().forEach(id -> interest.add(new TcpRequest.Ready(id, TcpRequest.READABLE)));
            List<TcpRequest.Ready> ready = netd.call(new TcpRequest.Poll(3_600_000, interest), null,
                    Duration.ofHours(1).plusSeconds(5));
            for (TcpRequest.Ready r : ready) {
                if (r.socket() == server.id()) {
                    TcpSocket c = server.accept(Duration.ZERO);
                    connections.put(c.id(), c);
                    continue;
                }
                TcpSocket c = connections.get(r.socket());
                try {
                    int n = c.read(buffer, 0, buffer.length, Duration.ZERO);
                    if (n < 0) {
                        connections.remove(r.socket()).close();
                    } else if (n > 0) {
                        c.write(buffer, 0, n);
                    }
                } catch (NetException e) {
                    if (e.error() != NetError.WOULD_BLOCK) {
                        connections.remove(r.socket());
                        closeQuietly(c);
                    }
                }
            }
        }
    }
}
