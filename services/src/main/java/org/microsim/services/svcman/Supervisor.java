package org.microsim.services.svcman;

import org.microsim.abi.svc.SvcException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;

/**
 * The service manager's brain: a deterministic state machine that turns requests and events into
 * {@link Action}s. It owns no thread, reads no clock but the injected one and talks to nobody, so the IPC loop
 * around it stays thin and every interleaving can be replayed in a test.
 *
 * <p><b>Starting.</b> A start makes the service and its transitive dependencies <i>wanted</i>. After every
 * change the supervisor sweeps the services in dependency order (ties by name) and spawns each wanted one
 * whose dependencies are all ready; the others wait. So a start order is always a topological order, and a
 * service is never spawned before what it needs has said it is ready.
 *
 * <p><b>Stopping.</b> A stop takes the service down with everything that depends on it, dependents first, and
 * each wanted dependent remembers whose stop took it down; a start of that service brings them back, so a stop
 * and a start are inverses (systemd's {@code PartOf=} works the same way). A service stopped on its own stays
 * stopped. Start, stop and restart name the services they change, for the caller to show.
 *
 * <p><b>Taking over.</b> A service manager that was itself restarted is told every service again (init and devd
 * register them anew) and {@link #adopt adopts} the tasks its predecessor had started, which the kernel still
 * knows by their names: a live one is the ready service, a dead one a stopped service to start in its slot.
 *
 * <p><b>Crashing.</b> A crash is handled as OTP's {@code rest_for_one} and systemd's {@code Requires=}: the
 * running dependents are killed first, dependents before what they need, and go back to waiting; the crashed
 * service is restarted under its {@link RestartContract}; when it is ready again the sweep restarts the
 * dependents in topological order. The contract decides whether there is a restart at all: a crash before the
 * service reported ready counts against {@code startupRetries} (MINIX 3 does not retry forever a driver that
 * dies while starting), and so does not reporting ready within {@code startTimeout}; every restart counts against the intensity ({@code maxRestarts} in {@code window});
 * the delay doubles up to the cap and falls back to the initial one after a run of at least {@code minRun}
 * (Hubris). When the contract is exhausted the service is {@code failed}, waiters for its names are told so,
 * and only an explicit start or restart tries again.
 *
 * <p><b>Start handles and unregistering.</b> A service may be registered with start handles; every spawn of it,
 * restarts included, passes them in order. Unregistering is refused while other services depend on the
 * service (they are taken apart bottom-up, as Fuchsia removes a device node after its children); otherwise
 * the service is stopped and forgotten with its names, and its handles are handed back to be closed.
 *
 * <p><b>Reserved names.</b> The first lookup of a reserved name starts its owner; the openers are released by
 * the kernel when the port appears, or told {@code unavailable: why} when the owner fails, is stopped or
 * does not provide the name within the lookup timeout. Names nobody reserved start nothing.
 */
final class Supervisor {
    private final LongSupplier clock;
    private final long lookupTimeout;
    private final DependencyGraph graph = new DependencyGraph();
    private final Map<String, Supervised> services = new HashMap<>();
    private final NameReservations names = new NameReservations();
    /** The source of service tokens: unique across services, so a timer never outlives its service's name. */
    private long tokens;

    /**
     * A supervisor with no services.
     *
     * @param clock         virtual nanoseconds since boot
     * @param lookupTimeout how long openers of a reserved name wait for its owner, in virtual nanoseconds
     */
    public Supervisor(LongSupplier clock, long lookupTimeout) {
        this.clock = clock;
        this.lookupTimeout = lookupTimeout;
    }

    /**
     * Registers a service (stopped); changes nothing when refused.
     *
     * @throws SvcException EXISTS (the name or a reserved name is taken), UNKNOWN_SERVICE (a dependency),
     *                          BAD_REQUEST (a self-dependency)
     */
    public void register(SvcRequest.Register spec) throws SvcException {
        String taken = names.firstTaken(spec.reserved());
        if (taken != null) {
            throw new SvcException(SvcErrorCode.EXISTS,
                    "name " + taken + " is reserved by " + names.owner(taken) + " already");
        }
        graph.add(spec.name(), spec.deps());
        services.put(spec.name(), new Supervised(spec));
        names.reserve(spec.reserved(), spec.name());
    }

