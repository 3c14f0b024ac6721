package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;

/**
 * A supervisor under test with the world around it (a virtual clock, a timer queue) and a simple model: the
 * dependency edges, which services are wanted or failed, and the restart contract worked out step by step.
 * Every operation checks the actions against the model; {@link #checkInvariants} checks the states.
 */
final class SupervisorWorld {
    static final long MS = 1_000_000L;
    private static final long LOOKUP_TIMEOUT = 300 * MS;

    private record Pending(long at, long seq, Timer timer) {
    }

    /** The contract model of one service. */
    private static final class Counters {
        int startupCrashes;
        final List<Long> restartTimes = new ArrayList<>();
        long backoff;
        long readyAt;
    }

    private long now;
    private long seq;
    private final Supervisor sup = new Supervisor(() -> now, LOOKUP_TIMEOUT);
    private final Map<String, Set<String>> deps = new TreeMap<>();
    private final Map<String, RestartContract> contracts = new HashMap<>();
    /** Tasks spawned per service since it was registered: the restarts shown are the spawns after the first. */
    private final Map<String, Integer> spawns = new HashMap<>();
    private final Map<String, Counters> counters = new HashMap<>();
    private final Set<String> wanted = new HashSet<>();
    /** Services a stop took down while wanted, and whose stop it was: a start of that one brings them back. */
    private final Map<String, String> stoppedWith = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    /** Edges added while their source was running: they count from its next spawn. */
    private final Set<List<String>> lateEdges = new HashSet<>();
    private final PriorityQueue<Pending> timers =
            new PriorityQueue<>(Comparator.comparingLong(Pending::at).thenComparingLong(Pending::seq));
    private final Map<String, Timer> latestRestart = new HashMap<>();
    private final Map<String, Timer> latestStart = new HashMap<>();
    private final List<String> log = new ArrayList<>();

    Set<String> names() {
        return deps.keySet();
    }

    List<String> inState(ServiceState state) {
        return names().stream().filter(n -> state(n) == state).toList();
    }

    private ServiceState state(String name) {
        try {
            return sup.state(name);
        } catch (SvcException e) {
            throw new AssertionError(e);
        }
    }

