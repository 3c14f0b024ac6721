package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.ServiceState;

/**
 * devd's logic: the port registry, the ordered rules, the bindings of ports to drivers and the driver-available
 * notices, as a deterministic state machine that turns port events and requests into {@link DevdAction}s.
 *
 * <p>Matching is Redox pcid-spawner's (ordered rules, first match wins) on Fuchsia-style structured
 * properties (class, subclass, parent class, caps, ids) rather than on names. A port is matched when it
 * arrives; a port no rule matched stays unbound and is matched again whenever a rule is added or a port
 * appears (its parent may be what it needed), as Fuchsia's driver manager re-binds when a driver shows up.
 * Ports are matched parents first, so a driver's service can depend on the service of the driver bound to
 * the parent port: the service manager then restarts a crashed driver and everything stacked on it in order.
 * A port a {@code none} rule matched is bound to nothing on purpose and is not matched again.
 *
 * <p>Two kinds of removal. A device port the kernel owns going away is an unplug: the subtree is removed
 * bottom-up, as Fuchsia removes device nodes, and each driver service is stopped and forgotten before its
 * parent's, so no driver outlives the device it talks to and no service is left depending on a forgotten one.
 * A port a task registered going away means its driver is down (crashed, being restarted, stopped): the port
 * is detached, keeping its binding and its driver's service, and a port registered again under that name takes
 * its place, so a restart never binds a second driver.
 */
