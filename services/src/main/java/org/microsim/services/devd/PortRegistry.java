package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdException;

/**
 * The ports devd knows, as a tree by parent name (seed "Port Enumeration"). A port may name a parent that is
 * not registered (yet): it is listed as a root until the parent appears, and then is its child, because the
 * tree is derived from the names, not from the order of arrival. Cycles are refused at insertion, so every
 * walk terminates; walks also keep a visited set so that even a corrupted tree could not make them loop.
 *
 * <p>A port whose owning task went away (a driver crashed or was stopped) is <i>detached</i>: it keeps its
 * place in the tree with {@link Entry#ABSENT} as its id, because the driver's supervisor will bring it back,
 * and a port registered again under its name takes the place over with its new id.
 */
final class PortRegistry {
    /** A registered port: its description and the kernel's port id. */
    public record Entry(PortInfo info, long portId) {
        /** The id of a detached port. */
        public static final long ABSENT = -1;

        /** The port's name. */
        public String name() {
            return info.name();
        }

        /** True unless the port is detached. */
        public boolean present() {
            return portId != ABSENT;
        }
    }

    private final Map<String, Entry> ports = new TreeMap<>();
    private final Map<String, Set<String>> children = new HashMap<>();

    /**
     * Adds a port, or attaches it again in the place of the detached port of that name.
     *
     * @throws DevdException EXISTS when a present port has the name or the port would be its own ancestor
     */
    public void add(PortInfo info, long portId) throws DevdException {
        String name = info.name();
        Entry old = ports.get(name);
        if (old != null && old.present()) {
            throw new DevdException(DevdErrorCode.EXISTS, "port " + name + " is registered already");
        }
        Set<String> seen = new HashSet<>();
        for (String p = info.parent(); !p.isEmpty() && seen.add(p); p = parentOf(p)) {
            if (p.equals(name)) {
                throw new DevdException(DevdErrorCode.EXISTS, "port " + name + " would be its own ancestor");
            }
        }
        if (old != null) {
            unlink(old);
        }
        ports.put(name, new Entry(info, portId));
        if (!info.parent().isEmpty()) {
            children.computeIfAbsent(info.parent(), k -> new TreeSet<>()).add(name);
        }
    }

    private String parentOf(String name) {
        Entry e = ports.get(name);
        return e == null ? "" : e.info().parent();
    }

    /** Detaches a present port; false when there is none by that name. */
    public boolean detach(String name) {
        Entry e = ports.get(name);
        if (e == null || !e.present()) {
            return false;
        }
        ports.put(name, new Entry(e.info(), Entry.ABSENT));
        return true;
    }

    /** The port with this name, or null. */
    public Entry lookup(String name) {
        return ports.get(name);
    }

    /** The class of the port's parent, or null when it has none or the parent is not registered. */
    public PortClass parentClass(PortInfo info) {
        Entry parent = ports.get(info.parent());
        return parent == null ? null : parent.info().portClass();
    }

    /** Every port, by name. */
    public List<Entry> all() {
        return List.copyOf(ports.values());
    }

    /** The registered children of a port, by name. */
    public List<Entry> children(String name) {
        return children.getOrDefault(name, Set.of()).stream().map(ports::get).filter(e -> e != null).toList();
    }

    /** Ports whose parent is empty or not registered, by name. */
    public List<Entry> roots() {
        return ports.values().stream().filter(e -> !ports.containsKey(e.info().parent())).toList();
    }

    /** The port and everything under it, parents before children (siblings by name); empty if unknown. */
    public List<Entry> subtreeTopDown(String name) {
        List<Map.Entry<Integer, Entry>> order = new ArrayList<>();
        if (ports.containsKey(name)) {
            preOrder(ports.get(name), 0, new HashSet<>(), order);
        }
        return order.stream().map(Map.Entry::getValue).toList();
    }

    /** The port and everything under it, children before parents (siblings by name); empty if unknown. */
    public List<Entry> subtreeBottomUp(String name) {
        List<Entry> order = new ArrayList<>();
        if (!ports.containsKey(name)) {
            return order;
        }
        Set<String> visited = new HashSet<>();
        postOrder(name, visited, order);
        return order;
    }

    private void postOrder(String name, Set<String> visited, List<Entry> out) {
        if (!visited.add(name)) {
            return;
        }
        for (Entry child : children(name)) {
            postOrder(child.name(), visited, out);
        }
        out.add(ports.get(name));
    }

    /** Removes a port and its subtree; returns them children first. Empty when the port is unknown. */
    public List<Entry> remove(String name) {
        List<Entry> gone = subtreeBottomUp(name);
        for (Entry e : gone) {
            ports.remove(e.name());
            unlink(e);
        }
        return gone;
    }

    private void unlink(Entry e) {
        Set<String> siblings = children.get(e.info().parent());
        if (siblings != null) {
            siblings.remove(e.name());
            if (siblings.isEmpty()) {
                children.remove(e.info().parent());
            }
        }
    }

    /** The port tree, depth first (roots and siblings by name), with each port's depth. */
    public List<Map.Entry<Integer, Entry>> tree() {
        List<Map.Entry<Integer, Entry>> out = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (Entry root : roots()) {
            preOrder(root, 0, visited, out);
        }
        return out;
    }

    private void preOrder(Entry e, int depth, Set<String> visited, List<Map.Entry<Integer, Entry>> out) {
        if (!visited.add(e.name())) {
            return;
        }
        out.add(Map.entry(depth, e));
        for (Entry child : children(e.name())) {
            preOrder(child, depth + 1, visited, out);
        }
    }
}
