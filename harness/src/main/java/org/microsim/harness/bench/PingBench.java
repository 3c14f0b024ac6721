package org.microsim.harness.bench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.abi.net.NetRequest;
import org.microsim.harness.Carriers;
import org.microsim.harness.MachineOptions;

/**
 * ICMP echo round trips between two simulated machines on the user LAN: {@code ping 10.0.2.16 -c 64 -i 1ms} on the
 * demo machine (10.0.2.15 by DHCP) to machine b, through netd, ethd and the e1000 models of both kernels in
 * lockstep. Printed: the round trip in virtual time (min/avg/max from ping's own statistics) and the wall time per
 * ping (the command's time divided by its count). The baseline, in the same run: the same pings to the gateway
 * 10.0.2.2, which the LAN's built-in station answers without a second kernel, so the ratio is what the second
 * machine costs. Commands of both are taken in turn, median of the rounds after one warm-up of each.
 *
 * <p>Why 1 ms and not {@code -i 0}: netd sends the echo requests of an interval of 0 all at once, and the driver
 * takes only the first few (the rest are lost), so {@code -i 0} is a flood, not pings one after the other. A round
 * trip takes well under 1 ms of virtual time, so each ping is answered before the next goes, and the virtual
 * millisecond between them costs no wall time: the deterministic scheduler jumps the clock when all wait.
 * Arguments: [pings, default 1280, in commands of {@value NetRequest#MAX_PINGS} (ping's most)].
 */
public final class PingBench {
    private static final String INTERVAL = "1ms";
    private static final Pattern STATS = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max = ([0-9.]+)/([0-9.]+)/([0-9.]+) ms");

    private PingBench() {
    }

    /** What one target's pings saw: the extremes and sum of the virtual round trips, and the losses. */
    private static final class Rtt {
        double min = Double.MAX_VALUE;
        double max;
        double sum;
        long answered;
        long lost;

        void add(String out, int count) {
            Matcher stats = STATS.matcher(out);
            Matcher rtt = RTT.matcher(out);
            if (!stats.find() || !rtt.find()) {
                throw new IllegalStateException("no ping statistics in: " + out);
            }
            long received = Long.parseLong(stats.group(2));
            min = Math.min(min, Double.parseDouble(rtt.group(1)));
            max = Math.max(max, Double.parseDouble(rtt.group(3)));
            sum += Double.parseDouble(rtt.group(2)) * received;
            answered += received;
            lost += count - received;
        }

        String line() {
            return String.format("virtual rtt min/avg/max %.3f/%.3f/%.3f ms, lost %d of %d", min, sum / answered,
                    max, lost, answered + lost);
        }
    }

    public static void main(String[] args) throws Exception {
        Carriers.forDeterministicMachines();
        int per = NetRequest.MAX_PINGS;
        int rounds = Math.max(1, Measure.intArg(args, 0, 1280) / per);
        MachineOptions options = new MachineOptions(List.of(), List.of(), 1, false, Optional.empty(),
                Optional.empty(), false);
        try (BenchMachine m = new BenchMachine(options)) {
            m.run("machine", "add", "b");
            m.run("on", "b", "boot");
            if (!m.run("on", "b", "ifconfig", "eth0").contains("inet 10.0.2.16/")) {
                throw new IllegalStateException("b did not get 10.0.2.16 from DHCP");
            }
            Rtt machine = new Rtt();
            Rtt gateway = new Rtt();
            long[][] times = Measure.interleaved(rounds, () -> ping(m, "10.0.2.16", per, machine),
                    () -> ping(m, "10.0.2.2", per, gateway));
            double perMachine = (double) Measure.median(times[0]) / per;
            double perGateway = (double) Measure.median(times[1]) / per;
            System.out.printf("ping -c %d -i %s, %d commands each, taken in turn (deterministic scheduler); wall time "
                    + "per ping is the median command's time / %d%n", per, INTERVAL, rounds, per);
            System.out.printf("main -> b 10.0.2.16 (second kernel)        %8.1f us wall per ping; %s%n",
                    perMachine / 1e3, machine.line());
            System.out.printf("main -> gateway 10.0.2.2 (LAN station)     %8.1f us wall per ping; %s (baseline)%n",
                    perGateway / 1e3, gateway.line());
            System.out.printf("ratio b / gateway, wall per ping: %.2fx%n", perMachine / perGateway);
        }
    }

    private static long ping(BenchMachine m, String to, int count, Rtt rtt) {
        long start = System.nanoTime();
        String out = m.run("ping", to, "-c", Integer.toString(count), "-i", INTERVAL);
        long wall = System.nanoTime() - start;
        rtt.add(out, count);
        return wall;
    }
}
