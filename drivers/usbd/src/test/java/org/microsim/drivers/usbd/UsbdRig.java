package org.microsim.drivers.usbd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;
import org.microsim.kernel.machine.ModelOptions;
import org.microsim.kernel.machine.UsbConfig;

/**
 * A kernel on a machine with the xHCI controller and the given sticks, and a task standing in for devd that
 * starts usbd on the controller's port (again after a crash): the driver against the real models, with client
 * tasks whose failures fail the test.
 */
final class UsbdRig implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A client task's code. */
    @FunctionalInterface
    interface Body {
        void run(Sys sys) throws Exception;
    }

    final Kernel kernel;
    Machine machine;
    /** The machine's clock, to plug sticks in and out at a chosen virtual time. */
    org.microsim.kernel.Timeline timeline;
    private final ProgramCatalog catalog = new ProgramCatalog();
    private final List<Throwable> failures = new ArrayList<>();
    private final ConcurrentHashMap<String, Boolean> finished = new ConcurrentHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    final AtomicInteger driverStarts = new AtomicInteger();

    /** Sticks on root ports 1, 2...; {@code hub} puts them behind a hub on port 1 instead. */
    UsbdRig(long seed, boolean hub, DiskImage... sticks) {
        catalog.add("usbd", "the USB driver", Usbd::new);
        catalog.add("devd", "starts usbd for the xHCI controller", () -> this::devd);
        List<UsbConfig.Stick> config = new ArrayList<>();
        for (DiskImage image : sticks) {
            config.add(new UsbConfig.Stick(new DriveConfig.Image(image), hub));
        }
        kernel = Kernel.builder().seed(seed).programs(catalog).hardware(clock -> {
            try {
                timeline = clock;
                machine = new Machine(new MachineConfig(List.of(), List.of(), UsbConfig.of(config),
                        ModelOptions.DEFAULT), clock);
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
        Handle controller = null;
        while (true) {
            Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
            switch (KernelNotice.decode(r.message())) {
                case KernelNotice.PortRegistered p when p.port().info().portClass() == PortClass.USB -> {
                    controller = p.handle();
                    spawn(sys, kernelPort, controller);
                }
                case KernelNotice.TaskEnded t when t.crashed() && t.name().equals("usbd") -> {
                    if (controller != null) {
                        spawn(sys, kernelPort, controller);
                    }
                }
                default -> {
                }
            }
        }
    }

    private void spawn(Sys sys, Handle kernelPort, Handle controller) throws Exception {
        Client.call(sys, kernelPort, new KernelRequest.Spawn("usbd", "usbd", null, new byte[0],
                List.of(controller)), null, WAIT);
        driverStarts.incrementAndGet();
    }

    /** Runs the clients as tasks until everything is quiet; fails with the first client failure. */
    void run(Body... bodies) {
        run(Kernel.DEFAULT_QUIET, bodies);
    }

    /** As {@link #run(Body...)}, quiet only when no timer is due within {@code quiet} (a driver's timeout). */
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
        settle(quiet);
    }

    void settle() {
        settle(Kernel.DEFAULT_QUIET);
    }

    private void settle(Duration quiet) {
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

    /** A block client of a stick's port, waiting for it to appear. */
    static BlockClient open(Sys sys, String name) throws BlockException {
        return BlockClient.open(sys, sys.lookup(name, WAIT).orThrow(), WAIT);
    }

    @Override
    public void close() {
        kernel.close();
    }
}