    private boolean dependsOn(String a, String b) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(deps.get(a));
        while (!todo.isEmpty()) {
            String n = todo.removeLast();
            if (n.equals(b)) {
                return true;
            }
            if (seen.add(n)) {
                todo.addAll(deps.get(n));
            }
        }
        return false;
    }

    private Set<String> depsClosure(String name) {
        Set<String> all = new TreeSet<>();
        all.add(name);
        names().stream().filter(n -> dependsOn(name, n)).forEach(all::add);
        return all;
    }

    private Set<String> dependentsClosure(String name) {
        Set<String> all = new TreeSet<>();
        all.add(name);
        names().stream().filter(n -> dependsOn(n, name)).forEach(all::add);
        return all;
    }

    private void reset(String name) {
        Counters c = counters.get(name);
        c.startupCrashes = 0;
        c.restartTimes.clear();
        c.backoff = contracts.get(name).initialBackoff();
        failed.remove(name);
    }

    void register(String name, List<String> depList, RestartContract contract, boolean unknownDep) {
        List<String> all = new ArrayList<>(depList);
        if (unknownDep) {
            all.add("nosuch");
        }
        SvcRequest.Register spec = new SvcRequest.Register(name, name + "-prog", all, contract, List.of("n-" + name));
        log.add("register " + spec);
        try {
            sup.register(spec);
            assertFalse(unknownDep, "a registration with an unknown dependency was accepted");
        } catch (SvcException e) {
            assertTrue(unknownDep, e.getMessage());
            assertEquals(SvcErrorCode.UNKNOWN_SERVICE, e.error());
            assertEquals(SvcErrorCode.UNKNOWN_SERVICE, assertCode(() -> sup.state(name)));
            return;
        }
        deps.put(name, new TreeSet<>(depList));
        contracts.put(name, contract);
        spawns.put(name, 0);
        Counters c = new Counters();
        c.backoff = contract.initialBackoff();
        counters.put(name, c);
    }

    private interface Call {
        void run() throws SvcException;
    }

    private static SvcErrorCode assertCode(Call call) {
        try {
            call.run();
        } catch (SvcException e) {
            return e.error();
        }
        throw new AssertionError("expected a refusal");
    }

    void depend(String a, String b) {
        log.add("depend " + a + " " + b);
        if (a.equals(b)) {
            assertEquals(SvcErrorCode.BAD_REQUEST, assertCode(() -> sup.depend(a, b)));
            return;
        }
        if (dependsOn(b, a)) {
            try {
                sup.depend(a, b);
                throw new AssertionError("edge " + a + " -> " + b + " closes a cycle but was accepted");
            } catch (SvcException e) {
                assertEquals(SvcErrorCode.CYCLE, e.error());
                String[] path = e.getMessage().substring("cycle: ".length()).split(" -> ");
                assertEquals(a, path[0], e.getMessage());
                assertEquals(b, path[1], e.getMessage());
                assertEquals(a, path[path.length - 1], e.getMessage());
                for (int i = 1; i < path.length - 1; i++) {
                    assertTrue(deps.get(path[i]).contains(path[i + 1]), e.getMessage());
                }
            }
            return;
        }
        try {
            sup.depend(a, b);
        } catch (SvcException e) {
            throw new AssertionError(e);
        }
        deps.get(a).add(b);
        if (state(a).running()) {
            lateEdges.add(List.of(a, b));
        }
    }

    /** Refused while others depend on it; otherwise the service is killed if it runs and forgotten. */
    void unregister(String name) {
        log.add("unregister " + name);
        String before = ServiceTable.render(sup.statuses());
        if (names().stream().anyMatch(n -> deps.get(n).contains(name))) {
            assertEquals(SvcErrorCode.IN_USE, assertCode(() -> sup.unregister(name)));
            assertEquals(before, ServiceTable.render(sup.statuses()), "a refused unregister changes nothing");
            return;
        }
        boolean running = state(name).running();
        List<Action> actions;
        try {
            actions = sup.unregister(name);
        } catch (SvcException e) {
            throw new AssertionError(e);
        }
        apply(actions);
        assertEquals(running, actions.contains(new Action.Kill(name, "unregistered")), actions.toString());
        assertEquals(new Action.Forget(name, List.of()), actions.getLast());
        deps.remove(name);
        contracts.remove(name);
        spawns.remove(name);
        counters.remove(name);
        wanted.remove(name);
        failed.remove(name);
        stoppedWith.remove(name);
        stoppedWith.values().removeIf(name::equals);
        lateEdges.removeIf(e -> e.contains(name));
        latestRestart.remove(name);
        latestStart.remove(name);
        assertEquals(SvcErrorCode.UNKNOWN_SERVICE, assertCode(() -> sup.state(name)));
    }

    private void want(String name) {
        for (String n : depsClosure(name)) {
            ServiceState s = state(n);
            if (s == ServiceState.STOPPED || s == ServiceState.FAILED) {
                reset(n);
            }
            wanted.add(n);
        }
    }

    void start(String name) throws SvcException {
        log.add("start " + name);
        Set<String> all = new HashSet<>(depsClosure(name));
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Map.Entry<String, String> e : stoppedWith.entrySet()) {
                if (all.contains(e.getValue()) && !all.contains(e.getKey())) {
                    all.addAll(depsClosure(e.getKey()));
                    grew = true;
                }
            }
        }
        for (String n : all) {
            stoppedWith.remove(n);
            want(n);
        }
        apply(sup.start(name).actions());
    }

    void stop(String name) throws SvcException {
        log.add("stop " + name);
        for (String n : dependentsClosure(name)) {
            if (!n.equals(name) && (wanted.contains(n) || state(n).running())) {
                stoppedWith.put(n, name);
            }
            wanted.remove(n);
            failed.remove(n);
        }
        stoppedWith.remove(name);
        apply(sup.stop(name).actions());
    }

    void restart(String name) throws SvcException {
        log.add("restart " + name);
        for (String n : dependentsClosure(name)) {
            if (state(n) != ServiceState.STOPPED) {
                reset(n);
            }
        }
        reset(name);
        stoppedWith.remove(name);
        want(name);
        apply(sup.restart(name).actions());
    }

    void ready(String name) {
        log.add("ready " + name);
        counters.get(name).readyAt = now;
        counters.get(name).startupCrashes = 0;
        apply(sup.on(new Event.ReadyReported(name)));
        assertEquals(ServiceState.READY, state(name));
    }

    void taskStarted(String name) {
        log.add("task started " + name);
        boolean becomesReady = contracts.get(name).readyOnStart();
        if (becomesReady) {
            counters.get(name).readyAt = now;
            counters.get(name).startupCrashes = 0;
        }
        apply(sup.on(new Event.TaskStarted(name)));
        assertEquals(becomesReady ? ServiceState.READY : ServiceState.STARTING, state(name));
    }

    void crash(String name, long after) {
        now += after;
        log.add("crash " + name + " at " + now);
        crashes(name, () -> sup.on(new Event.Crashed(name, "test")));
    }

    /** Works out what the contract says of a crash of {@code name}, applies it and checks the supervisor agrees. */
    private void crashes(String name, Supplier<List<Action>> event) {
        ServiceState before = state(name);
        RestartContract c = contracts.get(name);
        Counters k = counters.get(name);
        boolean fails;
        if (c.policy() == RestartContract.Policy.NEVER) {
            fails = true;
        } else if (before == ServiceState.STARTING && ++k.startupCrashes > c.startupRetries()) {
            fails = true;
        } else {
            if (before == ServiceState.READY && now - k.readyAt >= c.minRunNanos()) {
                k.backoff = c.initialBackoff();
            }
            k.restartTimes.removeIf(t -> t <= now - c.windowNanos());
            fails = k.restartTimes.size() >= c.maxRestarts();
        }
        List<Action> actions = event.get();
        apply(actions);
        List<Action.ScheduleTimer> restartTimers = actions.stream()
                .filter(a -> a instanceof Action.ScheduleTimer t && t.timer().kind() == Timer.Kind.RESTART)
                .map(a -> (Action.ScheduleTimer) a).toList();
        if (fails) {
            failed.add(name);
            assertEquals(ServiceState.FAILED, state(name), "the contract is exhausted");
            assertEquals(List.of(), restartTimers);
        } else {
            assertEquals(ServiceState.BACKOFF, state(name), "the contract allows a restart");
            assertEquals(1, restartTimers.size());
            assertEquals(now + k.backoff, restartTimers.getFirst().at(), "backoff");
            k.restartTimes.add(now);
            k.backoff = Math.min(c.maxBackoff(), 2 * k.backoff);
        }
    }

    void nameWanted(String owner) {
        log.add("lookup n-" + owner);
        boolean ownerFailed = state(owner) == ServiceState.FAILED;
        if (!ownerFailed) {
            want(owner);
        }
        List<Action> actions = sup.on(new Event.NameWanted("n-" + owner));
        apply(actions);
        if (ownerFailed) {
            assertEquals(1, actions.size());
            assertTrue(actions.getFirst() instanceof Action.NameUnavailable);
        }
    }

    void advance(long by) {
        long target = now + by;
        log.add("advance to " + target);
        while (!timers.isEmpty() && timers.peek().at() <= target) {
            Pending p = timers.poll();
            now = Math.max(now, p.at());
            if (p.timer().equals(latestRestart.get(p.timer().subject()))) {
                latestRestart.remove(p.timer().subject());
            }
            Timer t = p.timer();
            if (t.kind() == Timer.Kind.START_TIMEOUT && t.equals(latestStart.get(t.subject()))
                    && state(t.subject()) == ServiceState.STARTING) {
                log.add("start timeout " + t.subject() + " at " + now);
                crashes(t.subject(), () -> sup.on(new Event.TimerFired(t)));
            } else {
                apply(sup.on(new Event.TimerFired(t)));
            }
        }
        now = target;
    }

    private void apply(List<Action> actions) {
        List<String> killed = new ArrayList<>();
        List<String> spawned = new ArrayList<>();
        for (Action a : actions) {
            log.add("  -> " + a);
            switch (a) {
                case Action.Kill k -> {
                    for (String earlier : killed) {
                        assertFalse(dependsOn(k.service(), earlier),
                                k.service() + " needs " + earlier + " but was killed after it: " + log);
                    }
                    killed.add(k.service());
                }
                case Action.Spawn s -> {
                    assertEquals(s.service() + "-prog", s.program());
                    spawned.add(s.service());
                    spawns.merge(s.service(), 1, Integer::sum);
                    lateEdges.removeIf(e -> e.getFirst().equals(s.service()));
                }
                case Action.ScheduleTimer t -> {
                    timers.add(new Pending(t.at(), seq++, t.timer()));
                    switch (t.timer().kind()) {
                        case RESTART -> latestRestart.put(t.timer().subject(), t.timer());
                        case START_TIMEOUT -> {
                            assertEquals(now + contracts.get(t.timer().subject()).startTimeout(), t.at());
                            latestStart.put(t.timer().subject(), t.timer());
                        }
                        case LOOKUP -> assertEquals(now + LOOKUP_TIMEOUT, t.at());
                    }
                }
                case Action.NameUnavailable u -> assertTrue(u.reason().contains(names().stream()
                        .filter(n -> u.name().equals("n-" + n)).findFirst().orElseThrow()), u.reason());
                case Action.Forget f -> assertEquals(List.of(), f.handles(), "no handles were given");
            }
        }
        for (String s : spawned) {
            if (contracts.get(s).startTimeout() > 0) {
                assertTrue(actions.stream().anyMatch(a -> a instanceof Action.ScheduleTimer t
                        && t.timer().kind() == Timer.Kind.START_TIMEOUT && t.timer().subject().equals(s)),
                        s + " was spawned without its start-up timeout");
            }
            assertEquals(ServiceState.STARTING, state(s));
            for (String d : deps.get(s)) {
                assertEquals(ServiceState.READY, state(d), s + " was spawned before its dependency " + d + ": " + log);
            }
        }
    }

    void checkInvariants() {
        for (String n : names()) {
            ServiceState s = state(n);
            assertEquals(!wanted.contains(n), s == ServiceState.STOPPED, n + " " + s + " " + log);
            assertEquals(failed.contains(n), s == ServiceState.FAILED, n + " " + s + " " + log);
            if (s.running()) {
                for (String d : deps.get(n)) {
                    if (!lateEdges.contains(List.of(n, d))) {
                        assertEquals(ServiceState.READY, state(d), n + " runs without " + d + ": " + log);
                    }
                }
            }
            if (s == ServiceState.WAITING) {
                assertTrue(deps.get(n).stream().anyMatch(d -> state(d) != ServiceState.READY),
                        n + " waits although everything it needs is ready: " + log);
            }
            if (s == ServiceState.BACKOFF) {
                assertTrue(latestRestart.containsKey(n), n + " is in backoff with no restart pending: " + log);
            }
        }
        StringBuilder expected = new StringBuilder();
        for (String n : names()) {
            Set<String> d = deps.get(n);
            expected.append(n).append(' ').append(state(n).word()).append(" restarts=").append(Math.max(0, spawns.get(n) - 1))
                    .append(" deps=").append(d.isEmpty() ? "-" : String.join(",", d)).append('\n');
        }
        String table = ServiceTable.render(sup.statuses()).replaceAll(" why=\"[^\"]*\"", "");
        assertEquals(expected.toString(), table);
    }

    @Override
    public String toString() {
        return "SupervisorWorld" + deps;
    }
}
