package org.microsim.harness.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.Lease;
import org.microsim.abi.TaskId;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.TcpRequest;
import org.microsim.harness.HostPaths;
import org.microsim.harness.script.Arity;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.Durations;
import org.microsim.harness.script.UsageException;
import org.microsim.services.httpd.Fetch;
import org.microsim.services.netd.Netd;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * The TCP commands: {@code netstat} (the sockets and their states; {@code -s} what netd dropped and why) and
 * {@code fetch URL HOSTPATH|/vol/PATH} (an HTTP client task), {@code tcp listen PORT} (a one-shot {@code nc -l}) and
 * {@code tcp connect HOST PORT [TEXT]}, a one-shot {@code nc}: connect, send the text, close this side, and print what
 * comes back until the peer closes (a {@code spawn tcpecho} on the other machine echoes it).
 */
final class TcpCommands {
    /** How much of a body one read moves to the host: as much as the fetch task takes from its socket at once. */
    private static final int PIECE = 64 * 1024;
    private static final String TCP = "tcp connect HOST PORT [TEXT] [-w TIMEOUT] | tcp listen PORT [-w TIMEOUT]";

    private TcpCommands() {
    }

    static List<Command> of(SimSession s) {
        return List.of(
                new SimpleCommand("netstat", "netstat [-s]", "show the TCP sockets, or (-s) what netd dropped and why",
                        args -> netstat(s, args)),
                new SimpleCommand("tcp", TCP, "send a text and show the answer until the peer closes, or wait for one"
                        + " connection and show what it sends", args -> args.isEmpty() || !args.get(0).equals("listen")
                                ? connect(s, args) : listen(s, args)),
                new SimpleCommand("fetch", "fetch URL HOSTPATH|/vol/PATH", "GET http://ADDR[:PORT]/PATH with the fetch"
                        + " program into a host file, or into a simulated file under /vol, and wait for it",
                        args -> fetch(s, args)));
    }

