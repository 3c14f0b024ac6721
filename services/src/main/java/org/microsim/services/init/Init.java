package org.microsim.services.init;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.CallException;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Notice;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.SvcException;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.services.svcman.ServiceManagerProgram;

/**
 * The first task. The harness starts it with the kernel port as start handle 0 and a
 * {@link SystemDescription} as its arguments; it brings the system up in the order the seed designs give:
 *
 * <pre>
 *   init ──spawn──▶ devd   (privileged)      matches ports to drivers, has svcman start them
 *        ──spawn──▶ svcman (privileged)      the supervisor of everything else; init and devd may control it
 *        ──REGISTER/START──▶ svcman: vfs, shell, ... from the description, in dependency order
 * </pre>
 *
 * Then it stays as the supervisor of the two tasks it spawned, as MINIX's init watches the reincarnation
 * server: it hears of their ends from the kernel (a handler of notices only, on the one server runtime, over
 * a private port that takes no requests) and restarts them (same slot, next generation), whether they crashed
 * or were killed: nothing may stop them for good. As a supervisor's intensity, at most {@value #MAX_RESTARTS}
 * restarts of one within {@link #RESTART_WINDOW} of virtual time; past that it is left down, and init says so. Everything else is the service manager's to restart. One failed step of the boot is logged and the
 * rest goes on.
 *
 * <p>The service table survives its manager by re-registration, not by a store: after restarting the service
 * manager, init registers and starts the system services again, as at boot, and devd does the same for the
 * drivers when it sees the manager's port come back. The truth about what should run lives with them (the
 * system description, the bound devices), and the truth about what runs lives in the kernel's task table,
 * where the new manager finds the tasks that outlived the old one and takes them on (FIND_TASK). A state store
 * as MINIX's DS would hold a copy of both, and would itself need to survive its own crash.
 */
public final class Init implements Program, Handler<Void> {
    /** The program names init starts itself. */
    public static final String SERVICE_MANAGER = "svcman";
    public static final String DEVICE_MANAGER = "devd";
    /** How often init restarts svcman or devd within {@link #RESTART_WINDOW} before leaving it down. */
    static final int MAX_RESTARTS = 5;
    static final Duration RESTART_WINDOW = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /**
     * The default contract, ready once running: a service that needs another finds it by looking its port up
     * (which waits for it), the implicit ordering of the seed design, so nobody has to report READY.
     */
    private static final RestartContract CONTRACT = RestartContract.DEFAULT.withReadyOnStart(true);

    private Sys sys;
    private Client kernel;
    private final Map<TaskId, String> watched = new HashMap<>();
    /** Virtual times of each program's restarts still inside the window. */
    private final Map<String, Deque<Long>> restarts = new HashMap<>();
    private final Map<String, byte[]> args = new HashMap<>();
    private SystemDescription description;

    /** The argument bytes for a description. */
    public static byte[] args(SystemDescription description) {
        return description.text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void run(Sys system) {
        sys = system;
        Handle kernelPort = sys.start().handle(0);
        kernel = Client.of(sys, kernelPort, TIMEOUT);
        try {
            description = SystemDescription.parse(new String(sys.start().args(), StandardCharsets.UTF_8));
        } catch (MalformedException e) {
            sys.log("init: bad system description: " + e.getMessage());
            description = new SystemDescription(List.of());
        }
        Handle inbox = sys.registerPort(PortInfo.of("init", PortClass.SERVICE, 0), PortOptions.PRIVATE).orThrow();
        try {
            kernel.call(new KernelRequest.Subscribe(KernelRequest.TASK_EVENTS, inbox));
        } catch (CallException e) {
            sys.log("init: subscribe failed: " + e.getMessage());
        }
        // devd first: the service manager is told which slots may control it (init's and devd's), and devd
        // waits for the service manager's name anyway.
        args.put(DEVICE_MANAGER, new byte[0]);
        TaskId devd = spawn(DEVICE_MANAGER, null);
        args.put(SERVICE_MANAGER, devd == null ? ServiceManagerProgram.args(sys.self().index())
                : ServiceManagerProgram.args(sys.self().index(), devd.index()));
        spawn(SERVICE_MANAGER, null);
        startServices();
        Server.serve(sys, this, inbox);
    }

    @Override
    public Protocol<Void, ?> protocol() {
        return Protocol.NONE;
    }

    @Override
    public Message handle(Void request, Received call) {
        throw new IllegalStateException("init's inbox takes no requests");
    }

    /** The end of devd or svcman, crashed or killed: restarted, within the intensity. */
    @Override
    public boolean notice(Notice notice) {
        if (!(notice instanceof Notice.Kernel(KernelNotice.TaskEnded ended))) {
            return false;
        }
        String program = watched.remove(ended.task());
        if (program == null) {
            return false;
        }
        long now = sys.now();
        Deque<Long> recent = restarts.computeIfAbsent(program, p -> new ArrayDeque<>());
        while (!recent.isEmpty() && now - recent.peekFirst() >= RESTART_WINDOW.toNanos()) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_RESTARTS) {
            sys.log("init: " + program + " ended " + (MAX_RESTARTS + 1) + " times within "
                    + RESTART_WINDOW.toSeconds() + " s; leaving it down");
            return true;
        }
        recent.addLast(now);
        sys.log("init: " + program + " ended (" + ended.cause() + "); restarting it");
        if (spawn(program, ended.task()) != null && program.equals(SERVICE_MANAGER)) {
            // The new service manager knows no service: init registers its own again (devd does the drivers'),
            // and the service manager takes on the tasks that outlived its predecessor.
            startServices();
        }
        return true;
    }

    private void startServices() {
        if (description.services().isEmpty()) {
            return;
        }
        Client svcman = Client.named(sys, SERVICE_MANAGER, TIMEOUT, TIMEOUT);
        for (SystemDescription.Service s : description.services()) {
            svcman(svcman, new SvcRequest.Register(s.name(), s.program(), s.needs(), CONTRACT, List.of()),
                    "register " + s.name());
        }
        for (SystemDescription.Service s : description.services()) {
            svcman(svcman, new SvcRequest.Start(s.name()), "start " + s.name());
        }
    }

    private void svcman(Client svcman, SvcRequest<?> request, String what) {
        try {
            svcman.call(request);
        } catch (SvcException e) {
            sys.log("init: " + what + " failed: " + e.getMessage());
        }
    }

    /** Spawns a program init watches; null (logged) when the kernel refused. */
    private TaskId spawn(String program, TaskId restartOf) {
        try {
            TaskId id = kernel.call(new KernelRequest.Spawn(program, program, restartOf, args.get(program),
                    List.of(sys.start().handle(0))));
            watched.put(id, program);
            return id;
        } catch (CallException e) {
            sys.log("init: spawn " + program + " failed: " + e.getMessage());
            return null;
        }
    }
}
