package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.SessionException;
import org.microsim.harness.script.Outcome;

/**
 * LANs across simulator processes ({@code --nic net=socket,listen=|connect=}): two sessions joined over TCP on
 * 127.0.0.1, with the free scheduler, as two {@code sim} processes would be. The frames on the socket are QEMU's
 * stream netdev's, so the code that reads them is the same whoever is at the other end.
 */
class SocketLanTest {
    private static MachineOptions free(String nic) {
        return new MachineOptions(List.of(), List.of(nic), 1, true, Optional.empty(), Optional.empty(), false);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoSessionsPingEachOtherAcrossTheSocket() throws Exception {
        int port = freePort();
        try (ConsoleMachine a = ConsoleMachine.with(free("net=socket,listen=127.0.0.1:" + port));
             ConsoleMachine b = ConsoleMachine.with(free("net=socket,connect=127.0.0.1:" + port))) {
            a.run("ifconfig", "eth0", "10.9.0.1/24");
            b.run("ifconfig", "eth0", "10.9.0.2/24");
            String ping = b.run("ping", "10.9.0.1", "-c", "3", "-i", "100ms", "-W", "2s");
            assertTrue(ping.contains("3 received"), ping);
            assertTrue(a.run("arp").contains("10.9.0.2         52:54:00:13:34:56"), "a learned b, across the socket");
            assertTrue(a.lab().traceNote().orElse("").contains("not reproducible from its seed"), "the trace says so");
            String lan = a.run("lan");
            assertTrue(lan.contains("socket 127.0.0.1:" + port), lan);
            assertTrue(lan.contains("frames from the other process dropped (the simulation did not take them in time):"
                    + " 0"), lan);
        }
    }

    @Test
    void aConnectionNobodyListensForIsAClearErrorAtBoot() throws Exception {
        int port = freePort();
        Outcome boot;
        try (ConsoleMachine m = ConsoleMachine.unbooted(free("net=socket,connect=127.0.0.1:" + port))) {
            boot = m.invoke("boot");
        }
        assertTrue(boot instanceof Outcome.Failure, boot.text());
        assertTrue(boot.text().contains("socket LAN: cannot connect to 127.0.0.1:" + port), boot.text());
        assertTrue(!boot.text().contains("Exception"), "no class names for users: " + boot.text());
    }

    @Test
    void badSocketWordsAreRefusedBeforeAnythingRuns() {
        for (String words : List.of("net=socket", "net=socket,listen=0", "net=socket,connect=5555",
                "net=user,listen=5555", "net=socket,listen=1,connect=h:2")) {
            try (ConsoleMachine m = ConsoleMachine.unbooted(free(words))) {
                throw new AssertionError(words + " was taken");
            } catch (SessionException e) {
                assertTrue(e.getMessage().startsWith("nic"), words + ": " + e.getMessage());
            }
        }
    }

    /** Two real {@code sim} processes (this JVM's java and class path), their LANs joined by a socket. */
    @Test
    void aFileFetchedFromAnotherSimProcessArrivesIntact(@TempDir Path dir)
            throws Exception {
        int port = freePort();
        Files.writeString(dir.resolve("a.scn"), "boot\nifconfig eth1 10.9.0.1/24\nsleep 30s\n");
        Files.writeString(dir.resolve("b.scn"), "boot\nifconfig eth1 10.9.0.2/24\n"
                + "fetch http://10.9.0.1/ahci0:disk1p1/HELLO.TXT /vol/ahci0:disk0p2/h.txt\n"
                + "expect output contains \"200 OK, 70 bytes\"\ncat /vol/ahci0:disk0p2/h.txt\n"
                + "expect output contains \"Hello from disk 1\"\n");
        Process a = sim(dir, "a", "listen=127.0.0.1:" + port);
        try {
            // b starts once a has its address (a listens from its boot, before its ifconfig): a slow machine must
            // not make b's connection time out.
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                    a.getInputStream(), StandardCharsets.UTF_8));
            String seen = "";
            for (String line; !seen.contains("inet 10.9.0.1/24") && (line = lines.readLine()) != null; ) {
                seen += line + "\n";
            }
            assertTrue(seen.contains("inet 10.9.0.1/24"), seen + Files.readString(dir.resolve("a.err")));
            Process b = sim(dir, "b", "connect=127.0.0.1:" + port);
            String out = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(b.waitFor() == 0, out + Files.readString(dir.resolve("b.err")));
        } finally {
            a.destroy();
            a.waitFor();
        }
    }

    private static Process sim(Path dir, String name, String socket) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                org.microsim.harness.Main.class.getName(), "--free", "--demo", "--nic", "net=socket," + socket, "run",
                name + ".scn").directory(dir.toFile()).redirectErrorStream(false)
                .redirectError(dir.resolve(name + ".err").toFile()).start();
        p.getOutputStream().close();
        return p;
    }
}