    /**
     * Takes on the task a registered service already has: one a previous service manager started, which went on
     * running (or ended) while this one was down, found by its name in the kernel's task table. A live task
     * is the running, ready service; a dead one leaves the service stopped, to be started again in the same
     * slot. Either way the restarts count on from the task's generation.
     */
    public List<Action> adopt(String service, int generation, boolean alive) throws SvcException {
        require(service);
        Supervised s = services.get(service);
        List<Action> actions = new ArrayList<>();
        s.spawns = generation + 1;
        if (alive) {
            s.wanted = true;
            s.state = ServiceState.READY;
            s.readyAt = clock.getAsLong();
            s.token = ++tokens;
            sweep(actions);
        }
        return actions;
    }

    /**
     * Stops and forgets a service nothing depends on: its task is killed, waiters for its names are told it is
     * gone, and a {@link Action.Forget} hands its start handles back to be closed.
     *
     * @throws SvcException UNKNOWN_SERVICE, IN_USE naming the services that depend on it
     */
    public List<Action> unregister(String service) throws SvcException {
        require(service);
        List<String> dependents = graph.dependents(service);
        if (!dependents.isEmpty()) {
            throw new SvcException(SvcErrorCode.IN_USE, "service " + service + " is needed by "
                    + String.join(", ", dependents) + ": unregister them first");
        }
        List<Action> actions = new ArrayList<>();
        Supervised s = services.remove(service);
        if (s.state.running()) {
            actions.add(new Action.Kill(service, "unregistered"));
        }
        services.values().stream().filter(o -> service.equals(o.stoppedWith)).forEach(o -> o.stoppedWith = null);
        unavailable(service, service + " was unregistered", actions);
        names.release(service);
        graph.remove(service);
        actions.add(new Action.Forget(service, s.spec.handles()));
        return actions;
    }

    /**
     * Makes {@code service} depend on {@code dependency}. A running service is not restarted for it; the edge
     * counts from its next start.
     *
     * @throws SvcException UNKNOWN_SERVICE, BAD_REQUEST (self-dependency), CYCLE naming the cycle
     */
    public void depend(String service, String dependency) throws SvcException {
        graph.addEdge(service, dependency);
    }

    /**
     * What a start, stop or restart changed: the services it started, stopped or restarted, in the order it
     * does so (empty when there was nothing to do), and the actions that carry it out.
     */
    record Change(List<String> services, List<Action> actions) {
    }

    /**
     * Starts a service and, first, its dependencies; then the services a stop of any of them took down with
     * it (so that a start undoes a stop). A stopped or failed one starts with a clean contract.
     *
     * @throws SvcException UNKNOWN_SERVICE
     */
    public Change start(String service) throws SvcException {
        require(service);
        Set<String> all = new HashSet<>();
        for (String next = service; next != null; ) {
            all.add(next);
            all.addAll(graph.transitiveDeps(next));
            next = services.entrySet().stream()
                    .filter(e -> all.contains(e.getValue().stoppedWith) && !all.contains(e.getKey()))
                    .map(Map.Entry::getKey).sorted().findFirst().orElse(null);
        }
        List<String> started = graph.startOrder(all).stream().filter(name -> !onItsWay(services.get(name)))
                .toList();
        for (String name : all) {
            services.get(name).stoppedWith = null;
            want(name);
        }
        List<Action> actions = new ArrayList<>();
        sweep(actions);
        return new Change(started, actions);
    }

    /** Wanted and running, or about to be: a start has nothing to do for it. */
    private static boolean onItsWay(Supervised s) {
        return s.wanted && s.state != ServiceState.STOPPED && s.state != ServiceState.FAILED;
    }

    private void want(String service) {
        Set<String> all = graph.transitiveDeps(service);
        all.add(service);
        for (String name : all) {
            Supervised s = services.get(name);
            s.wanted = true;
            if (s.state == ServiceState.FAILED || s.state == ServiceState.STOPPED) {
                s.clearFailures();
            }
        }
    }

    /**
     * Stops a service and everything that depends on it, dependents first. The dependents that were wanted
     * remember that this stop took them down, so that a start of the service brings them back.
     *
     * @throws SvcException UNKNOWN_SERVICE
     */
    public Change stop(String service) throws SvcException {
        require(service);
        List<Action> actions = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (String name : graph.stopOrder(withDependents(service))) {
            Supervised s = services.get(name);
            if (s.wanted || s.state.running()) {
                stopped.add(name);
                if (!name.equals(service)) {
                    s.stoppedWith = service;
                }
            }
            if (name.equals(service)) {
                s.stoppedWith = null;
            }
            if (s.state.running()) {
                actions.add(new Action.Kill(name, "stop requested for " + service));
            }
            s.wanted = false;
            s.state = ServiceState.STOPPED;
            s.token = ++tokens;
            unavailable(name, name + " was stopped", actions);
        }
        return new Change(stopped, actions);
    }

