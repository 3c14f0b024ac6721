package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.microsim.harness.script.Outcome;

/**
 * Two demo machines on a LAN that loses, delays, duplicates and reorders frames, each fault drawn from the run's
 * seed: DHCP still gives both an address (different ones), ARP still finds the other machine, pings get through;
 * and the same seed writes the same capture, byte for byte.
 */
class LanFaultProperties {
    private static final Pattern ADDRESS = Pattern.compile("inet (10\\.0\\.2\\.\\d+)/24");

    /** Boots main and b on a faulty user LAN, and waits (up to 30 min of virtual time) until both are bound. */
    static ConsoleMachine faulty(long seed, double loss, int delayMicros, double dup, double reorder,
                                         Path pcap) throws Exception {
        ConsoleMachine m = ConsoleMachine.unbooted(NetworkTest.seeded(seed, pcap));
        m.run("lan", "user", String.format(Locale.ROOT, "loss=%.3f", loss), "delay=" + delayMicros + "us",
                String.format(Locale.ROOT, "dup=%.3f", dup), String.format(Locale.ROOT, "reorder=%.3f", reorder));
        m.run("boot");
        m.run("machine", "add", "b");
        m.run("on", "b", "boot");
        for (int minute = 0; minute < 30 && !(bound(m.run("ifconfig", "eth0"))
                && bound(m.run("on", "b", "ifconfig", "eth0"))); minute++) {
            m.run("sleep", "60s");
        }
        return m;
    }

    private static boolean bound(String ifconfig) {
        return ifconfig.contains("dhcp (bound)");
    }

    static String address(String ifconfig) {
        Matcher a = ADDRESS.matcher(ifconfig);
        assertTrue(a.find(), ifconfig);
        return a.group(1);
    }

    @Property(tries = 8)
    void dhcpAndArpConvergeOnAFaultyLan(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
                                         @ForAll @DoubleRange(min = 0, max = 0.2) double loss,
                                         @ForAll @IntRange(min = 10, max = 2000) int delayMicros,
                                         @ForAll @DoubleRange(min = 0, max = 0.2) double dup,
                                         @ForAll @DoubleRange(min = 0, max = 0.3) double reorder) throws Exception {
        try (ConsoleMachine m = faulty(seed, loss, delayMicros, dup, reorder, null)) {
            String a = m.run("ifconfig", "eth0");
            String b = m.run("on", "b", "ifconfig", "eth0");
            assertTrue(bound(a) && bound(b), "both bound within 30 min (seed " + seed + "):\n" + a + "\n" + b);
            String addressOfB = address(b);
            assertNotEquals(address(a), addressOfB, "two machines, two addresses");
            // Spread over 10 s: ARP asks three times a second apart and then drops what waited, so pings packed
            // into 2 s could all wait on one unlucky resolution (seed 611 lost both requests it had time for).
            Outcome ping = m.invoke("ping", addressOfB, "-c", "20", "-i", "500ms");
            assertTrue(ping instanceof Outcome.Success, "some echo got through (seed " + seed + "): " + ping.text());
            assertTrue(m.run("arp").contains(addressOfB), "ARP found b");
        }
    }

    @Property(tries = 3)
    void theSameSeedWritesTheSameCapture(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
        Path dir = Files.createTempDirectory("microsim-pcap");
        try {
            byte[][] runs = new byte[2][];
            for (int run = 0; run < 2; run++) {
                Path file = dir.resolve(run + ".pcapng");
                try (ConsoleMachine m = faulty(seed, 0.1, 200, 0.1, 0.2, file)) {
                    m.invoke("ping", address(m.run("on", "b", "ifconfig", "eth0")), "-c", "5", "-i", "10ms");
                }
                runs[run] = Files.readAllBytes(file);
            }
            assertTrue(runs[0].length > 1000, "something was captured");
            assertArrayEquals(runs[0], runs[1], "seed " + seed + " wrote two different captures");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
