package org.microsim.drivers.ahci;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.CallException;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Received;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.block.BlockClient;
import org.microsim.abi.block.BlockException;
import org.microsim.kernel.Kernel;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.kernel.TaskInfo;
import org.microsim.kernel.machine.DiskImage;
import org.microsim.kernel.machine.DriveConfig;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineConfig;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineHardware;
import org.microsim.kernel.machine.MemoryImage;
import org.microsim.kernel.machine.ModelOptions;

/**
 * A kernel booted with a machine holding the given disks, a devd-like privileged task that hands the AHCI
 * controller's device port to the driver it spawns (and spawns it again when it crashes), and a way to run
 * client tasks to completion and surface what they threw.
 */
final class Rig implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String DISK0 = "ahci0:disk0";
    static final String DISK1 = "ahci0:disk1";

    /** The code of a client task; anything it throws fails the test. */
    @FunctionalInterface
    interface Body {
        void run(Sys sys) throws Exception;
    }

    final Kernel kernel;
    /** The simulated machine, for looking at device registers between steps. */
    Machine machine;
    private final ProgramCatalog catalog = new ProgramCatalog();
    private final AtomicInteger clients = new AtomicInteger();
    private final List<Throwable> failures = new ArrayList<>();
    private final ConcurrentHashMap<String, Boolean> finished = new ConcurrentHashMap<>();
    private final java.util.Set<String> killed = ConcurrentHashMap.newKeySet();
    /** How many times devd started the driver. */
    final AtomicInteger driverStarts = new AtomicInteger();

    Rig(long seed, byte[] driverArgs, DiskImage... disks) {
        this(seed, driverArgs, ModelOptions.DEFAULT, disks);
    }

    /** A machine whose device models run with {@code options} (a slow disk, say). */
    Rig(long seed, byte[] driverArgs, ModelOptions options, DiskImage... disks) {
        catalog.add("ahci", "the AHCI driver", Ahci::new);
        catalog.add("devd", "starts the AHCI driver for the controller", () -> sys -> devd(sys, driverArgs));
        List<DriveConfig> drives = new ArrayList<>();
        for (DiskImage d : disks) {
            drives.add(new DriveConfig.Image(d));
        }
        kernel = Kernel.builder().seed(seed).programs(catalog).hardware(timeline -> {
            try {
                machine = new Machine(new MachineConfig(drives, List.of(), options), timeline);
                return new MachineHardware(machine);
            } catch (MachineException e) {
                throw new AssertionError(e);
            }
        }).build();
        kernel.spawn("devd", "devd", new byte[0], true).orThrow();
        kernel.settle();
    }

    Rig(DiskImage... disks) {
        this(1, new byte[0], disks);
    }

    private void devd(Sys sys, byte[] driverArgs) throws Exception {
        Handle kernelPort = sys.start().handle(0);
        Handle inbox = sys.registerPort(PortInfo.of("test-devd", PortClass.SERVICE, PortSubclass.SERVICE_GENERIC),
                PortOptions.PRIVATE).orThrow();
        Client.call(sys, kernelPort, new KernelRequest.Subscribe(KernelRequest.PORT_EVENTS
                | KernelRequest.TASK_EVENTS, inbox), null, WAIT);
        Handle controller = null;
        while (true) {
            Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
            switch (KernelNotice.decode(r.message())) {
                case KernelNotice.PortRegistered p when p.port().info().portClass() == PortClass.STORAGE_CONTROLLER
                        && p.port().info().subclass() == PortSubclass.STORAGE_AHCI -> {
                    controller = p.handle();
                    spawnDriver(sys, kernelPort, controller, driverArgs);
                }
                case KernelNotice.TaskEnded t when t.crashed() && t.name().equals("ahci") -> {
                    if (controller != null) {
                        spawnDriver(sys, kernelPort, controller, driverArgs);
                    }
                }
                default -> {
                }
            }
        }
    }

    private void spawnDriver(Sys sys, Handle kernelPort, Handle controller, byte[] args) throws CallException {
        Client.call(sys, kernelPort, new KernelRequest.Spawn("ahci", "ahci", null, args, List.of(controller)), null,
                WAIT);
        driverStarts.incrementAndGet();
    }

    /** Starts the clients as tasks, runs until everything is quiet, and fails if one threw or did not finish. */
    void run(Body... bodies) {
        start(bodies);
        settle();
    }

    /** Starts the clients without running them. */
    List<String> start(Body... bodies) {
        List<String> names = new ArrayList<>();
        for (Body body : bodies) {
            String name = "client" + clients.incrementAndGet();
            names.add(name);
            catalog.add(name, "test client", () -> sys -> {
                try {
                    body.run(sys);
                    finished.put(name, true);
                } catch (Throwable t) {
                    if (!killed.contains(name)) {
                        synchronized (failures) {
                            failures.add(t);
                        }
                    }
                    throw t;
                }
            });
            kernel.spawn(name, name, new byte[0], false).orThrow();
        }
        return names;
    }

    /** Runs until quiet, then fails with the first client failure, or when a started client has not finished. */
    void settle() {
        settle(Kernel.DEFAULT_QUIET);
    }

    /** As {@link #settle()}, counting the system quiet only when no timer is due within {@code quiet}. */
    void settle(Duration quiet) {
        kernel.settle(quiet, Duration.ofMinutes(10));
        synchronized (failures) {
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("a client failed: " + failures.get(0), failures.get(0));
                failures.clear();
                throw e;
            }
        }
        for (int i = 1; i <= clients.get(); i++) {
            if (!finished.containsKey("client" + i) && !killed.contains("client" + i)) {
                throw new AssertionError("client" + i + " did not finish: " + kernel.tasks());
            }
        }
    }

    /** Kills a client task (cleanly) and stops expecting it to finish. */
    void killClient(String name) {
        TaskId id = kernel.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().id();
        killed.add(name);
        kernel.kill(id, false, "test").orThrow();
    }

    /** The driver's current task. */
    TaskId driver() {
        return kernel.tasks().stream().filter(t -> t.name().equals("ahci") && t.state().alive())
                .map(TaskInfo::id).findFirst().orElseThrow(() -> new AssertionError("no live driver"));
    }

    /** Opens a block client on a port by name, waiting for it to appear. */
    static BlockClient open(Sys sys, String name) throws BlockException {
        return BlockClient.open(sys, sys.lookup(name, WAIT).orThrow(), WAIT);
    }

    /** A disk whose every 8-byte word holds {@code lba << 16 | word index}: any misplaced byte shows. */
    static MemoryImage patterned(long sectors, boolean readOnly) {
        MemoryImage image = new MemoryImage(sectors, readOnly);
        for (long lba = 0; lba < sectors; lba += 64) {
            int n = (int) Math.min(64, sectors - lba);
            image.fill(lba * 512, pattern(lba, n), 0, n * 512);
        }
        return image;
    }

    /** What {@link #patterned} put in {@code count} sectors from {@code lba}. */
    static byte[] pattern(long lba, int count) {
        byte[] out = new byte[count * 512];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < count; s++) {
            for (int w = 0; w < 64; w++) {
                b.putLong((lba + s) << 16 | w);
            }
        }
        return out;
    }

    @Override
    public void close() {
        kernel.close();
    }
}
