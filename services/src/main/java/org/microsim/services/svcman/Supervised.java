package org.microsim.services.svcman;

import java.util.ArrayDeque;
import java.util.Deque;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.ServiceState;
import org.microsim.abi.svc.SvcRequest;

/** The supervisor's bookkeeping for one service; mutated only by {@link Supervisor}. */
final class Supervised {
    final SvcRequest.Register spec;
    ServiceState state = ServiceState.STOPPED;
    /** Somebody asked for this service (or a dependent) to run. */
    boolean wanted;
    /** The service whose stop took this one down while it was wanted, or null: its start brings this one back. */
    String stoppedWith;
    /**
     * How many tasks were spawned for the service: each spawn after the first is the next generation of the
     * same task slot (the service manager restarts a task in its slot), so {@code spawns - 1} is both the
     * restarts {@code services} shows and the generation {@code ps} shows.
     */
    int spawns;
    long backoff;
    int startupCrashes;
    long readyAt;
    /** Virtual times of the restarts still inside the intensity window. */
    final Deque<Long> recentRestarts = new ArrayDeque<>();
    /** Moves on (to a supervisor-wide fresh value) at every spawn, crash and stop, so older timers are stale. */
    long token;
    String detail = "";

    Supervised(SvcRequest.Register spec) {
        this.spec = spec;
        this.backoff = spec.contract().initialBackoff();
    }

    /** The restarts shown: spawns after the first. */
    int restarts() {
        return Math.max(0, spawns - 1);
    }

    RestartContract contract() {
        return spec.contract();
    }

    /** Forgets failures: for an operator's explicit start or restart. */
    void clearFailures() {
        if (state == ServiceState.FAILED) {
            state = ServiceState.STOPPED;
        }
        startupCrashes = 0;
        backoff = contract().initialBackoff();
        recentRestarts.clear();
        detail = "";
    }
}
