package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microsim.harness.script.Outcome;

/**
 * The console's {@code fetch URL HOSTPATH}: machine b's fetch task GETs a file from machine a's httpd and serves
 * the body, which the console copies to the host; a destination under {@code /vol/} stays a simulated file.
 */
class FetchCommandTest {
    @TempDir
    Path dir;

    @Test
    void aBodyOfManyPiecesArrivesOnTheHostByteForByteAndNoSimulatedDiskIsWritten() throws Exception {
        byte[] data = new byte[1_500_000];
        new SplittableRandom(5).nextBytes(data);
        Path source = dir.resolve("source.bin");
        Files.write(source, data);
        try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(3, null))) {
            m.run("put", source.toString(), "/vol/ahci0:disk0p2/big.bin");
            String before = m.run("on", "b", "ls", "/vol/ahci0:disk0p2");
            Path got = dir.resolve("got.bin");
            String out = m.run("on", "b", "fetch", "http://10.0.2.15/ahci0:disk0p2/big.bin", got.toString());
            assertTrue(out.contains("(1500000 bytes) into " + got), out);
            assertArrayEquals(data, Files.readAllBytes(got));
            assertEquals(before, m.run("on", "b", "ls", "/vol/ahci0:disk0p2"), "b's disk is as it was");
            assertTrue(m.run("on", "b", "ps").lines().filter(l -> l.contains(" fetch "))
                    .allMatch(l -> l.contains("exited")), "the fetch task ended once the body was read");
        }
    }

    @Test
    void aDestinationUnderVolIsASimulatedFile() throws Exception {
        try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(4, null))) {
            m.run("on", "b", "fetch", "http://10.0.2.15/ahci0:disk1p1/HELLO.TXT", "/vol/ahci0:disk0p2/hello.txt");
            assertTrue(m.run("on", "b", "cat", "/vol/ahci0:disk0p2/hello.txt").contains("Hello from disk 1"));
        }
    }

    @Test
    void whatCannotBeFetchedOrWrittenIsAClearErrorAndLeavesNoFile() throws Exception {
        try (ConsoleMachine m = NetworkTest.twoMachines(NetworkTest.seeded(6, null))) {
            Path nope = dir.resolve("nope.txt");
            Outcome missing = m.invoke("on", "b", "fetch", "http://10.0.2.15/ahci0:disk1p1/NOPE.TXT", nope.toString());
            assertInstanceOf(Outcome.Failure.class, missing, missing.text());
            assertTrue(missing.text().contains("404 Not Found") && missing.text().contains("nothing written to "
                    + nope), missing.text());
            assertFalse(Files.exists(nope), "a 404 writes no host file");
            Outcome directory = m.invoke("on", "b", "fetch", "http://10.0.2.15/", dir.toString());
            assertEquals("fetch: host file " + dir + " is a directory", directory.text());
            Path nowhere = dir.resolve("no/such/place.txt");
            Outcome parent = m.invoke("on", "b", "fetch", "http://10.0.2.15/", nowhere.toString());
            assertTrue(parent.text().startsWith("fetch: cannot write host file " + nowhere + ": no such directory"),
                    parent.text());
            Outcome url = m.invoke("on", "b", "fetch", "ftp://10.0.2.15/x", dir.resolve("x").toString());
            assertTrue(url.text().contains("'ftp://10.0.2.15/x' is not an http:// URL"), url.text());
        }
    }
}