    /**
     * Runs the fetch program and lets the machines run until it has ended (at most 10 minutes of virtual time); what
     * it logs (the status and the bytes written, or why not) is the command's output. A destination under
     * {@code /vol/} is a simulated file, which the task writes through the VFS (so machines exchange files through
     * their disks); any other is a host path, and the task serves the body ({@link Fetch#STREAM}) for the console
     * to copy there, read by read, as {@code get} copies a simulated file: no simulated disk is touched.
     */
    private static String fetch(SimSession s, List<String> args) throws CommandException {
        Arity.check(args, 2, 2, "fetch");
        if (args.get(1).startsWith("/vol/")) {
            Run run = run(s, args.get(0), args.get(1));
            return run.finish() + "fetch " + run.id + " ended";
        }
        Path host = HostPaths.resolve(s.baseDir(), args.get(1));
        if (Files.isDirectory(host)) {
            throw new CommandFailedException("fetch: host file " + host + " is a directory");
        }
        Path parent = host.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CommandFailedException("fetch: cannot write host file " + host + ": no such directory " + parent);
        }
        Run run = run(s, args.get(0), Fetch.STREAM);
        String port = Fetch.streamPort(run.id);
        while (run.alive() && s.kernel().ports().stream().noneMatch(p -> p.info().name().equals(port))) {
            run.step();
        }
        if (!run.alive()) {
            throw new CommandFailedException(run.out + "nothing written to " + host);
        }
        long done = 0;
        ConsoleClient body = s.client(port, Duration.ofMinutes(1));
        int fh = body.call(new FsRequest.Open("/", OpenFlags.READ)).fh();
        try (FileChannel out = FileChannel.open(host, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] piece = new byte[PIECE];
            for (int n; (n = body.call(new FsRequest.Read(fh, done, PIECE), Lease.writeOnly(piece)).bytes()) > 0; ) {
                s.checkInterrupt();
                out.write(ByteBuffer.wrap(piece, 0, n));
                done += n;
            }
        } catch (IOException e) {
            throw new CommandFailedException("fetch: cannot write host file " + host + ": " + HostPaths.why(e));
        } finally {
            body.call(new FsRequest.Close(fh));
        }
        run.out.append(s.drainLogs());
        return run.finish() + "fetched " + args.get(0) + " (" + done + " bytes) into " + host;
    }

    private static Run run(SimSession s, String url, String file) throws CommandException {
        MachineCommands.Spawned spawned = MachineCommands.start(s, List.of("fetch", url, file));
        return new Run(s, spawned.id(), new StringBuilder(spawned.output()));
    }

    /** A running fetch task, and what it logged so far. */
    private record Run(SimSession s, TaskId id, StringBuilder out) {
        boolean alive() throws CommandFailedException {
            return s.task(id.toString()).state().alive();
        }

        /** Lets the machines run 100 ms, and takes what was logged meanwhile. */
        void step() throws CommandFailedException {
            s.advance(Duration.ofMillis(100));
            out.append(s.drainLogs());
        }

        /** Waits for the task to end, at most 10 minutes; what it logged. */
        String finish() throws CommandFailedException {
            for (int i = 0; i < 6000 && alive(); i++) {
                step();
            }
            if (alive()) {
                throw new CommandFailedException(out + "fetch is still running after 10 minutes (task " + id + ")");
            }
            return out.toString();
        }
    }

    private static String netstat(SimSession s, List<String> args) throws CommandException {
        Arity.check(args, 0, 1, "netstat");
        ConsoleClient netd = s.client(Netd.PORT_NAME);
        if (args.size() == 1) {
            if (!args.get(0).equals("-s")) {
                throw new UsageException("usage: netstat [-s]");
            }
            List<NetRequest.Counter> all = netd.call(new NetRequest.Counters());
            return all.isEmpty() ? "nothing dropped" : String.join("\n", all.stream()
                    .map(c -> String.format("%8d  %s", c.value(), c.name())).toList());
        }
        List<TcpRequest.Connection> all = netd.call(new TcpRequest.Connections());
        if (all.isEmpty()) {
            return "no TCP sockets";
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-22s %-22s %-12s %7s  %s", "LOCAL", "REMOTE", "STATE", "RECV-Q", "OWNER"));
        for (TcpRequest.Connection c : all) {
            lines.add(String.format("%-22s %-22s %-12s %7d  %s", new Ipv4Addr(c.local()) + ":" + c.localPort(),
                    c.state().equals("LISTEN") ? "*:*" : new Ipv4Addr(c.remote()) + ":" + c.remotePort(), c.state(),
                    c.receiveQueue(), c.owner()));
        }
        return String.join("\n", lines);
    }

    /**
     * {@code nc -l} for once: listens on PORT, takes one connection (waiting at most TIMEOUT, 10 s unless told), and
     * shows what it sends until it closes its side or goes quiet for TIMEOUT.
     */
    private static String listen(SimSession s, List<String> args) throws CommandException {
        long wait = 10_000;
        if (args.size() == 4 && args.get(2).equals("-w")) {
            wait = Durations.parse(args.get(3)).toMillis();
        } else if (args.size() != 2) {
            throw new UsageException("usage: " + TCP);
        }
        int port = NetCommands.number(args.get(1), 1, 0xffff, "a TCP port");
        ConsoleClient netd = s.client(Netd.PORT_NAME, Duration.ofMillis(wait).plusSeconds(5));
        int listener = netd.call(new TcpRequest.Listen(port, 1)).socket();
        try {
            TcpRequest.Accepted a = netd.call(new TcpRequest.Accept(listener, (int) wait));
            String got;
            try {
                got = toTheEnd(netd, a.socket(), wait);
            } finally {
                netd.call(new TcpRequest.Close(a.socket()));
            }
            return s.drainLogs() + "connection from " + new Ipv4Addr(a.remote()) + ":" + a.port() + ", " + got;
        } finally {
            netd.call(new TcpRequest.Close(listener));
        }
    }

    /** {@code tcp connect} ({@code tcp send} is the same: the name this command had first). */
    private static String connect(SimSession s, List<String> args) throws CommandException {
        if (args.isEmpty() || !args.get(0).equals("connect") && !args.get(0).equals("send")) {
            throw new UsageException("usage: " + TCP);
        }
        long wait = 2000;
        List<String> words = args;
        if (words.size() >= 2 && words.get(words.size() - 2).equals("-w")) {
            wait = Durations.parse(words.getLast()).toMillis();
            words = words.subList(0, words.size() - 2);
        }
        if (words.size() != 3 && words.size() != 4) {
            throw new UsageException("usage: " + TCP);
        }
        Ipv4Addr to = NetCommands.address(args.get(1));
        int port = NetCommands.number(args.get(2), 1, 0xffff, "a TCP port");
        byte[] text = words.size() == 4 ? words.get(3).getBytes(StandardCharsets.UTF_8) : new byte[0];
        ConsoleClient netd = s.client(Netd.PORT_NAME);
        NetRequest.Bound socket = netd.call(new TcpRequest.Connect(to.value(), port, (int) wait));
        String got;
        try {
            for (int sent = 0; sent < text.length; ) {
                sent += netd.call(new TcpRequest.Send(socket.socket(), (int) wait),
                        new Lease.Buffer(text, sent, text.length - sent, true, false));
            }
            netd.call(new TcpRequest.Shutdown(socket.socket()));
            got = toTheEnd(netd, socket.socket(), wait);
        } finally {
            netd.call(new TcpRequest.Close(socket.socket()));
        }
        return s.drainLogs() + "connected to " + to + ":" + port + " from port " + socket.port() + ", sent "
                + text.length + " bytes, " + got;
    }

    /** Reads a connection until the peer closes its side or it stays quiet {@code wait} ms: "received N bytes: ...". */
    private static String toTheEnd(ConsoleClient netd, int socket, long wait) throws CommandFailedException {
        StringBuilder got = new StringBuilder();
        int received = 0;
        byte[] inbox = new byte[16 * 1024];
        while (true) {
            TcpRequest.Received r;
            try {
                r = netd.call(new TcpRequest.Receive(socket, (int) wait), Lease.writeOnly(inbox));
            } catch (CommandFailedException e) {
                got.append("\n(no end of stream within ").append(wait).append(" ms: ").append(e.getMessage())
                        .append(')');
                break;
            }
            if (r.end()) {
                break;
            }
            received += r.length();
            got.append(new String(inbox, 0, r.length(), StandardCharsets.UTF_8));
        }
        return "received " + received + " bytes" + (got.isEmpty() ? "" : ":\n" + got);
    }
}