public final class DeviceManager {
    /**
     * A port's driver (null for a {@code none} rule), its service name and its state as the service manager
     * last reported it.
     */
    private record Binding(String driver, String service, ServiceState state) {
        Binding withState(ServiceState newState) {
            return new Binding(driver, service, newState);
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final PortRegistry registry = new PortRegistry();
    private final Map<String, Binding> bindings = new HashMap<>();
    private final DriverNotices notices = new DriverNotices();
    /** Bound ports, away when the service manager was restarted, whose driver it has not been told of yet. */
    private final Set<String> unknownToManager = new HashSet<>();

    /** A device manager with these rules, in match order. */
    public DeviceManager(List<Rule> rules) {
        this.rules.addAll(rules);
    }

    /** The rules in match order. */
    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    /**
     * {@code DRIVER@PORT}: the service of a driver bound to a port, named after the port's name, as
     * {@code partd@ahci0:disk0}. The name is what survives: a port that comes back after its driver's restart has
     * a new id but the same name, and so does every port a restarted devd is told of, so a restarted devd names
     * the services it finds running as it named them before. A name that does not fit a service name (32 bytes,
     * no spaces, commas or control characters) keeps what fits and ends in a hash of the port's name.
     */
    public static String serviceName(String driver, String portName) {
        String name = driver + "@" + portName;
        String plain = name.replaceAll("[^!-~]|,", "_");
        if (plain.equals(name) && name.length() <= 32) {
            return name;
        }
        String hash = String.format("~%08x", portName.hashCode());
        return plain.substring(0, Math.min(plain.length(), 32 - hash.length())) + hash;
    }

    /** The first rule that matches the port, or null. */
    public Rule match(PortInfo port) {
        PortClass parentClass = registry.parentClass(port);
        for (Rule rule : rules) {
            if (rule.matches(port, parentClass)) {
                return rule;
            }
        }
        return null;
    }

    /** Appends a rule and matches the unbound ports again; returns the drivers to start. */
    public List<DevdAction> addRule(Rule rule) {
        rules.add(rule);
        List<DevdAction> actions = new ArrayList<>();
        rematch(registry.tree().stream().map(Map.Entry::getValue).toList(), actions);
        return actions;
    }

    /**
     * Registers a port (or attaches a detached one again, keeping its binding), binds it (and any unbound port
     * its arrival lets a rule match), and, for a port a driver registered, tells the subscribers of its class
     * (it is remembered for those who subscribe later).
     *
     * @param driverPort true when a driver task registered the port (it is a driver's service port)
     * @throws DevdException EXISTS for a duplicate name or a port that would be its own ancestor
     */
    public List<DevdAction> addPort(PortInfo info, long portId, boolean driverPort) throws DevdException {
        registry.add(info, portId);
        List<DevdAction> actions = new ArrayList<>();
        // Only the new port and ports already waiting under it (children that came first) can bind now: a
        // rule's fields are the port's own and its parent's class. Matching just that subtree keeps a
        // registration O(subtree), not O(all ports).
        rematch(registry.subtreeTopDown(info.name()), actions);
        Binding bound = bindings.get(info.name());
        if (unknownToManager.remove(info.name()) && bound != null && bound.service() != null) {
            actions.add(start(registry.lookup(info.name()), bound));
        }
        if (driverPort) {
            for (DriverNotices.Notice n : notices.available(info.portClass(), portId)) {
                actions.add(new DevdAction.Notify(n.subscriber(), n.portId()));
            }
        }
        return actions;
    }

    /** Binds the unbound present ports among {@code ports}, given parents before children. */
    private void rematch(List<PortRegistry.Entry> ports, List<DevdAction> actions) {
        for (PortRegistry.Entry e : ports) {
            if (!e.present() || bindings.containsKey(e.name())) {
                continue;
            }
            Rule rule = match(e.info());
            if (rule == null) {
                continue;
            }
            if (rule.isNone()) {
                bindings.put(e.name(), new Binding(null, null, ServiceState.STOPPED));
                continue;
            }
            Binding b = new Binding(rule.driver(), serviceName(rule.driver(), e.name()), ServiceState.STARTING);
            bindings.put(e.name(), b);
            actions.add(start(e, b));
        }
    }

    /**
     * Removes a port. A device port (not {@code driverPort}) is unplugged with its subtree, children first:
     * each driver is stopped and forgotten, then its port. A driver's port is detached, keeping its binding.
     */
    public List<DevdAction> removePort(String name, boolean driverPort) {
        List<DevdAction> actions = new ArrayList<>();
        if (driverPort) {
            PortRegistry.Entry e = registry.lookup(name);
            if (e != null && registry.detach(name)) {
                notices.portGone(e.portId());
                actions.add(new DevdAction.Unregistered(name, e.portId()));
            }
            return actions;
        }
        for (PortRegistry.Entry e : registry.remove(name)) {
            unknownToManager.remove(e.name());
            Binding b = bindings.remove(e.name());
            if (b != null && b.service() != null) {
                actions.add(new DevdAction.StopDriver(e.name(), b.service()));
            }
            for (DriverNotices.Notice n : notices.portGone(e.portId())) {
                actions.add(new DevdAction.NotifyGone(n.subscriber(), n.portId()));
            }
            actions.add(new DevdAction.Unregistered(e.name(), e.portId()));
        }
        return actions;
    }

    /**
     * Every bound driver's start again, parents first: for a service manager that was restarted and knows none
     * of them. It takes on their tasks, which still run, as it registers them. A bound port that is away now
     * (its parent's driver is down) is started again when it comes back ({@link #addPort}).
     */
    public List<DevdAction> rebind() {
        List<DevdAction> actions = new ArrayList<>();
        for (Map.Entry<Integer, PortRegistry.Entry> node : registry.tree()) {
            PortRegistry.Entry e = node.getValue();
            Binding b = bindings.get(e.name());
            if (b == null || b.service() == null) {
                continue;
            }
            if (e.present()) {
                actions.add(start(e, b));
            } else {
                unknownToManager.add(e.name());
            }
        }
        return actions;
    }

    /** The start of the driver bound to {@code e}, after the driver of its parent. */
    private DevdAction.StartDriver start(PortRegistry.Entry e, Binding b) {
        Binding parent = bindings.get(e.info().parent());
        return new DevdAction.StartDriver(e.name(), e.portId(), b.driver(), b.service(),
                parent == null || parent.service() == null ? "" : parent.service());
    }

    /** Records the states of driver services, by service name, for {@code lsdev}; other names are ignored. */
    public void driverStates(Map<String, ServiceState> byService) {
        bindings.replaceAll((port, b) -> b.service() != null && byService.containsKey(b.service())
                ? b.withState(byService.get(b.service())) : b);
    }

    /** Subscribes to driver ports of a class; returns a notice of every one available now. */
    public List<DevdAction> subscribe(String subscriber, PortClass portClass) {
        return notices.subscribe(subscriber, portClass).stream()
                .<DevdAction>map(n -> new DevdAction.Notify(n.subscriber(), n.portId())).toList();
    }

    /** Forgets a subscriber whose task is gone. */
    public void unsubscribe(String subscriber) {
        notices.unsubscribe(subscriber);
    }

    /** The driver bound to each port that has one (ports bound to {@code none} map to "none"), by port. */
    public Map<String, String> bindings() {
        Map<String, String> out = new TreeMap<>();
        bindings.forEach((port, b) -> out.put(port, b.driver() == null ? Rule.NONE : b.driver()));
        return out;
    }

    /** The registry, for lookups. */
    public PortRegistry registry() {
        return registry;
    }

    /**
     * The port tree with each port's driver and its state, for {@code lsdev}. Service ports that stand alone
     * (vfs, shell, a driver's interrupt port) are left out: they are not devices, and {@code ports} lists them.
     */
    public List<LsdevEntry> lsdev() {
        List<LsdevEntry> out = new ArrayList<>();
        for (Map.Entry<Integer, PortRegistry.Entry> e : registry.tree()) {
            if (e.getKey() == 0 && e.getValue().info().portClass() == PortClass.SERVICE) {
                continue;
            }
            Binding b = bindings.get(e.getValue().name());
            String driver = b == null ? "-" : b.driver() == null ? Rule.NONE : b.driver();
            String state = b == null || b.driver() == null ? "-" : b.state().word();
            out.add(new LsdevEntry(Math.min(e.getKey(), 255), e.getValue().info(), driver, state));
        }
        return out;
    }
}
