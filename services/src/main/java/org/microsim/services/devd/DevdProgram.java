package org.microsim.services.devd;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.services.svcman.ServiceManagerProgram;

/**
 * The devd task: a thin loop around {@link DeviceManager}. Started with the kernel port as start handle 0, it
 * looks up the service manager, registers the public port {@value #PORT_NAME} and subscribes to port and task
 * events; the kernel then tells it of every port, with a handle to each.
 *
 * <p>Drivers are services of the service manager ({@link DriverServices}): for each bound port devd registers
 * {@code DRIVER#PORTID} with the port's handle as start handle 0 and a dependency on the driver of the parent
 * port, then starts it, so a crashed driver is restarted with everything stacked on it, in order, by the service
 * manager's dependency graph. On unplug devd unregisters the subtree's drivers bottom-up; {@code lsdev} asks the
 * service manager for their states. A port registered by a task other than the kernel is a driver's port:
 * subscribers of its class get msg 100 with a send handle to it, again each time it comes back after a restart.
 * Subscribers are tasks, forgotten when their task ends.
 */
public final class DevdProgram implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "devd";
    /** How long devd waits for the service manager: to appear at start, then to answer each call. */
    static final Duration SVCMAN_TIMEOUT = Duration.ofSeconds(5);

    private final List<Rule> rules;
    private Sys sys;
    private DeviceManager devices;
    private DriverServices drivers;
    private final Map<Long, Handle> portHandles = new HashMap<>();
    private final Map<String, Handle> subscribers = new HashMap<>();

    /** devd with these rules, in match order. */
    public DevdProgram(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void run(Sys system) throws Exception {
        sys = system;
        Handle kernel = sys.start().handle(0);
        if (kernel == null) {
            throw new IllegalStateException("devd needs the kernel port as start handle 0");
        }
        Handle svcman = sys.lookup(ServiceManagerProgram.PORT_NAME, SVCMAN_TIMEOUT).orThrow();
        drivers = new DriverServices(sys, svcman, SVCMAN_TIMEOUT);
        devices = new DeviceManager(rules);
        DevdRequestHandler requests = new DevdRequestHandler(devices);
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        Message subscribe = Message.of(KernelProtocol.SUBSCRIBE,
                new WireWriter().i32(KernelProtocol.TASK_EVENTS | KernelProtocol.PORT_EVENTS).toByteArray(), port);
        if (Replies.failure(sys.call(kernel, subscribe, SVCMAN_TIMEOUT).orThrow()) != null) {
            throw new IllegalStateException("devd cannot subscribe to kernel events");
        }
        while (true) {
            switch (sys.receive(Sys.FOREVER, port)) {
                case Result.Ok<Received>(Received r) -> {
                    if (r.sender().equals(TaskId.KERNEL) && !r.isCall()) {
                        notification(r.message());
                    } else if (r.isCall()) {
                        call(requests, r);
                    } else {
                        r.message().handles().forEach(sys::close);
                        sys.log("devd: ignored a message " + r.msgId() + " sent without a call by " + r.sender());
                    }
                }
                case Result.Err<Received>(var e) -> throw new IllegalStateException("devd cannot receive: " + e);
            }
        }
    }

    private void call(DevdRequestHandler requests, Received r) {
        String subscriber = "task " + r.sender();
        List<Handle> handles = r.message().handles();
        if (r.msgId() == DevdRequest.SUBSCRIBE) {
            if (handles.size() != 1) {
                handles.forEach(sys::close);
                sys.reply(r.replyRight(), Replies.error(DevdErrorCode.BAD_REQUEST.code(),
                        "subscribe needs exactly one handle: the port for msg 100 notifications"));
                return;
            }
            Handle old = subscribers.put(subscriber, handles.getFirst());
            if (old != null) {
                sys.close(old);
            }
        } else {
            handles.forEach(sys::close);
        }
        if (r.msgId() == DevdRequest.LSDEV) {
            devices.driverStates(drivers.states());
        }
        DevdRequestHandler.Outcome o = requests.handle(r.message(), subscriber);
        sys.reply(r.replyRight(), o.reply());
        perform(o.actions());
    }

    private void notification(Message m) {
        try {
            switch (m.msgId()) {
                case MsgIds.NOTIFY_PORT_REGISTERED -> {
                    KernelProtocol.PortEvent e = KernelProtocol.PortEvent.decode(m.data());
                    boolean driverPort = !e.owner().equals(TaskId.KERNEL);
                    try {
                        List<DevdAction> actions = devices.addPort(e.info(), e.portId(), driverPort);
                        if (m.handles().size() == 1) {
                            portHandles.put(e.portId(), m.handles().getFirst());
                        }
                        perform(actions);
                    } catch (DevdException x) {
                        m.handles().forEach(sys::close);
                        sys.log("devd: port " + e.info().name() + " ignored: " + x.getMessage());
                    }
                }
                case MsgIds.NOTIFY_PORT_REMOVED -> {
                    KernelProtocol.PortEvent e = KernelProtocol.PortEvent.decode(m.data());
                    PortRegistry.Entry known = devices.registry().lookup(e.info().name());
                    if (known != null && known.portId() == e.portId()) {
                        perform(devices.removePort(e.info().name(), !e.owner().equals(TaskId.KERNEL)));
                    }
                }
                case MsgIds.NOTIFY_TASK_CRASHED, MsgIds.NOTIFY_TASK_EXITED -> {
                    String subscriber = "task " + KernelProtocol.TaskEvent.decode(m.data()).task();
                    devices.unsubscribe(subscriber);
                    Handle h = subscribers.remove(subscriber);
                    if (h != null) {
                        sys.close(h);
                    }
                }
                default -> m.handles().forEach(sys::close);
            }
        } catch (MalformedException e) {
            m.handles().forEach(sys::close);
            sys.log("devd: malformed kernel notification " + m.msgId() + ": " + e.getMessage());
        }
    }

    private void perform(List<DevdAction> actions) {
        for (DevdAction action : actions) {
            switch (action) {
                case DevdAction.StartDriver s ->
                        devices.driverStates(Map.of(s.service(), drivers.start(s, portHandles.get(s.portId()))));
                case DevdAction.StopDriver s -> drivers.forget(s.service());
                case DevdAction.Unregistered u -> {
                    Handle h = portHandles.remove(u.portId());
                    if (h != null) {
                        sys.close(h);
                    }
                }
                case DevdAction.Notify n -> notify(n);
            }
        }
    }

    /** Sends msg 100; the kernel copies the transferred handle, so devd keeps its own for the next subscriber. */
    private void notify(DevdAction.Notify n) {
        Handle to = subscribers.get(n.subscriber());
        Handle driver = portHandles.get(n.portId());
        if (to == null || driver == null) {
            return;
        }
        Result<Void> sent = sys.send(to, new DriverAvailable(n.portId(), driver).encode());
        if (!sent.isOk()) {
            sys.log("devd: could not tell " + n.subscriber() + " about port " + n.portId() + ": " + sent.code());
        }
    }
}
