package org.microsim.harness.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.microsim.harness.MachineOptions;

/**
 * Host port forwarding against a plain host web server in one run: N MiB (default 16) downloaded with Java's
 * {@link HttpClient} from the demo machine's httpd through {@code hostfwd} (host socket, Netty, the user LAN's
 * gateway and its TCP, the LAN, e1000 model, ethd, netd's TCP, httpd, the VFS and FAT), under the free scheduler,
 * and the same bytes from a {@code com.sun.net.httpserver} server on 127.0.0.1 (the baseline); each the median of
 * 3 after a warm-up, interleaved. The first download through the forward is checked byte for byte. Arguments:
 * [MiB, default 16].
 */
public final class HostfwdBench {
    private static final String PATH = "/ahci0:disk0p2/BENCH.BIN";

    private HostfwdBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = Measure.intArg(args, 0, 16);
        byte[] data = new byte[mib << 20];
        new SplittableRandom(1).nextBytes(data);
        Path dir = Files.createTempDirectory("microsim-bench");
        Path file = dir.resolve("bench.bin");
        Files.write(file, data);
        HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        plain.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, data.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data);
            }
        });
        plain.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        MachineOptions options = new MachineOptions(List.of(), List.of(), 1, true, Optional.empty(), Optional.empty(),
                false).withDemo(true);
        try (BenchMachine m = new BenchMachine(options)) {
            m.run("put", file.toString(), "/vol" + PATH);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            m.run("hostfwd", "add", "tcp::" + port + "-:80");
            URI forwarded = URI.create("http://127.0.0.1:" + port + PATH);
            URI baseline = URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + PATH);
            if (!Arrays.equals(data, get(client, forwarded))) {
                throw new IllegalStateException("the bytes through hostfwd differ from the file on the disk");
            }
            long[][] times = Measure.interleaved(3, () -> time(client, forwarded, data.length),
                    () -> time(client, baseline, data.length));
            long fwd = Measure.median(times[0]);
            long host = Measure.median(times[1]);
            System.out.printf("download of %d MiB with java.net.http.HttpClient, median of 3 after a warm-up%n", mib);
            System.out.printf("host HttpServer on 127.0.0.1 (baseline)        %8.1f MB/s%n", data.length / (host / 1e3));
            System.out.printf("hostfwd -> gateway -> LAN -> netd -> httpd     %8.1f MB/s%n", data.length / (fwd / 1e3));
            System.out.printf("ratio hostfwd / host server: %.3fx%n", (double) host / fwd);
        } finally {
            plain.stop(0);
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static byte[] get(HttpClient client, URI uri) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    private static long time(HttpClient client, URI uri, int length) {
        long start = System.nanoTime();
        try {
            byte[] body = get(client, uri);
            if (body.length != length) {
                throw new IllegalStateException(uri + ": " + body.length + " bytes, not " + length);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(uri + ": " + e.getMessage(), e);
        }
        return System.nanoTime() - start;
    }
}
