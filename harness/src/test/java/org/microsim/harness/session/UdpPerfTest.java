package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.microsim.harness.MachineOptions;
import org.microsim.harness.script.Outcome;

/** {@code udpperf} between two machines on the user LAN, started with {@code spawn} as a user starts it. */
class UdpPerfTest {
    private static final Pattern RECEIVED = Pattern.compile("b:udpperf#[0-9.]+: udpperf: received (\\d+)/(\\d+) "
            + "datagrams, (\\d+) bytes, lost (\\d+), duplicates (\\d+), reordered (\\d+)");

    /** The demo machine and b, with the addresses DHCP gives them. */
    private static ConsoleMachine twoMachines(long seed) throws Exception {
        ConsoleMachine m = ConsoleMachine.with(NetworkTest.seeded(seed, null));
        m.run("machine", "add", "b");
        m.run("on", "b", "boot");
        assertTrue(m.run("on", "b", "ifconfig", "eth0").contains("inet 10.0.2.16/24"));
        return m;
    }

    @Test
    void everyDatagramArrivesOnAQuietLan() throws Exception {
        try (ConsoleMachine m = twoMachines(11)) {
            m.run("on", "b", "spawn", "udpperf", "recv", "5001", "300");
            String out = m.run("spawn", "udpperf", "send", "10.0.2.16", "5001", "300", "1400");
            assertTrue(out.matches("(?s).*main:udpperf#\\d+\\.0: udpperf: sent 300/300 datagrams of 1400 bytes to "
                    + "10\\.0\\.2\\.16:5001.*"), out);
            // The receiver is done once the send's spawn returns; its line is b's, shown with b's next command
            // (the console shows every machine's lines as they come, a command called directly only its own).
            String onB = m.run("on", "b", "sleep", "1ms");
            Matcher r = RECEIVED.matcher(onB);
            assertTrue(r.find(), out + onB);
            assertTrue(r.group(1).equals("300") && r.group(3).equals("420000") && r.group(4).equals("0")
                    && r.group(5).equals("0") && r.group(6).equals("0"), out);
        }
    }

    @Test
    void aLossyLanLosesSomeAndTheReceiverSaysHowMany() throws Exception {
        try (ConsoleMachine m = twoMachines(12)) {
            m.run("lan", "user", "loss=0.2");
            m.run("on", "b", "spawn", "udpperf", "recv", "5001", "300");
            String out = m.run("spawn", "udpperf", "send", "10.0.2.16", "5001", "300", "64");
            assertTrue(out.contains("sent 300/300"), out);
            // Some never come: the receiver reports after 5 s without one, and stays alive to do so.
            String later = m.run("on", "b", "sleep", "6s");
            Matcher r = RECEIVED.matcher(later);
            assertTrue(r.find(), later);
            int received = Integer.parseInt(r.group(1));
            int lost = Integer.parseInt(r.group(4));
            assertTrue(lost > 20 && lost < 120 && received + lost == 300, later);
            assertTrue(later.contains("stopped after 5 s without a datagram"), later);
        }
    }

    @Test
    void badWordsGetAUsageErrorAndNoTask() throws Exception {
        try (ConsoleMachine m = ConsoleMachine.with(MachineOptions.defaults())) {
            for (String[] words : new String[][] {{"spawn", "udpperf"}, {"spawn", "udpperf", "send", "10.0.2", "7",
                "1", "1"}, {"spawn", "udpperf", "send", "10.0.2.16", "7", "1", "65508"}, {"spawn", "udpperf", "recv",
                "x", "10"}, {"spawn", "udpperf", "recv", "7", "0"}, {"spawn", "udpperf", "listen", "7"}}) {
                Outcome o = m.invoke(words[0], Arrays.copyOfRange(words, 1, words.length));
                assertTrue(o instanceof Outcome.Misuse, String.join(" ", words) + ": " + o.text());
            }
            assertTrue(m.invoke("spawn", "udpperf", "send", "10.0.2.16", "7", "1", "65508").text()
                    .contains("'65508' is not a datagram size in bytes from 0 to 65507"));
            assertTrue(m.invoke("spawn", "udpperf", "listen").text().contains("'send HOST PORT COUNT SIZE' or "
                    + "'recv PORT COUNT'"));
            assertTrue(!m.run("ps").contains("udpperf"), "no task was started");
        }
    }
}
