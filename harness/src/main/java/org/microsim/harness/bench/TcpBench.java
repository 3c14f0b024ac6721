package org.microsim.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.Carriers;
import org.microsim.harness.MachineOptions;

/**
 * TCP bulk transfer between two simulated machines against the host's loopback in the same run: {@code tcpperf
 * recv} on machine b (10.0.2.16 by DHCP), {@code tcpperf send} of N MiB on the demo machine, through TCP in netd,
 * ethd, the e1000 models and the LAN, with every byte checked by the receiver; the baseline is two {@code
 * SocketChannel}s on 127.0.0.1 moving the same bytes in 64 KiB writes. Wall time is measured from the send's spawn
 * to b's line saying all arrived (polled every 50 ms of b's time), so short runs overstate the sim's time a little; the
 * sim's figure is the best of {@link #TRANSFERS} transfers, one after the other on the same machines, as the host's is
 * the better of two. Arguments: [MiB, default 256] [free: the sim on the free scheduler (the setting), else
 * deterministic] [mtu=N: {@code ifconfig eth0 mtu N} on both machines before the transfers, default 1500; 9000 for
 * jumbo frames, whose segments carry six times the bytes of 1500's for the same per-frame costs].
 */
public final class TcpBench {
    private static final int PORT = 5001;
    /**
     * Transfers made one after another on the same machines, the best of which is the figure: the first pays for
     * compiling the stack (the JIT takes most of a core for seconds), and on two shared cores the later ones still
     * differ by up to three times from one to the next (seen both ways round), so all are printed.
     */
    private static final int TRANSFERS = 3;
    private static final String MTU = "mtu=";
    private static final Pattern RECEIVED = Pattern.compile("tcpperf: received (\\d+) bytes, (\\d+) wrong");

    private TcpBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean free = Arrays.asList(args).contains("free") || Arrays.asList(args).contains("--free");
        String[] numbers = Arrays.stream(args).filter(a -> !a.endsWith("free") && !a.startsWith(MTU))
                .toArray(String[]::new);
        int mib = Measure.intArg(numbers, 0, 256);
        String[] mtuArg = Arrays.stream(args).filter(a -> a.startsWith(MTU)).map(a -> a.substring(MTU.length()))
                .toArray(String[]::new);
        int mtu = Measure.intArg(mtuArg, 0, 1500);
        if (!free) {
            Carriers.forDeterministicMachines();
        }
        long bytes = (long) mib << 20;
        MachineOptions options = new MachineOptions(List.of(), List.of(), 1, free, Optional.empty(), Optional.empty(),
                false);
        long host = host(bytes);
        long[] runs = new long[TRANSFERS];
        try (BenchMachine m = new BenchMachine(options)) {
            m.run("machine", "add", "b");
            m.run("on", "b", "boot");
            setMtu(m.run("ifconfig", "eth0", "mtu", Integer.toString(mtu)), mtu);
            setMtu(m.run("on", "b", "ifconfig", "eth0", "mtu", Integer.toString(mtu)), mtu);
            for (int i = 0; i < runs.length; i++) {
                runs[i] = transfer(m, mib, PORT + i);
            }
        }
        long hostAgain = host(bytes);
        long best = Math.min(host, hostAgain);
        long sim = Arrays.stream(runs).min().orElseThrow();
        String each = String.join(", ", Arrays.stream(runs).mapToObj(t -> String.format(Locale.ROOT, "%.1f",
                bytes * 8e3 / t)).toList());
        System.out.printf(Locale.ROOT, "TCP bulk transfer of %d MiB, main 10.0.2.15 -> b 10.0.2.16 (%s scheduler, MTU"
                + " %d), every byte checked%n", mib, free ? "free" : "deterministic", mtu);
        System.out.printf(Locale.ROOT, "sim:  netd TCP/ethd/e1000/LAN, MTU %d  %9.1f Mbit/s (%.2f s; best of %d: %s"
                + " Mbit/s)%n", mtu, bytes * 8e3 / sim, sim / 1e9, TRANSFERS, each);
        System.out.printf(Locale.ROOT, "host: SocketChannels, 127.0.0.1 %9.1f Mbit/s (baseline, best of 2)%n",
                bytes * 8e3 / best);
        System.out.printf(Locale.ROOT, "ratio sim/host: %.3fx (goal >= 0.1x)%n", (double) best / sim);
    }

    /** Checks what {@code ifconfig eth0 mtu N} answered: the interface's row with the MTU, or an error. */
    private static void setMtu(String ifconfig, int mtu) {
        if (!ifconfig.contains(", mtu " + mtu + ",")) {
            throw new IllegalStateException("the MTU is not " + mtu + ": " + ifconfig);
        }
    }

    /**
     * Wall nanoseconds of one {@code tcpperf} transfer of {@code mib} MiB from the main machine to b's {@code port},
     * checked (see {@link #TRANSFERS} for why there are several).
     */
    private static long transfer(BenchMachine m, int mib, int port) throws Exception {
        long bytes = (long) mib << 20;
        m.run("on", "b", "spawn", "tcpperf", "recv", Integer.toString(port));
        long start = System.nanoTime();
        m.run("spawn", "tcpperf", "send", "10.0.2.16", Integer.toString(port), mib + "M");
        Matcher r = null;
        for (int i = 0; i < 100_000 && r == null; i++) {
            Matcher next = RECEIVED.matcher(m.run("on", "b", "sleep", "50ms"));
            r = next.find() ? next : null;
        }
        long took = System.nanoTime() - start;
        if (r == null) {
            throw new IllegalStateException("b never said the transfer ended");
        }
        if (Long.parseLong(r.group(1)) != bytes || !r.group(2).equals("0")) {
            throw new IllegalStateException("b received " + r.group(1) + " bytes, " + r.group(2) + " wrong, of "
                    + bytes);
        }
        return took;
    }

    /** Wall nanoseconds to move {@code bytes} between two SocketChannels on the host's loopback. */
    private static long host(long bytes) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel in = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                    long got = 0;
                    for (int n; (n = in.read(b.clear())) >= 0; ) {
                        got += n;
                    }
                    return got;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long start = System.nanoTime();
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                for (long sent = 0; sent < bytes; ) {
                    b.clear().limit((int) Math.min(b.capacity(), bytes - sent));
                    while (b.hasRemaining()) {
                        sent += out.write(b);
                    }
                }
            }
            if (read.join() != bytes) {
                throw new IllegalStateException("the host baseline lost bytes");
            }
            return System.nanoTime() - start;
        }
    }
}
