package org.microsim.kernel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.Result;
import org.microsim.abi.Rights;

/**
 * The name service: a task finds a public port by its name, and may wait for the name to appear.
 *
 * <pre>
 *   lookup(name) ──▶ a public task port by that name? ──yes──▶ a send handle
 *        │ no, and waiting allowed
 *        ├─ first time: NameWanted to the resolver (the service manager starts the name's owner on demand)
 *        └─ wait ──▶ woken when the port is registered (look again), or NAME_UNAVAILABLE came (the resolver
 *                    gave up: UNAVAILABLE with its reason), or the deadline passed (UNAVAILABLE)
 * </pre>
 *
 * Kernel and device ports have names too, but no lookup reaches them: device handles come only from the
 * kernel's port notices (to devd), and the kernel port's handle only from a privileged spawn. All of it runs
 * with the kernel lock held.
 */
final class Names {
    private final Kernel k;
    /** Tasks blocked in lookup, by the name they wait for. */
    private final Map<String, List<Task>> waiters = new HashMap<>();
    /** The port told of names nobody has yet (SET_RESOLVER), or null. */
    private Port resolver;

    Names(Kernel kernel) {
        this.k = kernel;
    }

    Result<Handle> lookup(Task t, String name, long deadline, boolean waits) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 32) {
            return Result.err(ErrorCode.INVALID_ARGUMENT, "a port name has 1 to 32 bytes");
        }
        boolean asked = false;
        while (true) {
            Port p = k.ports.get(name);
            if (p != null && p.kind == Port.Kind.TASK) {
                if (!p.publicName) {
                    return Result.err(ErrorCode.DENIED, "port " + name + " is private");
                }
                int slot = t.handles.add(new HandleTable.Entry(p, Rights.SEND));
                return slot < 0 ? Result.err(ErrorCode.UNAVAILABLE, "no free handle slot")
                        : Result.ok(new Handle(slot));
            }
            if (p != null) {
                return Result.err(ErrorCode.DENIED, "port " + name + " belongs to the kernel");
            }
            if (t.lookupFailure != null) {
                String why = t.lookupFailure;
                t.lookupFailure = null;
                return Result.err(ErrorCode.UNAVAILABLE, name + " is unavailable: " + why);
            }
            if (!waits) {
                return Result.err(ErrorCode.NO_SUCH_PORT, "no port named " + name);
            }
            if (k.scheduler.now() >= deadline) {
                return Result.err(ErrorCode.UNAVAILABLE, "no port named " + name + " appeared within the timeout");
            }
            if (!asked && resolver != null && !resolver.closed) {
                k.notifications.post(resolver, new KernelNotice.NameWanted(name, t.id));
            }
            asked = true;
            waiters.computeIfAbsent(name, n -> new ArrayList<>()).add(t);
            try {
                k.scheduler.await(t, deadline, "lookup " + name);
            } finally {
                List<Task> waiting = waiters.get(name);
                if (waiting != null) {
                    waiting.remove(t);
                    if (waiting.isEmpty()) {
                        waiters.remove(name);
                    }
                }
            }
        }
    }

    /** A port appeared: whoever waits for its name looks again. */
    void portAppeared(Port p) {
        List<Task> waiting = waiters.get(p.name());
        if (waiting != null) {
            waiting.forEach(k.scheduler::wake);
        }
    }

    /** The name's owner cannot be started: tasks waiting for it get UNAVAILABLE with {@code reason}. */
    void nameUnavailable(String name, String reason) {
        List<Task> waiting = waiters.get(name);
        if (waiting != null) {
            for (Task w : waiting) {
                w.lookupFailure = reason;
                k.scheduler.wake(w);
            }
        }
    }

    /** From now on {@code port} hears of the names nobody has yet. */
    void setResolver(Port port) {
        resolver = port;
    }
}
