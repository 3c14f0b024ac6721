package org.microsim.services.devd;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.microsim.abi.Client;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.CallException;
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
import org.microsim.abi.Result;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.TaskId;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.devd.DriverGone;
import org.microsim.abi.devd.DriverInterest;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.services.svcman.ServiceManagerProgram;

/**
 * The devd task: {@link DeviceManager} on the one server runtime. Started with the kernel port as start handle
 * 0, it registers the public port {@value #PORT_NAME} and subscribes to port events; the kernel then tells it
 * of every port, with a handle to each. Everything devd knows comes from there, so a restarted devd knows it
 * all again: the devices and their bindings (the drivers' services and tasks live on in the service manager),
 * and the subscribers, whose ports say what they want ({@link DriverInterest}).
 *
 * <pre>
 *   kernel ── Notice.Kernel (port registered / removed) ──▶ DeviceManager ──▶ DevdActions
 *   tasks  ── DevdRequest (add rule, list rules, lsdev) ──▶ DevdRequestHandler ─┘   │
 *                                                                                    ▼
 *        start / forget a driver service (svcman)   ·   msg 100 to a subscriber   ·   close a handle
 * </pre>
 *
 * <p>Drivers are services of the service manager ({@link DriverServices}): for each bound port devd registers
 * {@code DRIVER@PORT} with the port's handle as start handle 0 and a dependency on the driver of the parent
 * port, then starts it, so a crashed driver is restarted with everything stacked on it, in order, by the service
 * manager's dependency graph. On unplug devd unregisters the subtree's drivers bottom-up; {@code lsdev} asks the
 * service manager for their states. A port registered by a task other than the kernel is a driver's port:
 * subscribers of its class get msg 100 with a send handle to it, again each time it comes back after a restart.
 * A subscriber is a port, forgotten when it closes. When the service manager comes back from a crash, devd
 * registers every bound driver with it again ({@link DeviceManager#rebind()}). A request is answered before its
 * actions are carried out, so a caller never waits for the drivers it caused to start.
 */
public final class DevdProgram implements Program, Handler<DevdRequest<?>> {
    /** The public port's name. */
    public static final String PORT_NAME = "devd";
    /** How long devd waits for the service manager: to appear at start, then to answer each call. */
    static final Duration SVCMAN_TIMEOUT = Duration.ofSeconds(5);

    private final List<Rule> rules;
    private Sys sys;
    private DeviceManager devices;
    private DevdRequestHandler requests;
    private DriverServices drivers;
    private final Map<Long, Handle> portHandles = new HashMap<>();
    /** Subscribers, by port name: the port each one's notices go to. */
    private final Map<String, Long> subscribers = new HashMap<>();
    /** What {@link #published()} gives: replaced, never changed, after each message, so any thread may read it. */
    private volatile List<LsdevEntry> published = List.of();

