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
import org.microsim.abi.Replies;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;

/**
 * Carries the service manager's {@link Supervisor} actions out through the kernel port: SPAWN with the
 * service's start handles (a restart names the previous task, so the kernel hands out the next generation of
 * the same slot), KILL, NAME_UNAVAILABLE, closing the handles of a forgotten service, and a timer queue the
 * receive loop waits on. It maps tasks to services both ways, so a task event for a task it no longer tracks
 * (one it killed itself) is recognisably stale and ignored.
 *
 * <p>A transferred handle is copied into the receiver's table (the sender keeps its own), so the same start
 * handles serve every spawn of a service until it is forgotten.
 */
final class SupervisedTasks {
    private static final Duration KERNEL_TIMEOUT = Duration.ofSeconds(5);

    private record Pending(long at, long seq, Timer timer) {
    }

    private final Sys sys;
    private final Handle kernel;
    private final Supervisor supervisor;
    private final Map<String, TaskId> taskOf = new HashMap<>();
    private final Map<TaskId, String> serviceOf = new HashMap<>();
    private final Map<String, TaskId> lastTask = new HashMap<>();
    private final PriorityQueue<Pending> timers =
            new PriorityQueue<>(Comparator.comparingLong(Pending::at).thenComparingLong(Pending::seq));
    private long timerSeq;

    /** Tasks of {@code supervisor}'s services, spawned through {@code kernel}. */
    SupervisedTasks(Sys sys, Handle kernel, Supervisor supervisor) {
        this.sys = sys;
        this.kernel = kernel;
        this.supervisor = supervisor;
    }

    /** Sends a request to the kernel port; a kernel that does not answer is fatal to the supervising task. */
    public Message kernelCall(Message request) {
        return sys.call(kernel, request, KERNEL_TIMEOUT).orThrow();
    }

    /** The service whose current task this is, or null. */
    public String serviceOf(TaskId task) {
        return serviceOf.get(task);
    }

    /** How long the owner's receive may wait before a timer is due. */
    public Duration untilNextTimer() {
        Pending next = timers.peek();
        return next == null ? Sys.FOREVER : Duration.ofNanos(Math.max(0, next.at() - sys.now()));
    }

    /** Fires every timer that is due. */
    public void fireDueTimers() {
        while (!timers.isEmpty() && timers.peek().at() <= sys.now()) {
            perform(supervisor.on(new Event.TimerFired(timers.poll().timer())));
        }
    }

    /**
     * Applies a kernel task notification (NOTIFY_TASK_CRASHED or NOTIFY_TASK_EXITED).
     *
     * @return the service that crashed, or null when the task is not one of ours (or no longer)
     * @throws MalformedException when the notification does not decode
     */
    public String taskEnded(Message notification) throws MalformedException {
        KernelProtocol.TaskEvent e = KernelProtocol.TaskEvent.decode(notification.data());
        String service = serviceOf.remove(e.task());
        if (service != null) {
            taskOf.remove(service);
            String cause = e.cause().isEmpty() ? "exited" : e.cause();
            perform(supervisor.on(new Event.Crashed(service, cause)));
        }
        return service;
    }

    /** Carries out actions in order; spawning yields events whose actions join the queue. */
    public void perform(List<Action> first) {
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
                case Action.Forget f -> {
                    lastTask.remove(f.service());
                    f.handles().forEach(sys::close);
                }
            }
        }
    }

    private List<Action> spawn(Action.Spawn s) {
        KernelProtocol.Spawn request =
                new KernelProtocol.Spawn(s.program(), s.service(), lastTask.get(s.service()), new byte[0]);
        Message reply = kernelCall(new Message(KernelProtocol.SPAWN, request.encode(), s.handles(), null));
        try {
            Replies.Failure failure = Replies.failure(reply);
            if (failure != null && failure.code() == ErrorCode.INVALID_ARGUMENT.code()) {
                return supervisor.on(new Event.SpawnRefused(s.service(), failure.detail()));
            }
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
