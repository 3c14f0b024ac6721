package org.microsim.services.svcman;

import java.util.List;
import org.microsim.abi.svc.RestartContract;
import org.microsim.abi.svc.SvcRequest;

/** Service specs for tests. */
final class Specs {
    static final long MS = 1_000_000L;
    /** Three restarts in a second, 10 ms doubling to 80 ms, good after 100 ms, two start-up retries, no timeout. */
    static final RestartContract CONTRACT =
            new RestartContract(RestartContract.Policy.ON_CRASH, 3, 1_000 * MS, 10 * MS, 80 * MS, 100 * MS, 2, 0, false);

    private Specs() {
    }

    static SvcRequest.Register spec(String name, String... deps) {
        return new SvcRequest.Register(name, name + "-prog", List.of(deps), CONTRACT, List.of());
    }

    static SvcRequest.Register spec(String name, RestartContract contract, List<String> reserved, String... deps) {
        return new SvcRequest.Register(name, name + "-prog", List.of(deps), contract, reserved);
    }
}
