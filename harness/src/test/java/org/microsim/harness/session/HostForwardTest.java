package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.script.Outcome;
import org.microsim.hosttools.HostTools;

/**
 * Host port forwarding ({@code hostfwd}) with the real {@code curl} on the host and the demo machine's httpd in the
 * guest, under the free scheduler (host I/O enters at once). One machine serves every test: booting and putting
 * the big file onto its disk is most of the cost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostForwardTest {
    private static final int BIG = 16 << 20;
    private static final String BIG_URL_PATH = "/ahci0:disk0p2/BIG.BIN";
    private static final String SMALL_URL_PATH = "/ahci0:disk1p1/HELLO.TXT";

    @TempDir
    Path dir;

    private ConsoleMachine m;
    private int port;
    private byte[] big;

    @BeforeAll
    void bootAndForward() throws Exception {
        m = ConsoleMachine.with(new MachineOptions(List.of(), List.of(), 1, true, Optional.empty(), Optional.empty(),
                false).withDemo(true));
        port = freePort();
        String added = m.run("hostfwd", "add", "tcp::" + port + "-:80");
        assertEquals("forwarding 127.0.0.1:" + port + " -> 10.0.2.15:80", added);
    }

    @AfterAll
    void close() {
        if (m != null) {
            m.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void putBig() throws Exception {
        if (big != null) {
            return;
        }
        big = new byte[BIG];
        new SplittableRandom(42).nextBytes(big);
        Path file = dir.resolve("big.bin");
        Files.write(file, big);
        m.run("put", file.toString(), "/vol" + BIG_URL_PATH);
    }

    @Test
    @Order(1)
    void curlDownloadsSixteenMebibytesByteForByte() throws Exception {
        HostTools.require("curl");
        putBig();
        Path got = dir.resolve("got.bin");
        long t0 = System.nanoTime();
        HostTools.Run r = HostTools.run("curl", "-sS", "--max-time", "30", "-o", got, "-w", "%{http_code}",
                url(BIG_URL_PATH));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("200", r.out());
        byte[] bytes = Files.readAllBytes(got);
        assertEquals(BIG, bytes.length);
        assertArrayEquals(big, bytes, "the file on the simulated disk, byte for byte");
        System.out.printf("hostfwd: 16 MiB by curl in %.2f s (%.1f MB/s)%n", seconds, BIG / seconds / 1e6);
    }

    @Test
    @Order(2)
    void fiftyConcurrentCurlsAllSucceed() throws Exception {
        HostTools.require("curl");
        byte[] expected = HostTools.ok("curl", "-sS", "--max-time", "20", url(SMALL_URL_PATH)).stdout();
        assertTrue(new String(expected, StandardCharsets.UTF_8).startsWith("Hello from disk 1"));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<HostTools.Run>> runs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                runs.add(pool.submit(() -> HostTools.run("curl", "-sS", "--max-time", "20", url(SMALL_URL_PATH))));
            }
            for (Future<HostTools.Run> f : runs) {
                HostTools.Run r = f.get();
                assertEquals(0, r.exit(), r.stderr());
                assertArrayEquals(expected, r.stdout());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(m.run("hostfwd", "list").contains("connection(s)"));
    }

    @Test
    @Order(3)
    void aClientThatHangsUpMidTransferLeavesNothingStuck() throws Exception {
        putBig();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + BIG_URL_PATH + " HTTP/1.1\r\nHost: sim\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 << 10];
            int total = 0;
            while (total < 256 << 10) {
                int n = in.read(buf);
                assertTrue(n > 0, "the download stopped after " + total + " bytes");
                total += n;
            }
            s.setSoLinger(true, 0); // hang up hard, with data unread: a RST, as a killed client's kernel sends
        }
        // httpd goes on serving, and its connection to the gateway is gone within a few seconds.
        long deadline = System.nanoTime() + 10_000_000_000L;
        String netstat;
        do {
            Thread.sleep(200);
            netstat = m.run("netstat");
        } while (netstat.contains("ESTABLISHED") && System.nanoTime() < deadline);
        assertFalse(netstat.contains("ESTABLISHED"), netstat);
        if (HostTools.installed("curl")) {
            HostTools.Run r = HostTools.run("curl", "-sS", "--max-time", "10", url(SMALL_URL_PATH));
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.out().startsWith("Hello from disk 1"), r.out());
        }
    }

    /** The numbers of {@code hostfwd list}'s line for {@code hostPort}: connections, open, bytes in, bytes out. */
    private long[] counts(int hostPort) {
        for (String line : m.run("hostfwd", "list").split("\n")) {
            if (line.startsWith("tcp:127.0.0.1:" + hostPort + "-")) {
                java.util.regex.Matcher x = java.util.regex.Pattern.compile(
                        "(\\d+) connection\\(s\\), (\\d+) open, (\\d+) bytes in, (\\d+) bytes out").matcher(line);
                assertTrue(x.find(), line);
                return new long[] {Long.parseLong(x.group(1)), Long.parseLong(x.group(2)), Long.parseLong(x.group(3)),
                        Long.parseLong(x.group(4))};
            }
        }
        throw new AssertionError("no forward from " + hostPort);
    }

    @Test
    @Order(4)
    void aClientThatDoesNotReadStopsTheFlowBothWaysAndLosesNothing() throws Exception {
        m.run("spawn", "tcpecho");
        int echo = freePort();
        m.run("hostfwd", "add", "tcp::" + echo + "-:7");
        byte[] sent = new byte[BIG];
        new SplittableRandom(7).nextBytes(sent);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), echo);
             ExecutorService writer = Executors.newSingleThreadExecutor()) {
            s.setSoTimeout(20_000);
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            Future<?> writing = writer.submit(() -> {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < sent.length; off += 64 << 10) {
                    out.write(sent, off, 64 << 10);
                    written.addAndGet(64 << 10);
                }
                s.shutdownOutput();
                return null;
            });
            // Nobody reads the echo: the guest's window to the gateway closes, tcpecho stops reading, the gateway's
            // send buffer fills, and the forward stops reading the host, whose socket buffers then fill.
            long[] before;
            long[] after = counts(echo);
            do {
                before = after;
                Thread.sleep(500);
                after = counts(echo);
            } while (after[2] == 0 || after[2] != before[2] || after[3] != before[3]);
            assertTrue(after[2] < BIG && written.get() < BIG, "the flow stopped: " + after[2] + " bytes in, "
                    + written.get() + " written by the host");
            assertTrue(after[3] <= after[2], "no more out than in");
            System.out.printf("hostfwd: with nobody reading, the echo stopped at %d bytes in, %d out, %d written%n",
                    after[2], after[3], written.get());
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(BIG);
            writing.get();
            assertArrayEquals(sent, got, "every byte echoed, in order");
            assertEquals(-1, in.read(), "the host's FIN went to tcpecho, and tcpecho's came back");
        }
        long[] done = counts(echo);
        assertEquals(BIG, done[2]);
        assertEquals(BIG, done[3]);
        m.run("hostfwd", "remove", Integer.toString(echo));
    }

    @Test
    @Order(5)
    void aPortNobodyListensOnInTheGuestClosesTheHostConnection() throws Exception {
        int other = freePort();
        m.run("hostfwd", "add", "tcp:127.0.0.1:" + other + "-10.0.2.15:81");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), other)) {
            s.setSoTimeout(10_000);
            assertEquals(-1, s.getInputStream().read(), "the guest refused: the host connection is closed");
        } finally {
            m.run("hostfwd", "remove", Integer.toString(other));
        }
    }

    @Test
    @Order(6)
    void hostfwdAddListRemoveAndBadInput() throws Exception {
        int other = freePort();
        assertEquals("forwarding 127.0.0.1:" + other + " -> 10.0.2.16:8080",
                m.run("hostfwd", "add", "tcp:127.0.0.1:" + other + "-10.0.2.16:8080"));
        String list = m.run("hostfwd", "list");
        assertTrue(list.contains("tcp:127.0.0.1:" + port + "-:80"), list);
        assertTrue(list.contains("tcp:127.0.0.1:" + other + "-10.0.2.16:8080"), list);

        Outcome twice = m.invoke("hostfwd", "add", "tcp::" + other + "-:80");
        assertTrue(twice instanceof Outcome.Failure && twice.text().contains("host port " + other
                + " is forwarded already"), twice.text());
        Outcome elsewhere = m.invoke("hostfwd", "remove", "tcp:0.0.0.0:" + other);
        assertTrue(elsewhere instanceof Outcome.Failure && elsewhere.text().contains("no forward from host port "
                + "0.0.0.0:" + other), elsewhere.text());
        assertEquals("removed tcp:127.0.0.1:" + other + "-10.0.2.16:8080", m.run("hostfwd", "remove",
                "tcp:127.0.0.1:" + other));
        assertFalse(m.run("hostfwd", "list").contains(":" + other), "gone from the list");
        // A port just closed may linger: the other forms take fresh ones.
        int third = freePort();
        m.run("hostfwd", "add", "tcp::" + third + "-:80");
        assertEquals("removed tcp:127.0.0.1:" + third + "-:80", m.run("hostfwd", "remove", "tcp::" + third));
        int fourth = freePort();
        m.run("hostfwd", "add", "tcp::" + fourth + "-:80");
        assertEquals("removed tcp:127.0.0.1:" + fourth + "-:80", m.run("hostfwd", "remove", Integer.toString(fourth)));
        Outcome gone = m.invoke("hostfwd", "remove", Integer.toString(other));
        assertTrue(gone instanceof Outcome.Failure && gone.text().contains("no forward from host port " + other),
                gone.text());

        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = busy.getLocalPort();
            Outcome inUse = m.invoke("hostfwd", "add", "tcp::" + taken + "-:80");
            assertTrue(inUse instanceof Outcome.Failure, inUse.text());
            assertTrue(inUse.text().contains("cannot listen on 127.0.0.1:" + taken), inUse.text());
            assertFalse(inUse.text().contains("Exception"), inUse.text());
        }
        for (String bad : List.of("udp::53-:53", "tcp:8080-:80", "tcp::8080", "tcp::0-:80", "tcp::8080-:99999",
                "tcp:localhost:8080-:80", "tcp::8080-10.0.3.1:80", "tcp::8080-10.0.2.2:80")) {
            Outcome o = m.invoke("hostfwd", "add", bad);
            assertFalse(o instanceof Outcome.Success, bad);
            assertTrue(o.text().contains("hostfwd"), bad + ": " + o.text());
        }
        for (List<String> words : List.of(List.<String>of(), List.of("frob"), List.of("add"),
                List.of("remove", "x"), List.of("list", "x"))) {
            Outcome o = m.invoke("hostfwd", words.toArray(String[]::new));
            assertTrue(o instanceof Outcome.Misuse, words + ": " + o.text());
        }
    }

    private static MachineOptions demoWithNic(String nic) {
        return new MachineOptions(List.of(), List.of(nic), 1, true, Optional.empty(), Optional.empty(), false)
                .withDemo(true);
    }

    @Test
    @Order(7)
    void aNicOptionForwardsFromBoot() throws Exception {
        HostTools.require("curl");
        int p = freePort();
        try (ConsoleMachine other = ConsoleMachine.with(demoWithNic("hostfwd=tcp::" + p + "-:80"))) {
            assertTrue(other.run("hostfwd", "list").contains("tcp:127.0.0.1:" + p + "-:80"));
            HostTools.Run r = HostTools.run("curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + p
                    + SMALL_URL_PATH);
            assertEquals(0, r.exit(), r.stderr());
            assertTrue(r.out().startsWith("Hello from disk 1"), r.out());
        }
    }

    @Test
    @Order(8)
    void aNicForwardOnAPortInUseStopsTheBootNamingThePort() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ConsoleMachine other = ConsoleMachine.unbooted(demoWithNic("hostfwd=tcp::" + busy.getLocalPort()
                     + "-:80"))) {
            Outcome boot = other.invoke("boot");
            assertTrue(boot instanceof Outcome.Failure, boot.text());
            assertTrue(boot.text().contains("hostfwd tcp:127.0.0.1:" + busy.getLocalPort() + "-:80: cannot listen on "
                    + "127.0.0.1:" + busy.getLocalPort()), boot.text());
        }
    }

    @Test
    @Order(9)
    void underTheDeterministicSchedulerTheHostsBytesEnterWhileTheMachineRuns() throws Exception {
        int p = freePort();
        try (ConsoleMachine det = ConsoleMachine.unbooted(MachineOptions.defaults());
             ExecutorService client = Executors.newSingleThreadExecutor()) {
            assertTrue(det.run("hostfwd", "add", "tcp::" + p + "-:80").contains("--free is the natural mode"),
                    "a forward made before boot");
            String boot = det.run("boot");
            assertTrue(boot.contains("not reproducible from its seed"), boot);
            Future<String> got = client.submit(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), p)) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(("GET " + SMALL_URL_PATH + " HTTP/1.1\r\nHost: sim\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                }
            });
            for (int i = 0; i < 400 && !got.isDone(); i++) {
                det.run("sleep", "50ms"); // host work enters between the steps of a command that lets time pass
                Thread.sleep(5);
            }
            String response = got.get();
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("Hello from disk 1"), response);
        }
    }

    /** {@code tcp listen} on the console, reached from the host through a forward: a one-shot {@code nc -l}. */
    @Test
    void theConsolesTcpListenTakesAConnectionFromTheHost() throws Exception {
        int other = freePort();
        m.run("hostfwd", "add", "tcp::" + other + "-:9000");
        try {
            // The host cannot see when the console starts listening: a connection that comes before is refused
            // inside the LAN and closed here, so it tries again until the listen has taken one.
            java.util.concurrent.atomic.AtomicBoolean listened = new java.util.concurrent.atomic.AtomicBoolean();
            Thread host = new Thread(() -> {
                for (int attempt = 0; attempt < 200 && !listened.get(); attempt++) {
                    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), other)) {
                        s.getOutputStream().write("hello from the host".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        s.shutdownOutput();
                        s.getInputStream().read();
                    } catch (Exception e) {
                        // refused or reset: try again
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            });
            host.start();
            String out = m.run("tcp", "listen", "9000", "-w", "10s");
            listened.set(true);
            host.join(10_000);
            assertTrue(out.contains("connection from 10.0.2.2:") && out.contains("received 19 bytes:\nhello from the "
                    + "host"), out);
        } finally {
            m.run("hostfwd", "remove", Integer.toString(other));
        }
    }
}