    /**
     * Stops then starts a service and its wanted dependents, clearing the service's failures.
     *
     * @throws SvcException UNKNOWN_SERVICE
     */
    public Change restart(String service) throws SvcException {
        require(service);
        List<Action> actions = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        for (String name : graph.stopOrder(withDependents(service))) {
            Supervised s = services.get(name);
            if (s.state.running()) {
                actions.add(new Action.Kill(name, "restart requested for " + service));
            }
            if (s.state != ServiceState.STOPPED || name.equals(service)) {
                restarted.add(name);
            }
            if (s.state != ServiceState.STOPPED) {
                s.clearFailures();
                s.state = ServiceState.WAITING;
                s.token = ++tokens;
            }
        }
        services.get(service).clearFailures();
        services.get(service).stoppedWith = null;
        want(service);
        sweep(actions);
        return new Change(graph.startOrder(restarted), actions);
    }

    /** Applies an event. Events about unknown services, or stale ones, change nothing. */
    public List<Action> on(Event event) {
        List<Action> actions = new ArrayList<>();
        switch (event) {
            case Event.TaskStarted(String name) -> {
                Supervised s = services.get(name);
                if (s != null && s.state == ServiceState.STARTING && s.contract().readyOnStart()) {
                    becomeReady(s, actions);
                }
            }
            case Event.ReadyReported(String name) -> {
                Supervised s = services.get(name);
                if (s != null && s.state == ServiceState.STARTING) {
                    becomeReady(s, actions);
                }
            }
            case Event.Crashed(String name, String cause) -> {
                Supervised s = services.get(name);
                if (s != null && s.state.running()) {
                    crashed(name, s, cause, false, actions);
                }
            }
            case Event.SpawnRefused(String name, String cause) -> {
                Supervised s = services.get(name);
                if (s != null && s.state == ServiceState.STARTING) {
                    s.token = ++tokens;
                    s.spawns--;
                    fail(name, s, "cannot be started: " + cause, actions);
                }
            }
            case Event.TimerFired(Timer timer) -> fired(timer, actions);
            case Event.NameWanted(String name) -> nameWanted(name, actions);
            case Event.PortAppeared(String name) -> names.endWait(name);
        }
        return actions;
    }

    private void becomeReady(Supervised s, List<Action> actions) {
        s.state = ServiceState.READY;
        s.readyAt = clock.getAsLong();
        s.startupCrashes = 0;
        s.detail = "";
        sweep(actions);
    }

    /** A crash, or with {@code killItself} a start-up timeout, which the supervisor ends by killing the task. */
    private void crashed(String name, Supervised s, String cause, boolean killItself, List<Action> actions) {
        for (String dependent : graph.stopOrder(graph.transitiveDependents(name))) {
            Supervised d = services.get(dependent);
            if (d.state.running()) {
                actions.add(new Action.Kill(dependent, "dependency " + name + " crashed"));
                d.state = ServiceState.WAITING;
            }
        }
        if (killItself) {
            actions.add(new Action.Kill(name, cause));
        }
        long now = clock.getAsLong();
        RestartContract c = s.contract();
        boolean duringStartup = s.state == ServiceState.STARTING;
        s.token = ++tokens;
        if (c.policy() == RestartContract.Policy.NEVER) {
            fail(name, s, "crashed (" + cause + "), restart policy is never", actions);
            return;
        }
        if (duringStartup) {
            s.startupCrashes++;
            if (s.startupCrashes > c.startupRetries()) {
                fail(name, s, "crashed " + s.startupCrashes + " times while starting (" + cause + ")", actions);
                return;
            }
        } else if (now - s.readyAt >= c.minRunNanos()) {
            s.backoff = c.initialBackoff();
        }
        while (!s.recentRestarts.isEmpty() && s.recentRestarts.peekFirst() <= now - c.windowNanos()) {
            s.recentRestarts.removeFirst();
        }
        if (s.recentRestarts.size() >= c.maxRestarts()) {
            fail(name, s, "crashed (" + cause + ") after " + s.recentRestarts.size() + " restarts within "
                    + c.windowNanos() / 1_000_000 + " ms", actions);
            return;
        }
        s.recentRestarts.addLast(now);
        s.state = ServiceState.BACKOFF;
        s.detail = "crashed: " + cause;
        actions.add(new Action.ScheduleTimer(new Timer(Timer.Kind.RESTART, name, s.token), now + s.backoff));
        s.backoff = Math.min(c.maxBackoff(), s.backoff > c.maxBackoff() / 2 ? c.maxBackoff() : s.backoff * 2);
    }

