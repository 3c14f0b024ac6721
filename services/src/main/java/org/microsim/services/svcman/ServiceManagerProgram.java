package org.microsim.services.svcman;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Notice;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcException;
import org.microsim.abi.svc.SvcRequest;

/**
 * The service manager task: {@link Supervisor} on the one server runtime. It is started with a handle to the
 * kernel port as start handle 0, registers the public port {@value #PORT_NAME}, subscribes to task and port
 * events and becomes the name resolver. Then requests go to {@link RequestHandler}, kernel notices become
 * supervisor events, and the supervisor's timers are the runtime's wake-up time; {@link SupervisedTasks}
 * turns the supervisor's actions into kernel requests. A request is answered before its actions are carried
 * out, so a controller never waits for the tasks it caused to start.
 *
 * <p>Notifications are believed only from the kernel (the runtime's {@link Notice.Kernel}): the sender is
 * stamped by the kernel, so no task can fake a crash or a name lookup. Handles that arrive are closed, except
 * those of a REGISTER that succeeded: they are the new service's start handles, kept until it is unregistered.
 */
public final class ServiceManagerProgram implements Program, Handler<SvcRequest<?>> {
    /** The public port's name. */
    public static final String PORT_NAME = "svcman";
    private static final Duration KERNEL_TIMEOUT = Duration.ofSeconds(5);

    private final long lookupTimeout;
    private Sys sys;
    private Supervisor supervisor;
    private SupervisedTasks tasks;
    private RequestHandler requests;
    private Set<Integer> controllers;
    /** What {@link #published()} gives: replaced, never changed, after each message, so any thread may read it. */
    private volatile List<ServiceStatus> published = List.of();

    /**
     * The start arguments naming who may control the service manager: the task slots (u32 each) of init and
     * devd. Slots survive restarts (a restarted task keeps its slot), so the grant does too; the console
     * may always. Everyone else may only ask (STATUS, LIST) and report READY, so no task can make the
     * manager start programs of its choosing.
     */
    public static byte[] args(int... controllerSlots) {
        WireWriter w = new WireWriter();
        for (int slot : controllerSlots) {
            w.i32(slot);
        }
        return w.toByteArray();
    }

    private static Set<Integer> controllers(byte[] args) throws MalformedException {
        if (args.length % 4 != 0) {
            throw new MalformedException("service manager arguments are u32 task slots; got " + args.length + " bytes");
        }
        WireReader r = new WireReader(args);
        Set<Integer> slots = new HashSet<>();
        while (r.remaining() > 0) {
            slots.add(r.i32("controller slot"));
        }
        return slots;
    }

    private static boolean isControl(SvcRequest<?> request) {
        return switch (request) {
            case SvcRequest.Register r -> true;
            case SvcRequest.Depend d -> true;
            case SvcRequest.Start s -> true;
            case SvcRequest.Stop s -> true;
            case SvcRequest.Restart r -> true;
            case SvcRequest.Unregister u -> true;
            case SvcRequest.Status s -> false;
            case SvcRequest.ListAll l -> false;
            case SvcRequest.Ready r -> false;
        };
    }

    private boolean mayControl(TaskId sender) {
        return sender.equals(TaskId.CONSOLE) || (sender.index() > 0 && controllers.contains(sender.index()));
    }

    /** A service manager whose reserved-name openers wait at most {@code lookupTimeout} for the owner. */
    public ServiceManagerProgram(Duration lookupTimeout) {
        this.lookupTimeout = lookupTimeout.toNanos();
    }

    @Override
    public void run(Sys system) throws Exception {
        sys = system;
        Handle kernelPort = sys.start().handle(0);
        if (kernelPort == null) {
            throw new IllegalStateException("the service manager needs the kernel port as start handle 0");
        }
        Client kernel = Client.of(sys, kernelPort, KERNEL_TIMEOUT);
        supervisor = new Supervisor(sys::now, lookupTimeout);
        tasks = new SupervisedTasks(sys, kernel, supervisor);
        requests = new RequestHandler(supervisor);
        controllers = controllers(sys.start().args());
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        kernel.call(new KernelRequest.Subscribe(KernelRequest.TASK_EVENTS | KernelRequest.PORT_EVENTS, port));
        kernel.call(new KernelRequest.SetResolver(port));
        Server.serve(sys, this, port);
    }

    @Override
    public Protocol<SvcRequest<?>, ?> protocol() {
        return SvcRequest.PROTOCOL;
    }

    @Override
    public Message handle(SvcRequest<?> request, Received call) throws SvcException {
        RequestHandler.Outcome o;
        try {
            if (isControl(request) && !mayControl(call.sender())) {
                throw new SvcException(SvcErrorCode.DENIED, "task " + call.sender()
                        + " may not register, start or stop services: only init, devd and the console may");
            }
            o = requests.handle(request, tasks.serviceOf(call.sender()));
        } catch (SvcException e) {
            if (request instanceof SvcRequest.Register r) {
                r.handles().forEach(sys::close);
            }
            throw e;
        }
        sys.reply(call.replyRight(), o.reply());
        tasks.perform(o.actions());
        if (request instanceof SvcRequest.Register r) {
            tasks.perform(tasks.adopt(r.name(), r.program()));
        }
        published = supervisor.statuses();
        return NO_REPLY;
    }

    @Override
    public boolean notice(Notice notice) {
        switch (notice) {
            case Notice.Kernel(KernelNotice.TaskEnded ended) -> tasks.taskEnded(ended);
            case Notice.Kernel(KernelNotice.PortRegistered registered) -> tasks.perform(supervisor.on(
                    new Event.PortAppeared(registered.port().info().name())));
            case Notice.Kernel(KernelNotice.NameWanted wanted) ->
                    tasks.perform(supervisor.on(new Event.NameWanted(wanted.name())));
            case Notice.Deadline deadline -> tasks.fireDueTimers();
            default -> {
                // Port removals change nothing the supervisor tracks; tasks' plain messages are not its protocol.
            }
        }
        published = supervisor.statuses();
        // The service manager keeps no handle that comes with a notice (the runtime closes them).
        return false;
    }

    /**
     * Every service's status as of the last message this incarnation handled, sorted by name: for an observer
     * outside the system (the web view) that reads between commands and must not send a request, which would let
     * the system run and change the run it watches. Computing it makes no system call.
     */
    public List<ServiceStatus> published() {
        return published;
    }

    @Override
    public long wakeAt() {
        return tasks.nextTimer();
    }
}
