package org.microsim.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.microsim.harness.MachineOptions;
import org.microsim.hosttools.HostTools;

/**
 * Host port forwarding against a plain host web server in one run, as a user would measure it: {@code curl} of an
 * N MiB file (default 64), the whole process timed, from the demo machine's httpd through {@code hostfwd} (host
 * socket, Netty, the user LAN's gateway and its TCP, the LAN, e1000 model, ethd, netd's TCP, httpd, the VFS and
 * FAT) under the free scheduler, and {@code curl} of the same file from {@code python3 -m http.server} on
 * 127.0.0.1 (the baseline); each the median of 3 after a warm-up, interleaved. The first download through the
 * forward is checked byte for byte. Needs curl and python3. Arguments: [MiB, default 64].
 */
public final class HostfwdBench {
    private static final String PATH = "/ahci0:disk0p2/BENCH.BIN";
    private static final int READY_TRIES = 100;

    private HostfwdBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = Measure.intArg(args, 0, 64);
        if (!HostTools.installed("curl", "python3")) {
            throw new IllegalStateException("needs curl and python3 on the host (.ci/run installs them)");
        }
        byte[] data = new byte[mib << 20];
        new SplittableRandom(1).nextBytes(data);
        Path dir = Files.createTempDirectory("microsim-bench");
        Path served = Files.createDirectories(dir.resolve("served" + PATH.substring(0, PATH.lastIndexOf('/'))));
        Path file = Files.write(served.resolve(PATH.substring(PATH.lastIndexOf('/') + 1)), data);
        Path download = dir.resolve("download.bin");
        int plainPort = freePort();
        Process python = new ProcessBuilder(HostTools.find("python3").orElseThrow().toString(), "-m", "http.server",
                Integer.toString(plainPort), "--bind", "127.0.0.1", "--directory", dir.resolve("served").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        MachineOptions options = new MachineOptions(List.of(), List.of(), 1, true, Optional.empty(), Optional.empty(),
                false).withDemo(true);
        try (BenchMachine m = new BenchMachine(options)) {
            awaitListening(python, plainPort);
            m.run("put", file.toString(), "/vol" + PATH);
            int port = freePort();
            m.run("hostfwd", "add", "tcp::" + port + "-:80");
            String forwarded = "http://127.0.0.1:" + port + PATH;
            String baseline = "http://127.0.0.1:" + plainPort + PATH;
            curl(forwarded, download);
            if (!Arrays.equals(data, Files.readAllBytes(download))) {
                throw new IllegalStateException("the bytes through hostfwd differ from the file on the disk");
            }
            long[][] times = Measure.interleaved(3, () -> curl(forwarded, download), () -> curl(baseline, download));
            long fwd = Measure.median(times[0]);
            long host = Measure.median(times[1]);
            System.out.printf(Locale.ROOT, "curl of a %d MiB file, the whole process timed, median of 3 after a"
                    + " warm-up%n", mib);
            System.out.printf(Locale.ROOT, "python3 -m http.server on 127.0.0.1 (baseline)  %8.1f MB/s%n",
                    data.length / (host / 1e3));
            System.out.printf(Locale.ROOT, "hostfwd -> gateway -> LAN -> netd -> httpd       %8.1f MB/s%n",
                    data.length / (fwd / 1e3));
            System.out.printf(Locale.ROOT, "ratio hostfwd / host server: %.3fx%n", (double) host / fwd);
        } finally {
            python.destroy();
            python.waitFor();
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Wall nanoseconds of one {@code curl} process that downloads {@code url} into {@code to}. */
    private static long curl(String url, Path to) {
        long start = System.nanoTime();
        try {
            HostTools.ok("curl", "-sS", "--fail", "--max-time", "300", "-o", to, url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while curl ran");
        }
        return System.nanoTime() - start;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits (the machine boots meanwhile) until python's server takes connections; fails if it never does. */
    private static void awaitListening(Process python, int port) throws InterruptedException {
        for (int i = 0; i < READY_TRIES && python.isAlive(); i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("python3 -m http.server did not start on port " + port);
    }
}
