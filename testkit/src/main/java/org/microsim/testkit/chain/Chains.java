package org.microsim.testkit.chain;

import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;
import org.microsim.testkit.SimMachine;
import org.microsim.testkit.action.Action;

/**
 * jqwik action chains over a machine, whose failures print a scenario. Each step of a chain is one {@link Action},
 * its transformation is the action's scenario line, and {@link #run} checks the invariants after every step; when
 * one does not hold, or a command fails with an internal error, the failure says which invariant, why, the seed, and
 * the whole run as a {@code .scn} with the {@code sim run --seed N} line that replays it (unless the machine runs
 * programs of the test's own, which {@code sim} does not have: the report says so). jqwik shrinks a failing chain
 * to a shorter one, and the scenario printed is the shrunk chain's.
 *
 * <pre>{@code
 * @Property(tries = 10)
 * void survives(@ForAll("chains") ActionChain<MachineState> chain) {
 *     Chains.run(chain, Invariant.acknowledgedFilesSurvive());
 * }
 *
 * @Provide
 * Arbitrary<ActionChain<MachineState>> chains() {
 *     return Chains.of(() -> SimMachine.builder().build(), Workloads.files(List.of("/vol/ahci0:disk0p2")), 12);
 * }
 * }</pre>
 */
public final class Chains {
    /** The state of the chain this thread runs, so that {@link #run} can close its machine and print its scenario. */
    private static final ThreadLocal<MachineState> CURRENT = new ThreadLocal<>();

    private Chains() {
    }

    /**
     * Chains of up to {@code maxActions} actions drawn from {@code actions}, each on a fresh machine from
     * {@code machines}.
     */
    public static ActionChainArbitrary<MachineState> of(Supplier<SimMachine> machines,
                                                        Arbitrary<? extends Action> actions, int maxActions) {
        return ActionChain.<MachineState>startWith(() -> {
            MachineState state = new MachineState(machines.get());
            CURRENT.set(state);
            return state;
        }).withAction((net.jqwik.api.state.Action.Independent<MachineState>) () -> actions.map(a ->
                Transformer.mutate(a.toScenarioLine(), s -> s.apply(a)))).withMaxTransformations(maxActions);
    }

    /**
     * Runs the chain, checking every invariant after each action, and closes its machine.
     *
     * @throws AssertionError naming the invariant (or the command) that failed, with the replayable scenario
     */
    public static void run(ActionChain<MachineState> chain, Invariant... invariants) {
        for (Invariant invariant : invariants) {
            chain = chain.withInvariant(invariant.name(), s -> invariant.check().apply(s).ifPresent(why -> {
                throw new InvariantFailed(invariant.name(), why);
            }));
        }
        try {
            chain.run();
        } catch (org.opentest4j.TestAbortedException e) {
            throw e; // a check that needs a host tool which is not installed skips the property
        } catch (RuntimeException | AssertionError e) {
            // jqwik wraps what an invariant throws in an error of its own: the cause says which one failed.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvariantFailed failed) {
                    throw report("invariant '" + failed.invariant + "' failed: " + failed.why);
                }
            }
            throw report("a command failed: " + e.getMessage());
        } finally {
            MachineState state = CURRENT.get();
            CURRENT.remove();
            if (state != null) {
                state.close();
            }
        }
    }

    private static AssertionError report(String what) {
        MachineState state = CURRENT.get();
        if (state == null) {
            return new AssertionError(what);
        }
        SimMachine m = state.machine();
        List<Action> done = state.actions();
        // sim has none of the test's own programs: that run is the test's to repeat, not sim run's.
        String replay = m.ownPrograms().isEmpty() ? "replay with: " + m.replayCommand() + ", FILE.scn holding:\n"
                : "it runs programs of the test's own (" + String.join(", ", m.ownPrograms()) + "), which sim does not "
                        + "have: replay it from the test (same seed, same chain), not with sim run; it ran:\n";
        return new AssertionError(what + "\nafter " + done.size() + " action(s), seed " + m.seed() + "; " + replay
                + m.scenario());
    }

    /** An invariant that did not hold: carried out of jqwik's chain to {@link #run}. */
    private static final class InvariantFailed extends RuntimeException {
        private final String invariant;
        private final String why;

        InvariantFailed(String invariant, String why) {
            super(invariant + ": " + why, null, false, false);
            this.invariant = invariant;
            this.why = why;
        }
    }
}
