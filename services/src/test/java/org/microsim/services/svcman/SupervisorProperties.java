package org.microsim.services.svcman;

import static org.microsim.services.svcman.SupervisorWorld.MS;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;

/**
 * Random service graphs driven through random starts, stops, restarts, readiness reports, crashes, lookups of
 * reserved names, unregistrations (names then reused) and the passing of virtual time, checked step by step
 * against {@link SupervisorWorld}'s model.
 */
class SupervisorProperties {
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "g");

    @Property(tries = 150)
    void theSupervisorFollowsItsModel(@ForAll("chains") ActionChain<SupervisorWorld> chain) {
        chain.withInvariant("model", SupervisorWorld::checkInvariants).run();
    }

    @Provide
    Arbitrary<ActionChain<SupervisorWorld>> chains() {
        return ActionChain.startWith(SupervisorWorld::new)
                .withAction(2, register())
                .withAction(depend())
                .withAction(onService("start", w -> w.names(), (w, n) -> w.start(n)))
                .withAction(onService("stop", w -> w.names(), (w, n) -> w.stop(n)))
                .withAction(onService("restart", w -> w.names(), (w, n) -> w.restart(n)))
                .withAction(3, onService("ready", w -> w.inState(ServiceState.STARTING), SupervisorWorld::ready))
                .withAction(onService("task started", w -> w.inState(ServiceState.STARTING),
                        SupervisorWorld::taskStarted))
                .withAction(2, crash())
                .withAction(onService("lookup", w -> w.names(), SupervisorWorld::nameWanted))
                .withAction(2, advance())
                .withAction(onService("unregister", w -> w.names(), (w, n) -> w.unregister(n)))
                .withMaxTransformations(60);
    }

    private interface Step {
        void apply(SupervisorWorld w, String name) throws Exception;
    }

    private interface Pick {
        java.util.Collection<String> from(SupervisorWorld w);
    }

    private static Action.Dependent<SupervisorWorld> onService(String what, Pick pick, Step step) {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(SupervisorWorld w) {
                return !pick.from(w).isEmpty();
            }

            @Override
            public Arbitrary<Transformer<SupervisorWorld>> transformer(SupervisorWorld w) {
                return Arbitraries.of(List.copyOf(pick.from(w))).map(n -> Transformer.mutate(what + " " + n, x -> {
                    try {
                        step.apply(x, n);
                    } catch (Exception e) {
                        throw new AssertionError(what + " " + n, e);
                    }
                }));
            }
        };
    }

    private static Action.Independent<SupervisorWorld> advance() {
        return () -> Arbitraries.longs().between(0, 300).map(ms -> Transformer.<SupervisorWorld>mutate(
                "advance " + ms + " ms", w -> w.advance(ms * MS)));
    }

    private static Action.Dependent<SupervisorWorld> crash() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(SupervisorWorld w) {
                return w.names().stream().anyMatch(n -> running(w, n));
            }

            @Override
            public Arbitrary<Transformer<SupervisorWorld>> transformer(SupervisorWorld w) {
                List<String> running = w.names().stream().filter(n -> running(w, n)).toList();
                return Combinators.combine(Arbitraries.of(running), Arbitraries.longs().between(0, 200))
                        .as((n, ms) -> Transformer.mutate("crash " + n + " after " + ms + " ms",
                                x -> x.crash(n, ms * MS)));
            }
        };
    }

    private static boolean running(SupervisorWorld w, String n) {
        return w.inState(ServiceState.STARTING).contains(n) || w.inState(ServiceState.READY).contains(n);
    }

    private static Action.Dependent<SupervisorWorld> register() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(SupervisorWorld w) {
                return w.names().size() < NAMES.size();
            }

            @Override
            public Arbitrary<Transformer<SupervisorWorld>> transformer(SupervisorWorld w) {
                String name = NAMES.stream().filter(n -> !w.names().contains(n)).findFirst().orElseThrow();
                Arbitrary<List<String>> deps = w.names().isEmpty() ? Arbitraries.just(List.of())
                        : Arbitraries.of(List.copyOf(w.names())).list().uniqueElements().ofMaxSize(3);
                return Combinators.combine(deps, contracts(), Arbitraries.of(false, false, false, true))
                        .as((d, c, bad) -> Transformer.mutate("register " + name + " deps=" + d + " " + c
                                + (bad ? " +unknown dep" : ""), x -> x.register(name, d, c, bad)));
            }
        };
    }

    private static Action.Dependent<SupervisorWorld> depend() {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(SupervisorWorld w) {
                return !w.names().isEmpty();
            }

            @Override
            public Arbitrary<Transformer<SupervisorWorld>> transformer(SupervisorWorld w) {
                Arbitrary<String> any = Arbitraries.of(List.copyOf(w.names()));
                return Combinators.combine(any, any)
                        .as((a, b) -> Transformer.mutate("depend " + a + " -> " + b, x -> x.depend(a, b)));
            }
        };
    }

    static Arbitrary<RestartContract> contracts() {
        Arbitrary<RestartContract.Policy> policy =
                Arbitraries.of(RestartContract.Policy.ON_CRASH, RestartContract.Policy.ON_CRASH,
                        RestartContract.Policy.NEVER);
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 3);
        Arbitrary<Long> ms = Arbitraries.longs().between(0, 100);
        Arbitrary<Start> start = Combinators.combine(Arbitraries.of(false, false, true),
                Arbitraries.of(0L, 0L, 30L, 120L)).as(Start::new);
        return Combinators.combine(policy, small, Arbitraries.longs().between(1, 1_000), ms, ms, ms, small, start)
                .as((p, max, window, initial, extra, minRun, retries, s) -> new RestartContract(p, max,
                        window * MS, initial * MS, (initial + extra) * MS, minRun * MS, retries, s.timeoutMs() * MS,
                        s.readyOnStart()));
    }

    private record Start(boolean readyOnStart, long timeoutMs) {
    }
}
