package org.microsim.services.svcman;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelProtocol;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.Program;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;

/**
 * The service manager task: a thin loop around {@link Supervisor}. It is started with a handle to the kernel
 * port as start handle 0, registers the public port {@value #PORT_NAME}, subscribes to task and port events
 * and becomes the name resolver. Then it receives, with a deadline at the next timer, and turns what arrives
 * into supervisor events or requests ({@link RequestHandler}), and the supervisor's actions into kernel
 * requests: SPAWN (a restart names the previous task, so the kernel hands out the next generation of the same
 * slot), KILL, NAME_UNAVAILABLE.
 *
 * <p>Notifications are believed only from the kernel (the sender is stamped by the kernel, so no task can
 * fake a crash); a task event for a task the manager no longer tracks (one it killed itself) is ignored.
 */
public final class ServiceManagerProgram implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "svcman";
    private static final Duration KERNEL_TIMEOUT = Duration.ofSeconds(5);

    private record Pending(long at, long seq, Timer timer) {
    }

    private final long lookupTimeout;
    private Sys sys;
    private Handle kernel;
    private Supervisor supervisor;
    private RequestHandler requests;
    private final Map<String, TaskId> taskOf = new HashMap<>();
    private final Map<TaskId, String> serviceOf = new HashMap<>();
    private final Map<String, TaskId> lastTask = new HashMap<>();
    private final PriorityQueue<Pending> timers =
            new PriorityQueue<>(Comparator.comparingLong(Pending::at).thenComparingLong(Pending::seq));
    private long timerSeq;

    /** A service manager whose reserved-name openers wait at most {@code lookupTimeout} for the owner. */
    public ServiceManagerProgram(Duration lookupTimeout) {
        this.lookupTimeout = lookupTimeout.toNanos();
    }

    @Override
    public void run(Sys system) throws Exception {
        sys = system;
        kernel = sys.start().handle(0);
        if (kernel == null) {
            throw new IllegalStateException("the service manager needs the kernel port as start handle 0");
        }
        supervisor = new Supervisor(sys::now, lookupTimeout);
        requests = new RequestHandler(supervisor);
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        kernelCall(Message.of(KernelProtocol.SUBSCRIBE,
                new WireWriter().i32(KernelProtocol.TASK_EVENTS | KernelProtocol.PORT_EVENTS).toByteArray(), port));
        kernelCall(Message.of(KernelProtocol.SET_RESOLVER, new byte[0], port));
        while (true) {
            fireDueTimers();
            Pending next = timers.peek();
            Duration wait = next == null ? Sys.FOREVER : Duration.ofNanos(Math.max(0, next.at() - sys.now()));
            switch (sys.receive(wait, port)) {
                case Result.Ok<Received>(Received r) -> dispatch(r);
                case Result.Err<Received>(var e) -> {
                    if (e.code() != ErrorCode.TIMED_OUT) {
                        throw new IllegalStateException("service manager cannot receive: " + e);
                    }
                }
            }
        }
    }

    private Message kernelCall(Message request) {
        return sys.call(kernel, request, KERNEL_TIMEOUT).orThrow();
    }

    private void fireDueTimers() {
        while (!timers.isEmpty() && timers.peek().at() <= sys.now()) {
            perform(supervisor.on(new Event.TimerFired(timers.poll().timer())));
        }
    }

    private void dispatch(Received r) {
        r.message().handles().forEach(sys::close);
        if (r.sender().equals(TaskId.KERNEL) && !r.isCall()) {
            try {
                notification(r.message());
            } catch (MalformedException e) {
                sys.log("svcman: malformed kernel notification " + r.msgId() + ": " + e.getMessage());
            }
        } else if (r.isCall()) {
            RequestHandler.Outcome o = requests.handle(r.message(), serviceOf.get(r.sender()));
            sys.reply(r.replyRight(), o.reply());
            perform(o.actions());
        } else {
            sys.log("svcman: ignored a message " + r.msgId() + " sent without a call by " + r.sender());
        }
    }

    private void notification(Message m) throws MalformedException {
        switch (m.msgId()) {
            case MsgIds.NOTIFY_TASK_CRASHED, MsgIds.NOTIFY_TASK_EXITED -> {
                KernelProtocol.TaskEvent e = KernelProtocol.TaskEvent.decode(m.data());
                String service = serviceOf.remove(e.task());
                if (service != null) {
                    taskOf.remove(service);
                    String cause = e.cause().isEmpty() ? "exited" : e.cause();
                    perform(supervisor.on(new Event.Crashed(service, cause)));
                }
            }
            case MsgIds.NOTIFY_PORT_REGISTERED ->
                    perform(supervisor.on(new Event.PortAppeared(KernelProtocol.PortEvent.decode(m.data()).info().name())));
            case MsgIds.NOTIFY_NAME_WANTED ->
                    perform(supervisor.on(new Event.NameWanted(KernelProtocol.NameWanted.decode(m.data()).name())));
            default -> {
                // Port removals and other notifications change nothing the supervisor tracks.
            }
        }
    }

    /** Carries out actions in order; spawning yields events whose actions join the queue. */
    private void perform(List<Action> first) {
        Deque<Action> queue = new ArrayDeque<>(first);
        while (!queue.isEmpty()) {
            switch (queue.removeFirst()) {
                case Action.Spawn s -> queue.addAll(spawn(s));
                case Action.Kill k -> {
                    TaskId task = taskOf.remove(k.service());
                    if (task != null) {
                        serviceOf.remove(task);
                        kernelCall(Message.of(KernelProtocol.KILL,
                                new KernelProtocol.Kill(task, false, k.reason()).encode()));
                    }
                }
                case Action.ScheduleTimer t -> timers.add(new Pending(t.at(), timerSeq++, t.timer()));
                case Action.NameUnavailable u -> kernelCall(Message.of(KernelProtocol.NAME_UNAVAILABLE,
                        new KernelProtocol.NameUnavailable(u.name(), u.reason()).encode()));
            }
        }
    }

    private List<Action> spawn(Action.Spawn s) {
        KernelProtocol.Spawn request =
                new KernelProtocol.Spawn(s.program(), s.service(), lastTask.get(s.service()), new byte[0]);
        Message reply = kernelCall(Message.of(KernelProtocol.SPAWN, request.encode()));
        try {
            Replies.Failure failure = Replies.failure(reply);
            if (failure != null) {
                return supervisor.on(new Event.Crashed(s.service(), "spawn failed: " + failure.detail()));
            }
            TaskId task = TaskId.unpack(reply.reader().i64("task id"));
            taskOf.put(s.service(), task);
            serviceOf.put(task, s.service());
            lastTask.put(s.service(), task);
            return supervisor.on(new Event.TaskStarted(s.service()));
        } catch (MalformedException e) {
            return supervisor.on(new Event.Crashed(s.service(), "spawn reply malformed: " + e.getMessage()));
        }
    }
}