    private void fail(String name, Supervised s, String why, List<Action> actions) {
        s.state = ServiceState.FAILED;
        s.detail = why;
        unavailable(name, name + " failed: " + why, actions);
    }

    private void unavailable(String owner, String why, List<Action> actions) {
        for (String name : names.endWaitsOf(owner)) {
            actions.add(new Action.NameUnavailable(name, why));
        }
    }

    private void fired(Timer timer, List<Action> actions) {
        switch (timer.kind()) {
            case RESTART -> {
                Supervised s = services.get(timer.subject());
                if (s != null && s.state == ServiceState.BACKOFF && s.token == timer.token()) {
                    s.state = ServiceState.WAITING;
                    sweep(actions);
                }
            }
            case START_TIMEOUT -> {
                Supervised s = services.get(timer.subject());
                if (s != null && s.state == ServiceState.STARTING && s.token == timer.token()) {
                    String why = "did not report ready within " + s.contract().startTimeout() / 1_000_000 + " ms";
                    crashed(timer.subject(), s, why, true, actions);
                }
            }
            case LOOKUP -> {
                if (names.endWait(timer.subject(), timer.token())) {
                    String owner = names.owner(timer.subject());
                    actions.add(new Action.NameUnavailable(timer.subject(), owner
                            + " did not provide " + timer.subject() + " within " + lookupTimeout / 1_000_000
                            + " ms (it is " + services.get(owner).state.word() + ")"));
                }
            }
        }
    }

    private void nameWanted(String name, List<Action> actions) {
        String owner = names.owner(name);
        if (owner == null) {
            return;
        }
        Supervised s = services.get(owner);
        if (s.state == ServiceState.FAILED) {
            actions.add(new Action.NameUnavailable(name, owner + " failed: " + s.detail));
            return;
        }
        long token = names.startWaiting(name);
        if (token >= 0) {
            actions.add(new Action.ScheduleTimer(new Timer(Timer.Kind.LOOKUP, name, token),
                    clock.getAsLong() + lookupTimeout));
        }
        want(owner);
        sweep(actions);
    }

    /** Spawns, in dependency order, every wanted service whose dependencies are all ready. */
    private void sweep(List<Action> actions) {
        for (String name : graph.startOrder()) {
            Supervised s = services.get(name);
            if (!s.wanted || (s.state != ServiceState.STOPPED && s.state != ServiceState.WAITING)) {
                continue;
            }
            boolean depsReady = graph.deps(name).stream()
                    .allMatch(d -> services.get(d).state == ServiceState.READY);
            if (depsReady) {
                s.state = ServiceState.STARTING;
                s.token = ++tokens;
                s.spawns++;
                actions.add(new Action.Spawn(name, s.spec.program(), s.spec.handles()));
                long timeout = s.contract().startTimeout();
                if (timeout > 0) {
                    actions.add(new Action.ScheduleTimer(new Timer(Timer.Kind.START_TIMEOUT, name, s.token),
                            clock.getAsLong() + timeout));
                }
            } else {
                s.state = ServiceState.WAITING;
            }
        }
    }

    private Set<String> withDependents(String service) {
        Set<String> all = graph.transitiveDependents(service);
        all.add(service);
        return all;
    }

    private void require(String service) throws SvcException {
        if (!services.containsKey(service)) {
            throw DependencyGraph.unknown(service);
        }
    }

    /** The state of a service. */
    public ServiceState state(String service) throws SvcException {
        require(service);
        return services.get(service).state;
    }

    /** The status of a service. */
    public ServiceStatus status(String service) throws SvcException {
        require(service);
        Supervised s = services.get(service);
        return new ServiceStatus(service, s.state, s.restarts(), graph.deps(service), s.detail);
    }

    /** Every service's status, sorted by name. */
    public List<ServiceStatus> statuses() {
        List<ServiceStatus> out = new ArrayList<>();
        for (String name : graph.names()) {
            Supervised s = services.get(name);
            out.add(new ServiceStatus(name, s.state, s.restarts(), graph.deps(name), s.detail));
        }
        return out;
    }

    /** All services in start order (dependencies first, ties by name). */
    public List<String> startOrder() {
        return graph.startOrder();
    }

    /** What a crash of {@code service} restarts, in order: the service, then its transitive dependents. */
    public List<String> restartPlan(String service) throws SvcException {
        require(service);
        return graph.restartPlan(service);
    }
}
