package org.microsim.services.svcman;

import java.time.Duration;
import org.microsim.abi.ErrorCode;
import java.util.HashSet;
import java.util.Set;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelProtocol;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;

/**
 * The service manager task: a thin loop around {@link Supervisor}. It is started with a handle to the kernel
 * port as start handle 0, registers the public port {@value #PORT_NAME}, subscribes to task and port events
 * and becomes the name resolver. Then it receives, with a deadline at the next timer, and turns what arrives
 * into supervisor events or requests ({@link RequestHandler}); {@link SupervisedTasks} turns the supervisor's
 * actions into kernel requests.
 *
 * <p>Notifications are believed only from the kernel: the sender is stamped by the kernel, so no task can fake
 * a crash or a name lookup. Handles that arrive are closed at once, except those of a REGISTER that succeeded:
 * they are the new service's start handles, kept until it is unregistered.
 */
public final class ServiceManagerProgram implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "svcman";

    private final long lookupTimeout;

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

    private static boolean isControl(int msgId) {
        return switch (msgId) {
            case SvcRequest.REGISTER, SvcRequest.DEPEND, SvcRequest.START, SvcRequest.STOP, SvcRequest.RESTART,
                 SvcRequest.UNREGISTER -> true;
            default -> false;
        };
    }

    private static boolean mayControl(Set<Integer> controllers, TaskId sender) {
        return sender.equals(TaskId.CONSOLE) || (sender.index() > 0 && controllers.contains(sender.index()));
    }

    /** A service manager whose reserved-name openers wait at most {@code lookupTimeout} for the owner. */
    public ServiceManagerProgram(Duration lookupTimeout) {
        this.lookupTimeout = lookupTimeout.toNanos();
    }

    @Override
    public void run(Sys sys) throws Exception {
        Handle kernel = sys.start().handle(0);
        if (kernel == null) {
            throw new IllegalStateException("the service manager needs the kernel port as start handle 0");
        }
        Supervisor supervisor = new Supervisor(sys::now, lookupTimeout);
        SupervisedTasks tasks = new SupervisedTasks(sys, kernel, supervisor);
        RequestHandler requests = new RequestHandler(supervisor);
        Set<Integer> controllers = controllers(sys.start().args());
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        tasks.kernelCall(Message.of(KernelProtocol.SUBSCRIBE,
                new WireWriter().i32(KernelProtocol.TASK_EVENTS | KernelProtocol.PORT_EVENTS).toByteArray(), port));
        tasks.kernelCall(Message.of(KernelProtocol.SET_RESOLVER, new byte[0], port));
        while (true) {
            tasks.fireDueTimers();
            switch (sys.receive(tasks.untilNextTimer(), port)) {
                case Result.Ok<Received>(Received r) -> {
                    if (r.sender().equals(TaskId.KERNEL) && !r.isCall()) {
                        r.message().handles().forEach(sys::close);
                        notification(sys, supervisor, tasks, r.message());
                    } else if (r.isCall() && isControl(r.msgId()) && !mayControl(controllers, r.sender())) {
                        r.message().handles().forEach(sys::close);
                        sys.reply(r.replyRight(), Replies.error(SvcErrorCode.DENIED.code(), "task " + r.sender()
                                + " may not register, start or stop services: only init, devd and the console may"));
                    } else if (r.isCall()) {
                        RequestHandler.Outcome o = requests.handle(r.message(), tasks.serviceOf(r.sender()));
                        if (o.reply().msgId() != MsgIds.REPLY_OK) {
                            r.message().handles().forEach(sys::close);
                        }
                        sys.reply(r.replyRight(), o.reply());
                        tasks.perform(o.actions());
                    } else {
                        r.message().handles().forEach(sys::close);
                        sys.log("svcman: ignored a message " + r.msgId() + " sent without a call by " + r.sender());
                    }
                }
                case Result.Err<Received>(var e) -> {
                    if (e.code() != ErrorCode.TIMED_OUT) {
                        throw new IllegalStateException("service manager cannot receive: " + e);
                    }
                }
            }
        }
    }

    private static void notification(Sys sys, Supervisor supervisor, SupervisedTasks tasks, Message m) {
        try {
            switch (m.msgId()) {
                case MsgIds.NOTIFY_TASK_CRASHED, MsgIds.NOTIFY_TASK_EXITED -> tasks.taskEnded(m);
                case MsgIds.NOTIFY_PORT_REGISTERED -> tasks.perform(supervisor.on(
                        new Event.PortAppeared(KernelProtocol.PortEvent.decode(m.data()).info().name())));
                case MsgIds.NOTIFY_NAME_WANTED -> tasks.perform(supervisor.on(
                        new Event.NameWanted(KernelProtocol.NameWanted.decode(m.data()).name())));
                default -> {
                    // Port removals change nothing the supervisor tracks.
                }
            }
        } catch (MalformedException e) {
            sys.log("svcman: malformed kernel notification " + m.msgId() + ": " + e.getMessage());
        }
    }
}
