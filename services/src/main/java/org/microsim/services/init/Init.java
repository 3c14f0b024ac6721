package org.microsim.services.init;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelProtocol;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortOptions;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.RestartContract;
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
 * server: it hears of their crashes from the kernel and restarts them (same slot, next generation) a
 * bounded number of times. Everything else is the service manager's to restart.
 */
public final class Init implements Program {
    /** The program names init starts itself. */
    public static final String SERVICE_MANAGER = "svcman";
    public static final String DEVICE_MANAGER = "devd";
    /** How often init restarts svcman or devd before leaving them dead (and saying so). */
    static final int MAX_RESTARTS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /**
     * The default contract, ready once running: a service that needs another finds it by looking its port up
     * (which waits for it), the implicit ordering of the seed design, so nobody has to report READY.
     */
    private static final RestartContract CONTRACT = RestartContract.DEFAULT.withReadyOnStart(true);

    /** The argument bytes for a description. */
    public static byte[] args(SystemDescription description) {
        return description.text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void run(Sys sys) throws MalformedException {
        Handle kernel = sys.start().handle(0);
        SystemDescription description;
        try {
            description = SystemDescription.parse(new String(sys.start().args(), StandardCharsets.UTF_8));
        } catch (MalformedException e) {
            sys.log("init: bad system description: " + e.getMessage());
            description = new SystemDescription(java.util.List.of());
        }
        Handle inbox = sys.registerPort(PortInfo.of("init", PortClass.SERVICE, 0), PortOptions.PRIVATE).orThrow();
        call(sys, kernel, Message.of(KernelProtocol.SUBSCRIBE,
                new WireWriter().i32(KernelProtocol.TASK_EVENTS).toByteArray(), inbox), "subscribe");
        Map<TaskId, String> watched = new HashMap<>();
        Map<String, Integer> restarts = new HashMap<>();
        Map<String, byte[]> args = new HashMap<>();
        // devd first: the service manager is told which slots may control it (init's and devd's), and devd
        // waits for the service manager's name anyway.
        args.put(DEVICE_MANAGER, new byte[0]);
        TaskId devd = spawn(sys, kernel, DEVICE_MANAGER, null, args.get(DEVICE_MANAGER));
        if (devd != null) {
            watched.put(devd, DEVICE_MANAGER);
        }
        args.put(SERVICE_MANAGER, devd == null ? ServiceManagerProgram.args(sys.self().index())
                : ServiceManagerProgram.args(sys.self().index(), devd.index()));
        TaskId svcman = spawn(sys, kernel, SERVICE_MANAGER, null, args.get(SERVICE_MANAGER));
        if (svcman != null) {
            watched.put(svcman, SERVICE_MANAGER);
        }
        startServices(sys, description);
        while (true) {
            Received r = sys.receive(Sys.FOREVER, inbox).orThrow();
            if (r.msgId() != MsgIds.NOTIFY_TASK_CRASHED || !r.sender().equals(TaskId.KERNEL)) {
                continue;
            }
            KernelProtocol.TaskEvent event = KernelProtocol.TaskEvent.decode(r.message().data());
            String program = watched.remove(event.task());
            if (program == null) {
                continue;
            }
            int count = restarts.merge(program, 1, Integer::sum);
            if (count > MAX_RESTARTS) {
                sys.log("init: " + program + " crashed " + count + " times; leaving it down");
                continue;
            }
            sys.log("init: " + program + " crashed (" + event.cause() + "); restarting it");
            TaskId id = spawn(sys, kernel, program, event.task(), args.get(program));
            if (id != null) {
                watched.put(id, program);
            }
        }
    }

    private static void startServices(Sys sys, SystemDescription description) {
        if (description.services().isEmpty()) {
            return;
        }
        Result<Handle> svcman = sys.lookup(SERVICE_MANAGER, TIMEOUT);
        if (!svcman.isOk()) {
            sys.log("init: no service manager: " + svcman.errorOrNull());
            return;
        }
        for (SystemDescription.Service s : description.services()) {
            call(sys, svcman.orThrow(), new SvcRequest.Register(s.name(), s.program(), s.needs(), CONTRACT,
                    java.util.List.of()).encode(), "register " + s.name());
        }
        for (SystemDescription.Service s : description.services()) {
            call(sys, svcman.orThrow(), new SvcRequest.Start(s.name()).encode(), "start " + s.name());
        }
    }

    private static TaskId spawn(Sys sys, Handle kernel, String program, TaskId restartOf, byte[] args)
            throws MalformedException {
        Message request = Message.of(KernelProtocol.SPAWN,
                new KernelProtocol.Spawn(program, program, restartOf, args).encode(), kernel);
        Message reply = call(sys, kernel, request, "spawn " + program);
        return reply == null ? null : TaskId.unpack(reply.reader().i64("task id"));
    }

    /** Calls and checks the reply; logs and returns null on any failure, so one bad step does not stop boot. */
    private static Message call(Sys sys, Handle to, Message request, String what) {
        Result<Message> r = sys.call(to, request, TIMEOUT);
        if (!(r instanceof Result.Ok<Message>(Message reply))) {
            sys.log("init: " + what + " failed: " + r.errorOrNull());
            return null;
        }
        try {
            Replies.Failure failure = Replies.failure(reply);
            if (failure != null) {
                sys.log("init: " + what + " failed: " + failure.detail());
                return null;
            }
        } catch (MalformedException e) {
            sys.log("init: " + what + ": malformed reply: " + e.getMessage());
            return null;
        }
        return reply;
    }
}
