package org.microsim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.KernelNotice;
import org.microsim.abi.KernelRequest;
import org.microsim.abi.Message;
import org.microsim.abi.Rights;
import org.microsim.abi.TaskId;

/**
 * Kernel notices: what the kernel tells, unasked, the ports subscribed to it (SUBSCRIBE, for the service
 * manager and devd) and the resolver. A notice's sender is {@link TaskId#KERNEL}, which no task can fake; it is
 * never refused for a full queue, so a supervisor never misses a crash.
 *
 * <pre>
 *   Tasks.teardown ──── TaskEnded ───────┐
 *   PortTable.add ───── PortRegistered ──┼──▶ every subscriber of that kind ──┐
 *   PortTable.close ─── PortRemoved ─────┘                                    ├─▶ postFromKernel ─▶ Ipc.enqueue
 *   Names.lookup ────── NameWanted ──────────▶ the resolver ──────────────────┤
 *   Devices ─────────── IRQ (not a notice) ──▶ the driver's bound port ───────┘
 * </pre>
 *
 * A PortRegistered carries a send+grant handle to the port beside its bytes: that is how devd gets the device
 * ports it grants to drivers. All of it runs with the kernel lock held.
 */
final class Notifications {
    private record Subscription(Port port, int kinds) {
    }

    private final Kernel k;
    private final List<Subscription> subscriptions = new ArrayList<>();

    Notifications(Kernel kernel) {
        this.k = kernel;
    }

    /** Subscribes a port to kernel notices; a port subscriber first hears of every port that exists. */
    void subscribe(Port port, int kinds) {
        subscriptions.add(new Subscription(port, kinds));
        if ((kinds & KernelRequest.PORT_EVENTS) != 0) {
            for (Port p : k.ports.live()) {
                if (p.kind != Port.Kind.KERNEL) {
                    post(port, new KernelNotice.PortRegistered(event(p), null).toMessage(), handleTo(p));
                }
            }
        }
    }

    void taskEnded(Task t, boolean crashed) {
        notify(KernelRequest.TASK_EVENTS, new KernelNotice.TaskEnded(t.id, t.name, t.endCause, crashed), List.of());
    }

    void portRegistered(Port p) {
        notify(KernelRequest.PORT_EVENTS, new KernelNotice.PortRegistered(event(p), null), handleTo(p));
    }

    void portRemoved(Port p, boolean unregistered) {
        notify(KernelRequest.PORT_EVENTS, new KernelNotice.PortRemoved(event(p), unregistered), List.of());
    }

    /** Posts a notice that carries no handle to one port. */
    void post(Port to, KernelNotice notice) {
        post(to, notice.toMessage(), List.of());
    }

    private void notify(int kind, KernelNotice notice, List<HandleTable.Entry> handles) {
        subscriptions.removeIf(s -> s.port.closed);
        Message message = notice.toMessage();
        for (Subscription s : List.copyOf(subscriptions)) {
            if ((s.kinds & kind) != 0) {
                post(s.port, message, handles);
            }
        }
    }

    private void post(Port to, Message message, List<HandleTable.Entry> handles) {
        postFromKernel(to, message, handles, null);
    }

    /**
     * Queues a message from the kernel itself (a notice, an interrupt): sender {@link TaskId#KERNEL}, and never
     * refused for a full queue; a port that closed meanwhile gets nothing.
     */
    void postFromKernel(Port to, Message message, List<HandleTable.Entry> handles, IrqBinding irq) {
        if (!to.closed) {
            k.ipc.enqueue(to, new Envelope(k.nextSeq(), TaskId.KERNEL, message, handles, null, false, irq));
        }
    }

    private static List<HandleTable.Entry> handleTo(Port p) {
        return List.of(new HandleTable.Entry(p, Rights.SEND_GRANT));
    }

    private static KernelNotice.PortEvent event(Port p) {
        return new KernelNotice.PortEvent(p.id, p.generation, p.owner == null ? TaskId.KERNEL : p.owner.id, p.info);
    }
}
