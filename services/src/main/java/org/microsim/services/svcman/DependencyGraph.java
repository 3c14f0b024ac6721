package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcException;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.MutableGraph;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.microsim.abi.svc.SvcErrorCode;

/**
 * The services and who needs whom: a directed acyclic graph with an edge {@code a -> b} when a depends on b.
 *
 * <p>Acyclicity is an invariant, not a check made later: every edge is tested before it goes in, and one that
 * would close a cycle is refused with the cycle spelled out ({@code cycle: a -> b -> c -> a}), so an operator
 * sees which declaration to fix instead of a service that silently never starts. Orders are deterministic:
 * Kahn's algorithm taking the smallest ready name first, so two runs (and a diamond's two sides) always come
 * out the same way.
 */
final class DependencyGraph {
    private final MutableGraph<String> graph = GraphBuilder.directed().allowsSelfLoops(false).build();

    boolean contains(String name) {
        return graph.nodes().contains(name);
    }

    Set<String> names() {
        return new TreeSet<>(graph.nodes());
    }

    /**
     * Adds a service with its direct dependencies; changes nothing when it fails.
     *
     * @throws SvcException EXISTS, BAD_REQUEST for a self-dependency, UNKNOWN_SERVICE for a missing dependency
     */
    void add(String name, Collection<String> deps) throws SvcException {
        if (contains(name)) {
            throw new SvcException(SvcErrorCode.EXISTS, "service " + name + " is registered already");
        }
        for (String dep : deps) {
            checkEdge(name, dep, false);
        }
        graph.addNode(name);
        deps.forEach(dep -> graph.putEdge(name, dep));
    }

    /**
     * Adds the edge {@code service -> dependency}.
     *
     * @throws SvcException UNKNOWN_SERVICE, BAD_REQUEST for a self-dependency, CYCLE naming the cycle
     */
    void addEdge(String service, String dependency) throws SvcException {
        if (!contains(service)) {
            throw unknown(service);
        }
        checkEdge(service, dependency, true);
        graph.putEdge(service, dependency);
    }

    private void checkEdge(String service, String dependency, boolean existing) throws SvcException {
        if (service.equals(dependency)) {
            throw new SvcException(SvcErrorCode.BAD_REQUEST, "service " + service + " cannot depend on itself");
        }
        if (!contains(dependency)) {
            throw new SvcException(SvcErrorCode.UNKNOWN_SERVICE,
                    "service " + service + " depends on unknown service " + dependency);
        }
        if (existing) {
            List<String> path = dependencyPath(dependency, service);
            if (path != null) {
                throw new SvcException(SvcErrorCode.CYCLE,
                        "cycle: " + service + " -> " + String.join(" -> ", path));
            }
        }
    }

    /** The shortest chain of dependencies from {@code from} to {@code to} (both included), or null. */
    private List<String> dependencyPath(String from, String to) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        cameFrom.put(from, from);
        while (!queue.isEmpty()) {
            String at = queue.removeFirst();
            if (at.equals(to)) {
                List<String> path = new ArrayList<>();
                for (String n = to; ; n = cameFrom.get(n)) {
                    path.addFirst(n);
                    if (n.equals(from)) {
                        return path;
                    }
                }
            }
            for (String next : new TreeSet<>(graph.successors(at))) {
                if (cameFrom.putIfAbsent(next, at) == null) {
                    queue.addLast(next);
                }
            }
        }
        return null;
    }

    /** Removes a service that nothing depends on (the caller checked) with its edges to its dependencies. */
    void remove(String name) {
        graph.removeNode(name);
    }

    /** Direct dependents, sorted. */
    List<String> dependents(String name) {
        return List.copyOf(new TreeSet<>(graph.predecessors(name)));
    }

    /** Direct dependencies, sorted. */
    List<String> deps(String name) {
        return List.copyOf(new TreeSet<>(graph.successors(name)));
    }

    /** Every service {@code name} needs, directly or not. */
    Set<String> transitiveDeps(String name) {
        Set<String> all = new HashSet<>(Graphs.reachableNodes(graph, name));
        all.remove(name);
        return all;
    }

    /** Every service that needs {@code name}, directly or not. */
    Set<String> transitiveDependents(String name) {
        Set<String> all = new HashSet<>(Graphs.reachableNodes(Graphs.transpose(graph), name));
        all.remove(name);
        return all;
    }

    /** All services, dependencies before dependents, ties broken by name. */
    List<String> startOrder() {
        return startOrder(graph.nodes());
    }

    /** The given services, dependencies before dependents (edges through other services count), by name. */
    List<String> startOrder(Collection<String> subset) {
        Map<String, Integer> pending = new HashMap<>();
        for (String n : graph.nodes()) {
            pending.put(n, graph.successors(n).size());
        }
        TreeSet<String> ready = new TreeSet<>();
        pending.forEach((n, count) -> {
            if (count == 0) {
                ready.add(n);
            }
        });
        Set<String> wanted = new HashSet<>(subset);
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.pollFirst();
            if (wanted.contains(n)) {
                order.add(n);
            }
            for (String dependent : graph.predecessors(n)) {
                if (pending.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        return order;
    }

    /** The reverse of {@link #startOrder(Collection)}: dependents before what they need. */
    List<String> stopOrder(Collection<String> subset) {
        return startOrder(subset).reversed();
    }

    /**
     * What a crash of {@code name} restarts: the service, then its transitive dependents, in start order.
     */
    List<String> restartPlan(String name) {
        Set<String> affected = transitiveDependents(name);
        affected.add(name);
        return startOrder(affected);
    }

    static SvcException unknown(String name) {
        return new SvcException(SvcErrorCode.UNKNOWN_SERVICE, "unknown service " + name);
    }
}