    /** devd with these rules, in match order. */
    public DevdProgram(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void run(Sys system) throws CallException {
        sys = system;
        Handle kernel = sys.start().handle(0);
        if (kernel == null) {
            throw new IllegalStateException("devd needs the kernel port as start handle 0");
        }
        drivers = new DriverServices(sys, Client.named(sys, ServiceManagerProgram.PORT_NAME, SVCMAN_TIMEOUT,
                SVCMAN_TIMEOUT));
        devices = new DeviceManager(rules);
        requests = new DevdRequestHandler(devices);
        Handle port = sys.registerPort(PortInfo.of(PORT_NAME, PortClass.SERVICE, 0)).orThrow();
        Client.of(sys, kernel, SVCMAN_TIMEOUT).call(
                new KernelRequest.Subscribe(KernelRequest.PORT_EVENTS, port));
        Server.serve(sys, this, port);
    }

    @Override
    public Protocol<DevdRequest<?>, ?> protocol() {
        return DevdRequest.PROTOCOL;
    }

    @Override
    public Message handle(DevdRequest<?> request, Received call) throws DevdException {
        if (request instanceof DevdRequest.Lsdev) {
            devices.driverStates(drivers.states());
        }
        DevdRequestHandler.Outcome o = requests.handle(request);
        sys.reply(call.replyRight(), o.reply());
        perform(o.actions());
        published = devices.lsdev();
        return NO_REPLY;
    }

    /** Port and task events from the kernel; the handle of a registered port is kept while devd knows it. */
    @Override
    public boolean notice(Notice notice) {
        boolean kept = take(notice);
        published = devices.lsdev();
        return kept;
    }

    /**
     * The port tree as of the last message this incarnation handled, as {@code lsdev} lists it: for an observer
     * outside the system (the web view) that reads between commands and must not send a request, which would let
     * the system run and change the run it watches. The drivers' states are devd's last knowledge of them (the
     * service manager's own view is newer). Computing it makes no system call.
     */
    public List<LsdevEntry> published() {
        return published;
    }

    private boolean take(Notice notice) {
        if (!(notice instanceof Notice.Kernel(KernelNotice event))) {
            return false;
        }
        switch (event) {
            case KernelNotice.PortRegistered(KernelNotice.PortEvent e, Handle handle) -> {
                try {
                    List<DevdAction> actions = devices.addPort(e.info(), e.portId(), !e.owner().equals(TaskId.KERNEL));
                    if (handle != null) {
                        portHandles.put(e.portId(), handle);
                    }
                    perform(actions);
                    subscribe(e);
                    if (e.info().name().equals(ServiceManagerProgram.PORT_NAME) && e.generation() > 1) {
                        // The service manager was restarted and knows no driver: register them all again.
                        perform(devices.rebind());
                    }
                } catch (DevdException x) {
                    sys.log("devd: port " + e.info().name() + " ignored: " + x.getMessage());
                    return false;
                }
            }
            case KernelNotice.PortRemoved(KernelNotice.PortEvent e, boolean unregistered) -> {
                PortRegistry.Entry known = devices.registry().lookup(e.info().name());
                if (known != null && known.portId() == e.portId()) {
                    if (subscribers.remove(e.info().name()) != null) {
                        devices.unsubscribe(e.info().name());
                    }
                    // A port its driver unregistered while running is a device that left (a stick pulled out):
                    // an unplug, as for the kernel's own device ports. One that went with its driver comes back.
                    boolean unplugged = e.owner().equals(TaskId.KERNEL) || unregistered;
                    perform(devices.removePort(e.info().name(), !unplugged));
                }
            }
            case KernelNotice.TaskEnded ended -> {
                return false;
            }
            case KernelNotice.NameWanted wanted -> {
                return false;
            }
        }
        return true;
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
                case DevdAction.NotifyGone g -> notifyGone(g);
            }
        }
    }

    /**
     * A port that states a {@link DriverInterest} subscribes its owner, under the port's name, to the driver
     * ports of those classes: it is told at once of every one available.
     */
    private void subscribe(KernelNotice.PortEvent e) {
        DriverInterest interest;
        try {
            interest = DriverInterest.of(e.info());
        } catch (MalformedException x) {
            sys.log("devd: port " + e.info().name() + " asks for driver notices wrongly: " + x.getMessage());
            return;
        }
        if (interest == null || !portHandles.containsKey(e.portId())) {
            return;
        }
        subscribers.put(e.info().name(), e.portId());
        for (PortClass c : interest.classes()) {
            perform(devices.subscribe(e.info().name(), c));
        }
    }

    /** Sends msg 101: the port the subscriber was told of is unplugged. */
    private void notifyGone(DevdAction.NotifyGone g) {
        Long subscriberPort = subscribers.get(g.subscriber());
        Handle to = subscriberPort == null ? null : portHandles.get(subscriberPort);
        if (to != null && !sys.send(to, new DriverGone(g.portId()).toMessage()).isOk()) {
            sys.log("devd: could not tell " + g.subscriber() + " that port " + g.portId() + " is gone");
        }
    }

    /** Sends msg 100; the kernel copies the transferred handle, so devd keeps its own for the next subscriber. */
    private void notify(DevdAction.Notify n) {
        Long subscriberPort = subscribers.get(n.subscriber());
        Handle to = subscriberPort == null ? null : portHandles.get(subscriberPort);
        Handle driver = portHandles.get(n.portId());
        if (to == null || driver == null) {
            return;
        }
        Result<Void> sent = sys.send(to, new DriverAvailable(n.portId(), driver).toMessage());
        if (!sent.isOk()) {
            sys.log("devd: could not tell " + n.subscriber() + " about port " + n.portId() + ": " + sent.code());
        }
    }
}
