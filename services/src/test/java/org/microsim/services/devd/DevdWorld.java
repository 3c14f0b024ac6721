package org.microsim.services.devd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.LsdevEntry;

/**
 * A device manager with a model beside it: the port tree by parent name (detached driver ports included), the
 * driver services started, the subscribers and the driver ports available now. Operations check their
 * actions; {@link #check} checks the state.
 */
final class DevdWorld {
    static final List<String> NAMES = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");

    private final DeviceManager devices;
    private final Map<String, PortInfo> ports = new TreeMap<>();
    private final Map<String, Long> ids = new HashMap<>();
    private final Map<String, String> started = new HashMap<>();
    private final Map<String, String> services = new HashMap<>();
    private final Map<PortClass, Set<String>> subscribers = new EnumMap<>(PortClass.class);
    /** The driver ports available now, by class, oldest first: every subscriber is told of them. */
    private final Map<PortClass, LinkedHashSet<Long>> available = new EnumMap<>(PortClass.class);
    private final List<String> log = new ArrayList<>();
    private long nextId = 1;

    DevdWorld(List<Rule> rules) {
        devices = new DeviceManager(rules);
    }

    Set<String> names() {
        return ports.keySet();
    }

    /** Ports that are registered now (not detached). */
    List<String> present() {
        return ids.entrySet().stream().filter(e -> e.getValue() != PortRegistry.Entry.ABSENT)
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Detached ports. */
    List<String> absent() {
        return ids.entrySet().stream().filter(e -> e.getValue() == PortRegistry.Entry.ABSENT)
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** The driver task of a port went away: the port is detached, its binding stays. */
    void detach(String name) {
        log.add("detach " + name);
        long id = ids.get(name);
        Map<String, String> boundBefore = devices.bindings();
        assertEquals(List.of(new DevdAction.Unregistered(name, id)), devices.removePort(name, true), log.toString());
        assertEquals(boundBefore, devices.bindings(), "a detached port keeps its binding");
        ids.put(name, PortRegistry.Entry.ABSENT);
        available.values().forEach(p -> p.remove(id));
    }

    /** A detached port is registered again by its restarted driver. */
    void reattach(String name) {
        PortInfo info = ports.remove(name);
        ids.remove(name);
        String before = devices.bindings().get(name);
        addPort(name, info.portClass(), info.subclass(), info.parent(), true);
        if (before != null) {
            assertEquals(before, devices.bindings().get(name), "the binding carries over: " + log);
        }
    }

    private boolean wouldCycle(String name, String parent) {
        Set<String> seen = new HashSet<>();
        for (String p = parent; !p.isEmpty() && seen.add(p); p = ports.containsKey(p) ? ports.get(p).parent() : "") {
            if (p.equals(name)) {
                return true;
            }
        }
        return false;
    }

    void addPort(String name, PortClass portClass, int subclass, String parent, boolean driverPort) {
        PortInfo info = new PortInfo(name, portClass, subclass, parent, 0x8086, 0, 0x7, null);
        long id = nextId++;
        log.add("add " + info + " id=" + id + (driverPort ? " (driver port)" : ""));
        Set<String> unboundBefore = new HashSet<>(ports.keySet());
        unboundBefore.removeAll(devices.bindings().keySet());
        unboundBefore.add(name);
        List<DevdAction> actions;
        try {
            actions = devices.addPort(info, id, driverPort);
        } catch (DevdException e) {
            assertTrue(wouldCycle(name, parent), e.getMessage() + " " + log);
            assertEquals(DevdErrorCode.EXISTS, e.error());
            return;
        }
        assertFalse(wouldCycle(name, parent), "a port that is its own ancestor was accepted: " + log);
        ports.put(name, info);
        ids.put(name, id);
        List<DevdAction.Notify> expectedNotices = new ArrayList<>();
        if (driverPort) {
            available.computeIfAbsent(portClass, k -> new LinkedHashSet<>()).add(id);
            subscribers.getOrDefault(portClass, Set.of()).forEach(s -> expectedNotices.add(new DevdAction.Notify(s, id)));
        }
        List<DevdAction.Notify> notices = new ArrayList<>();
        for (DevdAction a : actions) {
            log.add("  -> " + a);
            switch (a) {
                case DevdAction.StartDriver s -> started(s, unboundBefore);
                case DevdAction.Notify n -> notices.add(n);
                default -> throw new AssertionError("unexpected " + a);
            }
        }
        assertEquals(expectedNotices, notices);
    }

    private void started(DevdAction.StartDriver s, Set<String> unboundBefore) {
        assertTrue(unboundBefore.contains(s.port()), s + " for a port that was bound already: " + log);
        assertEquals(ids.get(s.port()), s.portId());
        assertEquals(DeviceManager.serviceName(s.driver(), s.port()), s.service());
        assertEquals(services.getOrDefault(ports.get(s.port()).parent(), ""), s.dependsOn(),
                "depends on the parent's driver, bound before it: " + log);
        assertNull(started.put(s.port(), s.driver()), "driver started twice for " + s.port());
        services.put(s.port(), s.service());
    }

    void remove(String name) {
        log.add("remove " + name);
        Set<String> subtree = new TreeSet<>();
        subtree.add(name);
        for (boolean grew = true; grew; ) {
            grew = false;
            for (PortInfo p : ports.values()) {
                if (subtree.contains(p.parent()) && subtree.add(p.name())) {
                    grew = true;
                }
            }
        }
        Map<String, String> boundBefore = devices.bindings();
        Set<DevdAction.NotifyGone> expectedGone = new HashSet<>();
        for (String n : subtree) {
            available.forEach((portClass, ids) -> {
                if (ids.contains(this.ids.get(n))) {
                    subscribers.getOrDefault(portClass, Set.of())
                            .forEach(s -> expectedGone.add(new DevdAction.NotifyGone(s, this.ids.get(n))));
                }
            });
        }
        List<DevdAction> actions = devices.removePort(name, false);
        List<String> gone = new ArrayList<>();
        Set<DevdAction.NotifyGone> told = new HashSet<>();
        String stopping = null;
        for (DevdAction a : actions) {
            log.add("  -> " + a);
            switch (a) {
                case DevdAction.StopDriver s -> {
                    assertEquals(services.remove(s.port()), s.service());
                    assertEquals(started.remove(s.port()), boundBefore.get(s.port()));
                    stopping = s.port();
                }
                case DevdAction.Unregistered u -> {
                    String driver = boundBefore.get(u.port());
                    if (driver != null && !driver.equals(Rule.NONE)) {
                        assertEquals(u.port(), stopping, "the driver is stopped right before its port goes");
                    }
                    stopping = null;
                    assertEquals(ids.get(u.port()), u.portId());
                    gone.add(u.port());
                }
                case DevdAction.NotifyGone g -> assertTrue(told.add(g), "told twice: " + g + " " + log);
                default -> throw new AssertionError("unexpected " + a);
            }
        }
        assertEquals(expectedGone, told, "every subscriber of an unplugged driver port is told: " + log);
        for (String g : gone) {
            for (String earlier : gone.subList(0, gone.indexOf(g))) {
                assertFalse(isAncestor(earlier, g), earlier + " was removed before its descendant " + g + ": " + log);
            }
        }
        assertEquals(subtree, new TreeSet<>(gone), "the whole subtree goes");
        subtree.forEach(n -> {
            available.values().forEach(p -> p.remove(ids.get(n)));
            ports.remove(n);
            ids.remove(n);
        });
    }

    /** True when {@code a} is a proper ancestor of {@code b} in the model. */
    private boolean isAncestor(String a, String b) {
        Set<String> seen = new HashSet<>();
        for (String p = ports.get(b).parent(); ports.containsKey(p) && seen.add(p); p = ports.get(p).parent()) {
            if (p.equals(a)) {
                return true;
            }
        }
        return false;
    }

    void addRule(Rule rule) {
        log.add("rule " + rule);
        Set<String> unboundBefore = new HashSet<>(ports.keySet());
        unboundBefore.removeAll(devices.bindings().keySet());
        for (DevdAction a : devices.addRule(rule)) {
            log.add("  -> " + a);
            if (!(a instanceof DevdAction.StartDriver s)) {
                throw new AssertionError("unexpected " + a);
            }
            started(s, unboundBefore);
        }
    }

    void subscribe(String subscriber, PortClass portClass) {
        log.add("subscribe " + subscriber + " " + portClass);
        List<DevdAction> actions = devices.subscribe(subscriber, portClass);
        List<DevdAction> expected = new ArrayList<>();
        available.getOrDefault(portClass, new LinkedHashSet<>())
                .forEach(id -> expected.add(new DevdAction.Notify(subscriber, id)));
        assertEquals(expected, actions, "a subscriber is told of every available driver of its class: " + log);
        subscribers.computeIfAbsent(portClass, k -> new TreeSet<>()).add(subscriber);
    }

    void unsubscribe(String subscriber) {
        log.add("unsubscribe " + subscriber);
        devices.unsubscribe(subscriber);
        subscribers.values().forEach(s -> s.remove(subscriber));
    }

    void check() {
        PortRegistry registry = devices.registry();
        assertEquals(ports.keySet(), new TreeSet<>(registry.all().stream().map(PortRegistry.Entry::name).toList()));
        Map<String, String> bindings = devices.bindings();
        assertTrue(ports.keySet().containsAll(bindings.keySet()), "a binding outlived its port: " + log);
        for (PortInfo p : ports.values()) {
            List<String> children = ports.values().stream().filter(c -> c.parent().equals(p.name()))
                    .map(PortInfo::name).toList();
            assertEquals(children, registry.children(p.name()).stream().map(PortRegistry.Entry::name).toList());
            String driver = bindings.get(p.name());
            if (driver == null && ids.get(p.name()) != PortRegistry.Entry.ABSENT) {
                assertNull(devices.match(p), p.name() + " is unbound although a rule matches it: " + log);
            } else if (driver != null && !driver.equals(Rule.NONE)) {
                assertEquals(driver, started.get(p.name()));
            } else if (driver != null) {
                assertNull(started.get(p.name()));
            }
        }
        assertEquals(started.keySet(), new HashSet<>(bindings.entrySet().stream()
                .filter(e -> !e.getValue().equals(Rule.NONE)).map(Map.Entry::getKey).toList()));
        Map<String, Integer> depth = new HashMap<>();
        for (LsdevEntry e : devices.lsdev()) {
            String parent = e.info().parent();
            if (ports.containsKey(parent)) {
                assertNotNull(depth.get(parent), "a parent is listed before its child");
            }
            int expected = ports.containsKey(parent) ? depth.get(parent) + 1 : 0;
            assertEquals(expected, e.depth(), e.info().name());
            assertNull(depth.put(e.info().name(), e.depth()), "listed twice: " + e.info().name());
        }
        assertEquals(ports.keySet(), depth.keySet());
    }

    @Override
    public String toString() {
        return "DevdWorld" + ports.keySet();
    }
}
