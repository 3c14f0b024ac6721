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
    int restarts;
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
