package org.microsim.services.devd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.WireWriter;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcRequest;
import org.microsim.services.svcman.ServiceException;
import org.microsim.services.svcman.SupervisedTasks;
import org.microsim.services.svcman.Supervisor;

/**
 * The devd task: a thin loop around {@link DeviceManager}. Started with the kernel port as start handle 0, it
 * registers the public port {@value #PORT_NAME} and subscribes to port and task events; the kernel then tells
 * it of every port, with a handle to each.
 *
 * <p>Drivers are tasks devd spawns itself, because only devd holds the device port handle that a driver must
 * be granted (as its start handle 0); each bound port's driver is a service named {@code DRIVER#PORTID} in
 * devd's own {@link Supervisor}, under the default restart contract, ready once its task runs. So a driver
 * gets the same restart, backoff and give-up behaviour as any service, and {@code lsdev} shows its state.
 * A port registered by a task other than the kernel is a driver's port: subscribers of its class get msg 100
 * with a send handle to it. Subscribers are tasks, forgotten when their task ends.
 */
public final class DevdProgram implements Program {
    /** The public port's name. */
    public static final String PORT_NAME = "devd";
    private static final RestartContract DRIVER_CONTRACT = RestartContract.DEFAULT.withReadyOnStart(true);

    private final List<Rule> rules;
    private Sys sys;
    private DeviceManager devices;
    private Supervisor drivers;
    private SupervisedTasks tasks;
    private final Map<Long, Handle> portHandles = new HashMap<>();
    /** The port each running driver service is bound to. */
    private record Bound(String port, long portId) {
    }

    private final Map<String, Bound> bound = new HashMap<>();
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
        devices = new DeviceManager(rules);
        // Drivers reserve no names, so the lookup timeout never comes into play.
        drivers = new Supervisor(sys::now, 1);
        tasks = new SupervisedTasks(sys, kernel, drivers, this::grant);
        DevdRequestHandler requests = new DevdRequestHandler(devices);
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        tasks.kernelCall(Message.of(KernelProtocol.SUBSCRIBE,
                new WireWriter().i32(KernelProtocol.TASK_EVENTS | KernelProtocol.PORT_EVENTS).toByteArray(), port));
        while (true) {
            tasks.fireDueTimers();
            switch (sys.receive(tasks.untilNextTimer(), port)) {
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
                case Result.Err<Received>(var e) -> {
                    if (e.code() != ErrorCode.TIMED_OUT) {
                        throw new IllegalStateException("devd cannot receive: " + e);
                    }
                }
            }
            refreshDriverStates();
        }
    }

    /** {@code DRIVER#PORTID}, the driver's name cut so that the whole fits a 32-byte service name. */
    private static String serviceName(String driver, long portId) {
        String id = "#" + portId;
        return driver.substring(0, Math.min(driver.length(), 32 - id.length())) + id;
    }

    private List<Handle> grant(String driverService) {
        Bound b = bound.get(driverService);
        Handle device = b == null ? null : portHandles.get(b.portId());
        Handle copy = device == null ? null : sys.duplicate(device, Rights.SEND_GRANT).orNull();
        return copy == null ? List.of() : List.of(copy);
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
        DevdRequestHandler.Outcome o = requests.handle(r.message(), subscriber);
        sys.reply(r.replyRight(), o.reply());
        perform(o.actions());
    }

    private void notification(Message m) {
        try {
            switch (m.msgId()) {
                case MsgIds.NOTIFY_PORT_REGISTERED -> {
                    KernelProtocol.PortEvent e = KernelProtocol.PortEvent.decode(m.data());
                    if (m.handles().size() == 1) {
                        portHandles.put(e.portId(), m.handles().getFirst());
                    }
                    try {
                        perform(devices.addPort(e.info(), e.portId(), !e.owner().equals(TaskId.KERNEL)));
                    } catch (DevdException x) {
                        sys.log("devd: port " + e.info().name() + " ignored: " + x.getMessage());
                    }
                }
                case MsgIds.NOTIFY_PORT_REMOVED -> {
                    KernelProtocol.PortEvent e = KernelProtocol.PortEvent.decode(m.data());
                    PortRegistry.Entry known = devices.registry().lookup(e.info().name());
                    if (known != null && known.portId() == e.portId()) {
                        perform(devices.removePort(e.info().name()));
                    }
                }
                case MsgIds.NOTIFY_TASK_CRASHED, MsgIds.NOTIFY_TASK_EXITED -> {
                    if (tasks.taskEnded(m) == null) {
                        String subscriber = "task " + KernelProtocol.TaskEvent.decode(m.data()).task();
                        devices.unsubscribe(subscriber);
                        Handle h = subscribers.remove(subscriber);
                        if (h != null) {
                            sys.close(h);
                        }
                    }
                }
                default -> m.handles().forEach(sys::close);
            }
        } catch (MalformedException e) {
            sys.log("devd: malformed kernel notification " + m.msgId() + ": " + e.getMessage());
        }
    }

    private void perform(List<DevdAction> actions) {
        for (DevdAction action : actions) {
            switch (action) {
                case DevdAction.StartDriver s -> {
                    String service = serviceName(s.driver(), s.portId());
                    bound.put(service, new Bound(s.port(), s.portId()));
                    try {
                        drivers.register(new SvcRequest.Register(service, s.driver(), List.of(), DRIVER_CONTRACT,
                                List.of()));
                        tasks.perform(drivers.start(service));
                    } catch (ServiceException e) {
                        sys.log("devd: cannot start " + service + ": " + e.getMessage());
                    }
                }
                case DevdAction.StopDriver s -> {
                    String service = serviceName(s.driver(), s.portId());
                    bound.remove(service);
                    try {
                        tasks.perform(drivers.stop(service));
                    } catch (ServiceException e) {
                        sys.log("devd: cannot stop the driver of " + s.port() + ": " + e.getMessage());
                    }
                }
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

    private void notify(DevdAction.Notify n) {
        Handle to = subscribers.get(n.subscriber());
        Handle driver = portHandles.get(n.portId());
        // A transferred handle must carry the grant right; the subscriber may pass the driver on in turn.
        Handle copy = driver == null ? null : sys.duplicate(driver, Rights.SEND_GRANT).orNull();
        if (to == null || copy == null) {
            return;
        }
        Result<Void> sent = sys.send(to, new DriverAvailable(n.portId(), copy).encode());
        if (!sent.isOk()) {
            sys.close(copy);
            sys.log("devd: could not tell " + n.subscriber() + " about port " + n.portId() + ": " + sent.code());
        }
    }

    private void refreshDriverStates() {
        for (ServiceStatus status : drivers.statuses()) {
            Bound b = bound.get(status.name());
            if (b != null) {
                devices.driverState(b.port(), status.state());
            }
        }
    }
}
