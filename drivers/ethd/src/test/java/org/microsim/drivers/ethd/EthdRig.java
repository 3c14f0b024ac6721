package org.microsim.drivers.ethd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.TaskId;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.Timeline;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineOptions;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.kernel.machine.NicConfig;
import org.microsim.testkit.task.KernelRig;

/**
 * ethd's tests on the shared {@link KernelRig}: a machine with NICs plugged into one LAN that a test station
 * shares (and, with a switch behind NIC 0, a LAN and a station of its own on each user port), whose stand-in devd
 * starts ethd0, ethd1... on the NICs the kernel enumerated (again after a crash).
 */
final class EthdRig implements AutoCloseable {
    static final Duration WAIT = KernelRig.WAIT;

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

    final KernelRig rig;
    final Kernel kernel;
    final Machine machine;
    final Station station = new Station();
    /** With a switch behind NIC 0: a LAN and a station of its own on each user port. */
    final List<Station> portStations = new ArrayList<>();

    /** A machine with one NIC per word, each as {@code --nic} says. */
    EthdRig(long seed, String... nics) {
        List<NicConfig> config = new ArrayList<>();
        try {
            for (String words : nics) {
                config.add(MachineOptions.parseNic(words));
            }
        } catch (MachineException e) {
            throw new IllegalArgumentException("a test NIC: " + e.getMessage(), e);
        }
        rig = KernelRig.builder(seed).program("ethd", Ethd::new)
                .machine(new MachineConfig(List.of(), config, ModelOptions.DEFAULT),
                        (m, clock) -> wire(m, clock, seed, config.getFirst().switchPorts()))
                .driverPerPort("ethd", p -> p.info().portClass() == PortClass.NETWORK
                        && p.info().subclass() == PortSubclass.NET_ETHERNET && p.owner().equals(TaskId.KERNEL))
                .build();
        kernel = rig.kernel();
        machine = rig.machine();
    }

    private void wire(Machine m, Timeline clock, long seed, int switchPorts) throws MachineException {
        Lan lan = new Lan("lan", Lan.Kind.HUB, clock, seed);
        for (int i = 0; i < m.nicCount(); i++) {
            m.plug(i, lan, "eth" + i);
        }
        for (int p = 0; p < switchPorts; p++) {
            Lan own = new Lan("port" + p, Lan.Kind.HUB, clock, seed);
            m.plugPort(0, p, own, "eth0/p" + p);
            Station s = new Station();
            s.port = own.plug(s, "station" + p);
            portStations.add(s);
        }
        station.port = lan.plug(station, "station");
    }

    /** Runs the clients as tasks until everything is quiet; fails with the first client failure. */
    void run(KernelRig.Body... bodies) {
        rig.run(bodies);
    }

    /** As {@link #run(KernelRig.Body...)}, quiet only when no timer is due within {@code quiet} (the link poll). */
    void run(Duration quiet, KernelRig.Body... bodies) {
        rig.run(quiet, bodies);
    }

    @Override
    public void close() {
        rig.close();
    }
}
