package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.devd.DriverInterest;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.TraceEvent;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.services.svcman.ServiceManagerProgram;
import org.microsim.testkit.task.KernelRig;

/**
 * devd and the service manager on the real kernel, with a machine holding one AHCI disk and stand-in drivers
 * (test code only) under the names the default rules use: the drivers are services of the service manager,
 * each depending on the driver of its parent port, restarted in order with the next generation after a crash.
 */
class DriversUnderSvcmanTest {
    private static final Duration CALL = Duration.ofSeconds(5);
    private final List<Long> fsNotices = new CopyOnWriteArrayList<>();

    /** A driver that registers one port under the port of its start handle 0, then serves nothing, forever. */
    private static Program driver(String suffix, PortClass portClass, int subclass) {
        return sys -> {
            HandleInfo parent = sys.inspect(sys.start().handle(0)).orThrow();
            String parentName = parent.portName();
            String name = parentName.startsWith("00:") ? "disk0" : parentName + suffix;
            Handle port = sys.registerPort(new PortInfo(name, portClass, subclass, parentName, 0, 0, 0, null))
                    .orThrow();
            while (true) {
                sys.receive(Sys.FOREVER, port).orThrow();
            }
        };
    }

    /** A machine with one AHCI disk, devd, the service manager, stand-in drivers and a subscriber, not started. */
    private KernelRig boot() {
        return KernelRig.builder(1)
                .machine(new MachineConfig(List.of(new DriveConfig.Image(new MemoryImage(2048))), List.of(),
                        ModelOptions.DEFAULT))
                .program("svcman", () -> new ServiceManagerProgram(Duration.ofSeconds(1)))
                .program("devd", () -> new DevdProgram(DefaultRules.rules()))
                .program("ahci", () -> driver("", PortClass.BLOCK, PortSubclass.BLOCK_RAW))
                .program("partd", () -> driver("p1", PortClass.BLOCK, PortSubclass.BLOCK_FAT32))
                .program("fatfsd", () -> driver(".fs", PortClass.FILESYSTEM, 0))
                .program("vfs", () -> sys -> {
                    Handle inbox = sys.registerPort(new DriverInterest(Set.of(PortClass.FILESYSTEM)).port("vfs"))
                            .orThrow();
                    while (true) {
                        Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
                        if (r.msgId() == MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE) {
                            fsNotices.add(DriverAvailable.decode(r.message()).portId());
                        }
                    }
                })
                .build();
    }

    private static Map<String, ServiceStatus> services(Kernel k) throws Exception {
        return svcman(k).call(new SvcRequest.ListAll(0)).items().stream()
                .collect(Collectors.toMap(ServiceStatus::name, s -> s, (a, b) -> a, TreeMap::new));
    }

    /** The console's client of the service manager. */
    private static Client svcman(Kernel k) {
        return Client.named(k.console(), "svcman", Duration.ZERO, CALL);
    }

    private static String service(Map<String, ServiceStatus> all, String driver) {
        return all.keySet().stream().filter(n -> n.startsWith(driver + "@")).findFirst().orElseThrow();
    }

    private static TaskInfo task(Kernel k, String name) {
        return k.tasks().stream().filter(t -> t.name().equals(name)).reduce((a, b) -> b).orElseThrow();
    }

    /** The programs spawned since trace event {@code from}, in order, as "program generation". */
    private static List<String> spawnsSince(Kernel k, int from) {
        List<TraceEvent> events = k.trace().events();
        return events.subList(from, events.size()).stream().filter(e -> e.kind() == TraceEvent.Kind.SPAWN)
                .map(e -> e.detail().split(" ")[0] + " " + e.task().generation()).toList();
    }

    @Test
    void driversAreServicesRestartedInDependencyOrderWithTheNextGeneration() throws Exception {
        try (KernelRig rig = boot()) {
            Kernel k = rig.kernel();
            var devdTask = k.spawn("devd", "devd", new byte[0], true).orThrow();
            k.spawn("svcman", "svcman",
                    ServiceManagerProgram.args(devdTask.index()), true).orThrow();
            k.spawn("vfs", "vfs", new byte[0], false).orThrow();
            k.settle();

            Map<String, ServiceStatus> all = services(k);
            String ahci = service(all, "ahci");
            String partd = service(all, "partd");
            String fatfsd = service(all, "fatfsd");
            assertEquals(List.of(), all.get(ahci).deps());
            assertEquals(List.of(ahci), all.get(partd).deps());
            assertEquals(List.of(partd), all.get(fatfsd).deps());
            all.values().forEach(s -> assertEquals(ServiceState.READY, s.state(), s.toString()));
            assertEquals(1, fsNotices.size(), "vfs was told of the filesystem once");

            TaskId crashed = task(k, ahci).id();
            int mark = k.trace().events().size();
            k.kill(crashed, true, "test").orThrow();
            k.advance(Duration.ofSeconds(1));
            k.settle();

            assertEquals(List.of("ahci 1", "partd 1", "fatfsd 1"), spawnsSince(k, mark),
                    "restarted in dependency order, each in the next generation of its slot");
            assertEquals(crashed.next(), task(k, ahci).id());
            Map<String, ServiceStatus> after = services(k);
            assertEquals(all.keySet(), after.keySet(), "devd bound no second driver");
            assertEquals(1, after.get(ahci).restarts());
            after.values().forEach(s -> assertEquals(ServiceState.READY, s.state(), s.toString()));
            assertEquals(2, fsNotices.size(), "vfs was told again: " + fsNotices);
            assertNotEquals(fsNotices.get(0), fsNotices.get(1), "about the filesystem port's new incarnation");
            assertTrue(k.ports().stream().anyMatch(p -> p.info().name().equals("disk0p1.fs") && p.generation() == 2));

            svcman(k).call(new SvcRequest.Stop(ahci));
            k.settle();
            services(k).values().forEach(s -> assertEquals(ServiceState.STOPPED, s.state(), s.toString()));
            for (String s : List.of(ahci, partd, fatfsd)) {
                assertTrue(!task(k, s).state().alive(), s + " still runs");
            }
        }
    }
}
