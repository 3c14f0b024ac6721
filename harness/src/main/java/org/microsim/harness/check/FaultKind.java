package org.microsim.harness.check;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The faults a campaign can inject, as one table: each kind has a name (what {@code --swarm} turns on or off)
 * and makes the scenario lines of one fault from the seed's random source. The lines are the console's own
 * commands, so a failing run is a scenario anyone can read and replay; a new fault command is one entry here.
 *
 * <p>Only faults the system promises to survive are drawn: a crash or restart of a service, spaced out of the
 * service manager's restart window by the generator's sleeps; a stick pulled out (the workload does not write
 * to it); a cable pulled and plugged back; a lossy LAN.
 *
 * @param name the kind's name
 * @param lines the lines of one fault of this kind
 */
record FaultKind(String name, Function<Random, List<String>> lines) {
    /** Services whose crash the system recovers from (their dependents restart behind them). */
    private static final List<String> SERVICES = List.of("ahci", "partd@ahci0:disk0", "partd@ahci0:disk1",
            "fatfsd@ahci0:disk0p2", "fatfsd@ahci0:disk1p1", "vfs", "devd", "svcman", "netd");

    static final List<FaultKind> ALL = List.of(
            new FaultKind("crash", r -> List.of("crash " + pick(r, SERVICES))),
            new FaultKind("restart", r -> List.of("restart " + pick(r, SERVICES.subList(0, 6)))),
            new FaultKind("usb", r -> List.of("usb detach msc0:")),
            new FaultKind("link", r -> List.of("link down eth0", "sleep " + (1 + r.nextInt(500)) + "ms",
                    "link up eth0")),
            new FaultKind("lan", r -> List.of("lan user loss=0." + (1 + r.nextInt(5)) + " delay="
                    + (1 + r.nextInt(20)) + "ms")));

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
