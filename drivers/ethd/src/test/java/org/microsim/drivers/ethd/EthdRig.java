package org.microsim.drivers.ethd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Received;
import org.microsim.abi.Sys;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;
import org.microsim.kernel.machine.MachineOptions;
import org.microsim.kernel.machine.ModelOptions;

/**
 * A kernel on a machine with NICs plugged into one LAN that a test station shares, and a task standing in for
 * devd that starts ethd on every NIC (again after a crash): the driver against the real model, with client tasks
 * whose failures fail the test.
 */
final class EthdRig implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A client task's code. */
    @FunctionalInterface
    interface Body {
        void run(Sys sys) throws Exception;
    }

    /** The far end: what reaches it, and a way to put frames on the wire. */
    static final class Station implements EthernetLink.Station {
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        Lan.Port port;

        @Override
        public void receive(byte[] frame) {
            received.add(frame);
        }

        @Override
        public void linkChanged(boolean up) {
        }
    }

    final Kernel kernel;
    Machine machine;
    Lan lan;
    final Station station = new Station();
    /** With a switch behind NIC 0: a LAN and a station of its own on each user port. */
    final List<Station> portStations = new ArrayList<>();
    private final ProgramCatalog catalog = new ProgramCatalog();
    private final List<Throwable> failures = new ArrayList<>();
    private final ConcurrentHashMap<String, Boolean> finished = new ConcurrentHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    final AtomicInteger driverStarts = new AtomicInteger();

    /** A machine with one NIC per word, each as {@code --nic} says. */
    EthdRig(long seed, String... nics) {
        catalog.add("ethd", "the Ethernet driver", Ethd::new);
        catalog.add("devd", "starts ethd for every NIC", () -> this::devd);
        kernel = Kernel.builder().seed(seed).programs(catalog).hardware(clock -> {
            try {
                List<org.microsim.kernel.machine.NicConfig> config = new ArrayList<>();
                for (String words : nics) {
                    config.add(MachineOptions.parseNic(words));
                }
                machine = new Machine(new MachineConfig(List.of(), config, ModelOptions.DEFAULT), clock);
                lan = new Lan("lan", Lan.Kind.HUB, clock, seed);
                for (int i = 0; i < config.size(); i++) {
                    machine.plug(i, lan, "eth" + i);
                }
                for (int p = 0; p < config.getFirst().switchPorts(); p++) {
                    Lan own = new Lan("port" + p, Lan.Kind.HUB, clock, seed);
                    machine.plugPort(0, p, own, "eth0/p" + p);
                    Station s = new Station();
                    s.port = own.plug(s, "station" + p);
                    portStations.add(s);
                }
                station.port = lan.plug(station, "station");
                return new MachineHardware(machine);
            } catch (MachineException e) {
                throw new AssertionError(e);
            }
        }).build();
        kernel.spawn("devd", "devd", new byte[0], true).orThrow();
        kernel.settle();
    }

    private void devd(Sys sys) throws Exception {
        Handle kernelPort = sys.start().handle(0);
        Handle inbox = sys.registerPort(PortInfo.of("test-devd", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC),
                PortOptions.PRIVATE).orThrow();
        Client.call(sys, kernelPort, new KernelRequest.Subscribe(KernelRequest.PORT_EVENTS
                | KernelRequest.TASK_EVENTS, inbox), null, WAIT);
        List<Handle> nics = new ArrayList<>();
        while (true) {
            Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
            switch (KernelNotice.decode(r.message())) {
                case KernelNotice.PortRegistered p when p.port().info().portClass() == PortClass.NETWORK
                        && p.port().info().subclass() == PortSubclass.NET_ETHERNET && p.port().owner().equals(org.microsim.abi.TaskId.KERNEL) -> {
                    nics.add(p.handle());
                    spawn(sys, kernelPort, p.handle(), nics.size() - 1);
                }
                case KernelNotice.TaskEnded t when t.crashed() && t.name().startsWith("ethd") -> {
                    int i = Integer.parseInt(t.name().substring(4));
                    spawn(sys, kernelPort, nics.get(i), i);
                }
                default -> {
                }
            }
        }
    }

    private void spawn(Sys sys, Handle kernelPort, Handle nic, int i) throws Exception {
        Client.call(sys, kernelPort, new KernelRequest.Spawn("ethd", "ethd" + i, null, new byte[0], List.of(nic)),
                null, WAIT);
        driverStarts.incrementAndGet();
    }

    /** Runs the clients as tasks until everything is quiet; fails with the first client failure. */
    void run(Body... bodies) {
        run(Kernel.DEFAULT_QUIET, bodies);
    }

    /** As {@link #run(Body...)}, quiet only when no timer is due within {@code quiet} (the driver's link poll). */
    void run(Duration quiet, Body... bodies) {
        for (Body body : bodies) {
            String name = "client" + clients.incrementAndGet();
            catalog.add(name, "test client", () -> sys -> {
                try {
                    body.run(sys);
                    finished.put(name, true);
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                    throw t;
                }
            });
            kernel.spawn(name, name, new byte[0], false).orThrow();
        }
        kernel.settle(quiet, Duration.ofMinutes(10));
        synchronized (failures) {
            if (!failures.isEmpty()) {
                Throwable first = failures.getFirst();
                failures.clear();
                throw new AssertionError("a client failed: " + first, first);
            }
        }
        for (int i = 1; i <= clients.get(); i++) {
            if (!finished.containsKey("client" + i)) {
                throw new AssertionError("client" + i + " did not finish: " + kernel.tasks());
            }
        }
    }

    @Override
    public void close() {
        kernel.close();
    }
}
