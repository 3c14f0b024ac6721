package org.microsim.harness.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.microsim.abi.Lease;
import org.microsim.abi.net.TcpRequest;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * TCP through the whole machine: the console on main streams random bytes to a {@code tcpecho} on b over a LAN
 * that loses, delays, duplicates and reorders frames, reading the echo as it goes; what comes back is what went
 * out, in order, and the connection closes cleanly. With every frame lost, the connection fails with a clear
 * error instead of hanging.
 */
class TcpStreamProperties {
    private static int addressOfB(ConsoleMachine m) {
        return Ipv4Addr.parse(LanFaultProperties.address(m.run("on", "b", "ifconfig", "eth0"))).value();
    }

    /** Once a stall: after a timeout both sides dropped each other's pure ACKs as out of window (an ACK war). */
    @net.jqwik.api.Example
    void theSeedOfAnAckWarStreamsToTheEnd() throws Exception {
        randomStreamsComeBackWholeAndInOrderOverAFaultyLan(25, 73001, 0.2, 23, 0.02, 0.07);
    }

    @Property(tries = 8)
    void randomStreamsComeBackWholeAndInOrderOverAFaultyLan(
            @ForAll @LongRange(min = 1, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 400_000) int size,
            @ForAll @DoubleRange(min = 0, max = 0.3) double loss, @ForAll @IntRange(min = 10, max = 1000) int delay,
            @ForAll @DoubleRange(min = 0, max = 0.1) double dup, @ForAll @DoubleRange(min = 0, max = 0.3) double reorder)
            throws Exception {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        try (ConsoleMachine m = LanFaultProperties.faulty(seed, loss, delay, dup, reorder, null)) {
            m.run("on", "b", "spawn", "tcpecho");
            int b = addressOfB(m);
            ConsoleClient netd = m.lab().machine(Lab.FIRST).client("netd", java.time.Duration.ofHours(2));
            int socket = netd.call(new TcpRequest.Connect(b, 7, 300_000)).socket();
            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            byte[] inbox = new byte[64 * 1024];
            int sent = 0;
            for (int round = 0; echoed.size() < size; round++) {
                assertTrue(round < 100_000, "no progress (seed " + seed + ")");
                boolean full = false;
                if (sent < size) {
                    try {
                        sent += netd.call(new TcpRequest.Send(socket, 0),
                                new Lease.Buffer(data, sent, Math.min(size - sent, 64 * 1024), true, false));
                    } catch (CommandFailedException e) {
                        assertTrue(e.getMessage().contains("not ready"), e.getMessage());
                        full = true; // the echo must be read before more fits: wait for it below
                    }
                }
                try {
                    // At a third of frames lost both ways, backed-off retransmissions may take many minutes.
                    TcpRequest.Received r = netd.call(new TcpRequest.Receive(socket,
                            sent < size && !full ? 0 : 3_600_000), Lease.writeOnly(inbox));
                    assertTrue(!r.end(), "the echo ended early (seed " + seed + ")");
                    echoed.write(inbox, 0, r.length());
                } catch (CommandFailedException e) {
                    assertTrue(e.getMessage().contains("not ready"), e.getMessage());
                }
            }
            assertArrayEquals(data, echoed.toByteArray(), "the echo of " + size + " bytes (seed " + seed + ")");
            netd.call(new TcpRequest.Shutdown(socket));
            TcpRequest.Received end = netd.call(new TcpRequest.Receive(socket, 3_600_000), Lease.writeOnly(inbox));
            assertTrue(end.end(), "tcpecho closed its side after ours");
            netd.call(new TcpRequest.Close(socket));
        }
    }

    @Property(tries = 3)
    void withEveryFrameLostAConnectionFailsClearlyAndNothingHangs(@ForAll @LongRange(min = 1, max = 1_000_000)
                                                                  long seed) throws Exception {
        try (ConsoleMachine m = LanFaultProperties.faulty(seed, 0, 10, 0, 0, null)) {
            m.run("on", "b", "spawn", "tcpecho");
            int b = addressOfB(m);
            ConsoleClient netd = m.lab().machine(Lab.FIRST).client("netd", java.time.Duration.ofMinutes(30));
            int socket = netd.call(new TcpRequest.Connect(b, 7, 10_000)).socket();
            m.run("lan", "user", "loss=1");
            byte[] some = new byte[10_000];
            netd.call(new TcpRequest.Send(socket, 1000), Lease.readOnly(some));
            String why = "";
            try {
                netd.call(new TcpRequest.Receive(socket, 1_200_000), Lease.writeOnly(new byte[100]));
            } catch (CommandFailedException e) {
                why = e.getMessage();
            }
            assertTrue(why.contains("timed out"), "an established connection gives up: " + why);
            try {
                netd.call(new TcpRequest.Connect(b, 7, 1_200_000));
                throw new AssertionError("a connection was set up through a dead LAN");
            } catch (CommandFailedException e) {
                assertTrue(e.getMessage().contains("timed out") || e.getMessage().contains("in time"), e.getMessage());
            }
            assertTrue(Arrays.stream(m.run("netstat").split("\n")).noneMatch(l -> l.contains("ESTABLISHED")),
                    m.run("netstat"));
        }
    }
}
