package org.microsim.services.svcman;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.microsim.abi.CallException;
import org.microsim.abi.Client;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Sys;
import org.microsim.abi.SysException;
import org.microsim.abi.TaskId;
import org.microsim.abi.svc.SvcException;

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
    private record Pending(long at, long seq, Timer timer) {
    }

    private final Sys sys;
    private final Client kernel;
    private final Supervisor supervisor;
    private final Map<String, TaskId> taskOf = new HashMap<>();
    private final Map<TaskId, String> serviceOf = new HashMap<>();
    private final Map<String, TaskId> lastTask = new HashMap<>();
    private final PriorityQueue<Pending> timers =
            new PriorityQueue<>(Comparator.comparingLong(Pending::at).thenComparingLong(Pending::seq));
    private long timerSeq;

    /** Tasks of {@code supervisor}'s services, spawned through the kernel port's client. */
    SupervisedTasks(Sys sys, Client kernel, Supervisor supervisor) {
        this.sys = sys;
        this.kernel = kernel;
        this.supervisor = supervisor;
    }

    /**
     * A request to the kernel port whose refusal changes nothing here (a kill of a task that ended meanwhile):
     * logged. A kernel that does not answer is fatal to the supervising task.
     */
    private void kernelCall(KernelRequest<Void> request) {
        try {
            kernel.call(request);
        } catch (CallException e) {
            if (e.unreachable() != null) {
                throw new SysException(e.unreachable());
            }
            sys.log("svcman: the kernel refused " + request + ": " + e.getMessage());
        }
    }

    /**
     * Looks in the kernel's task table for a task a previous service manager started for {@code service}
     * (the task name is the service's) running {@code program}, and takes it on: the service manager itself was
     * restarted, and the services' tasks were not. Returns the supervisor's actions.
     */
    List<Action> adopt(String service, String program) {
        KernelRequest.FoundTask found;
        try {
            found = kernel.call(new KernelRequest.FindTask(service));
        } catch (CallException e) {
            if (e.unreachable() != null) {
                throw new SysException(e.unreachable());
            }
            sys.log("svcman: cannot look for the task of " + service + ": " + e.getMessage());
            return List.of();
        }
        if (found == null || !found.program().equals(program)) {
            return List.of();
        }
        lastTask.put(service, found.task());
        if (found.alive()) {
            taskOf.put(service, found.task());
            serviceOf.put(found.task(), service);
            sys.log("svcman: " + service + " runs as task " + found.task() + ": taken on");
        }
        try {
            return supervisor.adopt(service, found.task().generation(), found.alive());
        } catch (SvcException e) {
            throw new IllegalStateException("adopting a service registered a moment ago", e);
        }
    }

    /** The service whose current task this is, or null. */
    String serviceOf(TaskId task) {
        return serviceOf.get(task);
    }

    /** When the next timer is due (virtual ns), or Long.MAX_VALUE when none is set. */
    long nextTimer() {
        Pending next = timers.peek();
        return next == null ? Long.MAX_VALUE : next.at();
    }

    /** Fires every timer that is due. */
    void fireDueTimers() {
        while (!timers.isEmpty() && timers.peek().at() <= sys.now()) {
            perform(supervisor.on(new Event.TimerFired(timers.poll().timer())));
        }
    }

    /**
     * Applies a kernel task notification.
     *
     * @return the service that crashed, or null when the task is not one of ours (or no longer)
     */
    String taskEnded(KernelNotice.TaskEnded e) {
        String service = serviceOf.remove(e.task());
        if (service != null) {
            taskOf.remove(service);
            String cause = e.cause().isEmpty() ? "exited" : e.cause();
            perform(supervisor.on(new Event.Crashed(service, cause)));
        }
        return service;
    }

    /** Carries out actions in order; spawning yields events whose actions join the queue. */
    void perform(List<Action> first) {
        Deque<Action> queue = new ArrayDeque<>(first);
        while (!queue.isEmpty()) {
            switch (queue.removeFirst()) {
                case Action.Spawn s -> queue.addAll(spawn(s));
                case Action.Kill k -> {
                    TaskId task = taskOf.remove(k.service());
                    if (task != null) {
                        serviceOf.remove(task);
                        kernelCall(new KernelRequest.Kill(task, false, k.reason()));
                    }
                }
                case Action.ScheduleTimer t -> timers.add(new Pending(t.at(), timerSeq++, t.timer()));
                case Action.NameUnavailable u -> kernelCall(new KernelRequest.NameUnavailable(u.name(), u.reason()));
                case Action.Forget f -> {
                    lastTask.remove(f.service());
                    f.handles().forEach(sys::close);
                }
            }
        }
    }

    private List<Action> spawn(Action.Spawn s) {
        TaskId task;
        try {
            task = kernel.call(new KernelRequest.Spawn(s.program(), s.service(), lastTask.get(s.service()), new byte[0],
                    s.handles()));
        } catch (CallException e) {
            if (e.unreachable() != null) {
                throw new SysException(e.unreachable());
            }
            return e.error() == ErrorCode.INVALID_ARGUMENT
                    ? supervisor.on(new Event.SpawnRefused(s.service(), e.getMessage()))
                    : supervisor.on(new Event.Crashed(s.service(), "spawn failed: " + e.getMessage()));
        }
        taskOf.put(s.service(), task);
        serviceOf.put(task, s.service());
        lastTask.put(s.service(), task);
        return supervisor.on(new Event.TaskStarted(s.service()));
    }
}
