package org.microsim.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.harness.Carriers;
import org.microsim.harness.MachineOptions;

/**
 * UDP datagrams per second between two tasks on two simulated machines on the user LAN: {@code udpperf recv} on
 * machine b (10.0.2.16 by DHCP), {@code udpperf send} on the demo machine (10.0.2.15), through netd, ethd, the
 * e1000 models and the LAN of both, for 64- and 1400-byte datagrams; the wall time is taken around the send's
 * {@code spawn}, which returns once both machines are quiet (the receiver done, unless datagrams were lost). The baseline, in the
 * same run: the same count and sizes between two java.nio DatagramChannels on 127.0.0.1, the receiver blocking
 * in a thread. Rounds of the two are taken in turn (median of 3, after a warm-up round of every size and then
 * one more of each). Every sim round is checked from the receiver's line (all arrived, else its loss is reported);
 * the host's losses are reported too. Also printed: the rate in virtual time (from the sender's line), which says what the model's timing claims.
 * Arguments: [datagrams per round, default 20000] [free: the sim on the free scheduler, e.g. {@code sim bench udp
 * 20000 free}].
 */
public final class UdpBench {
    private static final int ROUNDS = 3;
    private static final int PORT = 5001;
    private static final int[] SIZES = {64, 1400};
    private static final Pattern RECEIVED = Pattern.compile("udpperf: received (\\d+)/\\d+ datagrams, \\d+ bytes, "
            + "lost (\\d+)");
    private static final Pattern SENT = Pattern.compile("udpperf: sent (\\d+)/\\d+ datagrams .* in ([0-9.]+) ms "
            + "virtual .*, (\\d+) retries");

    private UdpBench() {
    }

    /** What the rounds of one side saw, beside their times. */
    private static final class Tally {
        long lost;
        long virtualNanos;
        long retries;
        int rounds;
    }

    public static void main(String[] args) throws Exception {
        // sim's own --free before the benchmark's name is a machine option, which benchmarks do not see.
        boolean free = Arrays.asList(args).contains("free") || Arrays.asList(args).contains("--free");
        String[] numbers = Arrays.stream(args).filter(a -> !a.endsWith("free")).toArray(String[]::new);
        int count = Measure.intArg(numbers, 0, 20_000);
        if (!free) {
            Carriers.forDeterministicMachines();
        }
        MachineOptions options = new MachineOptions(List.of(), List.of(), 1, free, Optional.empty(), Optional.empty(),
                false);
        try (BenchMachine m = new BenchMachine(options)) {
            m.run("machine", "add", "b");
            m.run("on", "b", "boot");
            requireAddress(m.run("ifconfig", "eth0"), "10.0.2.15");
            requireAddress(m.run("on", "b", "ifconfig", "eth0"), "10.0.2.16");
            System.out.printf("UDP, %,d datagrams per round, main 10.0.2.15 -> b 10.0.2.16 (%s scheduler) vs two "
                    + "DatagramChannels on 127.0.0.1; median of %d rounds taken in turn%n", count,
                    free ? "free" : "deterministic", ROUNDS);
            // The JIT compiles the long chain of tasks in the first rounds: warm both sizes up before timing any.
            for (int size : SIZES) {
                simRound(m, count, size, new Tally());
                hostRound(count, size, new Tally());
            }
            for (int size : SIZES) {
                Tally sim = new Tally();
                Tally host = new Tally();
                long[][] times = Measure.interleaved(ROUNDS, () -> simRound(m, count, size, sim),
                        () -> hostRound(count, size, host));
                long simNanos = Measure.median(times[0]);
                long hostNanos = Measure.median(times[1]);
                System.out.printf("%4d bytes: sim %s  host %s  ratio sim/host %.3fx%n", size,
                        Measure.perSecond(count, simNanos), Measure.perSecond(count, hostNanos),
                        (double) hostNanos / simNanos);
                System.out.printf("            sim lost %d of %d (all rounds), %d retries when busy; host lost %d of "
                        + "%d%n", sim.lost, (long) count * sim.rounds, sim.retries, host.lost,
                        (long) count * host.rounds);
                double virtualPerRound = (double) sim.virtualNanos / sim.rounds;
                System.out.printf("            virtual time: %.3f ms per round of the sender, %s of virtual time, "
                        + "%.4f virtual s per wall s%n", virtualPerRound / 1e6,
                        virtualPerRound == 0 ? "- datagrams/s" : Measure.perSecond(count, (long) virtualPerRound),
                        virtualPerRound / simNanos);
            }
        }
    }

    private static void requireAddress(String ifconfig, String address) {
        if (!ifconfig.contains("inet " + address + "/")) {
            throw new IllegalStateException("expected " + address + " from DHCP: " + ifconfig);
        }
    }

    /** One sim round: wall nanoseconds of the send's spawn, with the receiver's result added to {@code tally}. */
    private static long simRound(BenchMachine m, int count, int size, Tally tally) {
        m.run("on", "b", "spawn", "udpperf", "recv", Integer.toString(PORT), Integer.toString(count));
        long start = System.nanoTime();
        String out = m.run("spawn", "udpperf", "send", "10.0.2.16", Integer.toString(PORT), Integer.toString(count),
                Integer.toString(size));
        long wall = System.nanoTime() - start;
        Matcher sent = SENT.matcher(out);
        if (!sent.find() || Long.parseLong(sent.group(1)) != count) {
            throw new IllegalStateException("the sender did not send them all: " + out);
        }
        tally.virtualNanos += Math.round(Double.parseDouble(sent.group(2)) * 1e6);
        tally.retries += Long.parseLong(sent.group(3));
        // The receiver's line is b's: called directly (not from the console), a command shows only its own
        // machine's lines, so a command on b picks it up.
        String later = m.run("on", "b", "sleep", "1ms");
        Matcher received = RECEIVED.matcher(later);
        if (!received.find()) {
            // Some were lost: the receiver waits for its idle timeout before it reports.
            later = m.run("on", "b", "sleep", "6s");
            received = RECEIVED.matcher(later);
            if (!received.find()) {
                throw new IllegalStateException("the receiver did not report: " + out + later);
            }
        }
        tally.lost += Long.parseLong(received.group(2));
        tally.rounds++;
        return wall;
    }

    /** One host round: from the first send to the last datagram received (or to the wait's end after a loss). */
    private static long hostRound(int count, int size, Tally tally) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramChannel rx = DatagramChannel.open(); DatagramChannel tx = DatagramChannel.open()) {
            rx.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            rx.bind(new InetSocketAddress(loopback, 0));
            tx.connect(rx.getLocalAddress());
            long[] last = new long[1];
            int[] got = new int[1];
            CountDownLatch done = new CountDownLatch(1);
            Thread receiver = Thread.ofPlatform().start(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(65_536);
                try {
                    while (got[0] < count) {
                        in.clear();
                        rx.receive(in);
                        got[0]++;
                        last[0] = System.nanoTime();
                    }
                } catch (ClosedChannelException e) {
                    // The sender gave up waiting: what did not come is lost.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                done.countDown();
            });
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                out.clear();
                if (size >= 4) {
                    out.putInt(0, i);
                }
                tx.write(out);
            }
            if (!done.await(1, TimeUnit.SECONDS)) {
                rx.close();
            }
            receiver.join();
            tally.lost += count - got[0];
            tally.rounds++;
            return (got[0] == count ? last[0] : System.nanoTime()) - start;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
