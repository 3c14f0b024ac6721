package org.microsim.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Anything can crash and come back, system services included. On the demo machine, a random sequence of
 * crashes and kills of every task but init, stops and starts of every service, and directories made (and now and
 * then a sync) in between, all as console commands; then every service is started once more (a stop is undone
 * only by a start) and the machine is left quiet. After that every service is ready (but the NIC's, whose
 * driver this build lacks), devd and the service manager run, every volume is mounted again, and every
 * directory whose mkdir was acknowledged is there: fatfsd answers a mkdir only once it is on the disk.
 */
class SystemRecoveryProperties {
    private static final List<String> VOLUMES = List.of("/vol/ahci0:disk0p1", "/vol/ahci0:disk0p2",
            "/vol/ahci0:disk1p1", "/vol/msc0:p1");
    private static final List<String> SERVICES = List.of("vfs", "shell", "ahci", "partd@ahci0:disk0",
            "partd@ahci0:disk1", "fatfsd@ahci0:disk0p1", "fatfsd@ahci0:disk0p2", "fatfsd@ahci0:disk1p1", "usbd",
            "partd@msc0:", "fatfsd@msc0:p1");
    /** Every task but init: the services' and the two init supervises itself. */
    private static final List<String> TASKS = concat(List.of("devd", "svcman"), SERVICES);

    sealed interface Step {
    }

    /** {@code crash} or {@code kill} a task, {@code stop} or {@code start} a service. */
    record Control(String verb, String target) implements Step {
    }

    record Make(int volume, int name) implements Step {
    }

    record Sync() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<String> task = Arbitraries.of(TASKS);
        Arbitrary<String> service = Arbitraries.of(SERVICES);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(4, task.map(t -> new Control("crash", t))),
                Tuple.of(2, task.map(t -> new Control("kill", t))),
                Tuple.of(2, service.map(s -> new Control("stop", s))),
                Tuple.of(2, service.map(s -> new Control("start", s))),
                Tuple.of(3, Arbitraries.integers().between(0, VOLUMES.size() - 1)
                        .flatMap(v -> Arbitraries.integers().between(0, 99).map(n -> new Make(v, n)))),
                Tuple.of(1, Arbitraries.just(new Sync())));
        return step.list().ofMinSize(3).ofMaxSize(12);
    }

    @Property(tries = 40)
    void everyServiceEveryMountAndEveryAcknowledgedDirectoryComeBack(@ForAll("scripts") List<Step> steps)
{
        try (Machine m = new Machine()) {
            Set<String> made = new HashSet<>();
            for (Step step : steps) {
                switch (step) {
                    case Control c -> {
                        m.tryRun(c.verb(), c.target());
                        // Between two disruptions a supervisor's intensity window passes, as in a real system
                        // where crashes do not all come at once.
                        m.run("sleep", "3s");
                    }
                    case Make d -> {
                        String dir = VOLUMES.get(d.volume()) + "/D" + d.name();
                        if (m.tryRun("mkdir", dir)) {
                            made.add(dir);
                        }
                    }
                    case Sync s -> m.tryRun("sync");
                }
            }
            for (String service : SERVICES) {
                m.tryRun("start", service);
            }
            m.run("sleep", "30s");

            String services = m.run("services");
            for (String line : services.strip().split("\n")) {
                assertTrue(line.contains(" ready ") || line.startsWith("ethd@"), line + "\n" + m.log(steps));
            }
            String ps = m.run("ps");
            for (String system : List.of("devd", "svcman", "vfs", "shell")) {
                assertTrue(ps.matches("(?s).*\\n\\S+\\s+" + system + "\\s+" + system + "\\s+blocked.*"),
                        system + " runs\n" + ps + "\n" + m.log(steps));
            }
            String mounts = m.run("mounts");
            for (String volume : VOLUMES) {
                assertTrue(mounts.contains(volume + " "), volume + " mounted\n" + mounts + "\n" + m.log(steps));
            }
            for (String dir : made) {
                assertTrue(m.tryRun("stat", dir), dir + " was made\n" + m.log(steps));
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** The demo machine, booted; every command's text is kept for the failure. */
    private static final class Machine implements AutoCloseable {
        private final SimMachine machine = SimMachine.builder().build();
        private final Console console = new Console(machine);

        String run(String... words) {
            return console.run(words);
        }

        boolean tryRun(String... words) {
            return console.tryRun(words);
        }

        String log(List<Step> steps) {
            return "steps: " + steps + "\n" + console.log();
        }

        @Override
        public void close() {
            machine.close();
        }
    }
}
