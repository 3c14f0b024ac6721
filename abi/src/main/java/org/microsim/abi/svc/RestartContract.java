package org.microsim.abi.svc;

import org.microsim.abi.MalformedException;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * How the service manager restarts one service, after Erlang/OTP supervisors (intensity: at most
 * {@code maxRestarts} restarts within {@code windowNanos}), MINIX 3's reincarnation server (exponential backoff,
 * a task that keeps crashing while it starts is given up on) and Hubris (a minimum run time before a start
 * counts as good). All durations are virtual nanoseconds.
 *
 * @param policy         whether a crash is followed by a restart at all
 * @param maxRestarts    restarts allowed within {@code windowNanos}; one more and the service is {@code failed}
 * @param windowNanos    the intensity window
 * @param initialBackoff the delay before the first restart after a good run
 * @param maxBackoff     the cap of the doubling delay
 * @param minRunNanos    how long a service must stay ready for its start to count as good (resets the backoff)
 * @param startupRetries how many crashes before the service reports ready are retried; one more is {@code failed}
 * @param startTimeout   how long a started service may take to report ready before it is killed and counted as
 *                       crashed during start-up (0: no limit), so a service stuck starting never hangs its dependents
 * @param readyOnStart   true for a service that never reports ready: it is ready as soon as its task runs
 *
 * <p>Wire form (46 bytes): policy u8 (0 never, 1 on-crash), maxRestarts u16, window i64, initialBackoff i64,
 * maxBackoff i64, minRun i64, startupRetries u16, startTimeout i64, readyOnStart u8.
 */
public record RestartContract(Policy policy, int maxRestarts, long windowNanos, long initialBackoff,
                              long maxBackoff, long minRunNanos, int startupRetries, long startTimeout,
                              boolean readyOnStart) {

    /** Whether a crash is answered by a restart. */
    public enum Policy {
        NEVER, ON_CRASH
    }

    private static final long MS = 1_000_000L;

    /**
     * Five restarts in ten seconds, 10 ms doubling to 1 s, good after 500 ms, three start-up retries, five
     * seconds to report ready.
     */
    public static final RestartContract DEFAULT =
            new RestartContract(Policy.ON_CRASH, 5, 10_000 * MS, 10 * MS, 1_000 * MS, 500 * MS, 3, 5_000 * MS, false);

    /** Validates; a bad contract built by a program is its bug and fails fast. */
    public RestartContract {
        String problem = problem(policy, maxRestarts, windowNanos, initialBackoff, maxBackoff, minRunNanos,
                startupRetries, startTimeout);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The same contract with another policy. */
    public RestartContract withPolicy(Policy newPolicy) {
        return new RestartContract(newPolicy, maxRestarts, windowNanos, initialBackoff, maxBackoff, minRunNanos,
                startupRetries, startTimeout, readyOnStart);
    }

    /** The same contract for a service that is ready as soon as it runs, or not. */
    public RestartContract withReadyOnStart(boolean ready) {
        return new RestartContract(policy, maxRestarts, windowNanos, initialBackoff, maxBackoff, minRunNanos,
                startupRetries, startTimeout, ready);
    }

    /** The same contract with another start-up timeout (0: none). */
    public RestartContract withStartTimeout(long timeout) {
        return new RestartContract(policy, maxRestarts, windowNanos, initialBackoff, maxBackoff, minRunNanos,
                startupRetries, timeout, readyOnStart);
    }

    /** Why these fields cannot form a contract, or null when they can. */
    public static String problem(Policy policy, int maxRestarts, long windowNanos, long initialBackoff,
                                 long maxBackoff, long minRunNanos, int startupRetries, long startTimeout) {
        if (policy == null) {
            return "restart policy is missing";
        }
        if (maxRestarts < 0 || maxRestarts > 0xffff || startupRetries < 0 || startupRetries > 0xffff) {
            return "maxRestarts and startupRetries must be in 0..65535";
        }
        if (windowNanos <= 0) {
            return "restart window must be positive";
        }
        if (initialBackoff < 0 || minRunNanos < 0 || startTimeout < 0) {
            return "backoff, minimum run time and start timeout must not be negative";
        }
        if (maxBackoff < initialBackoff) {
            return "backoff cap " + maxBackoff + " is below the initial backoff " + initialBackoff;
        }
        return null;
    }

    /** Appends the wire form. */
    public void write(WireWriter w) {
        w.u8(policy.ordinal()).u16(maxRestarts).i64(windowNanos).i64(initialBackoff).i64(maxBackoff)
                .i64(minRunNanos).u16(startupRetries).i64(startTimeout).u8(readyOnStart ? 1 : 0);
    }

    /**
     * Reads the wire form.
     *
     * @throws MalformedException for a short buffer, an unknown policy or fields out of their domain
     */
    public static RestartContract read(WireReader r) throws MalformedException {
        int policyCode = r.u8("policy");
        if (policyCode >= Policy.values().length) {
            throw new MalformedException("unknown restart policy " + policyCode);
        }
        Policy policy = Policy.values()[policyCode];
        int maxRestarts = r.u16("maxRestarts");
        long window = r.i64("window");
        long initial = r.i64("initialBackoff");
        long cap = r.i64("maxBackoff");
        long minRun = r.i64("minRun");
        int startupRetries = r.u16("startupRetries");
        long startTimeout = r.i64("startTimeout");
        int ready = r.u8("readyOnStart");
        if (ready > 1) {
            throw new MalformedException("readyOnStart must be 0 or 1");
        }
        String problem = problem(policy, maxRestarts, window, initial, cap, minRun, startupRetries, startTimeout);
        if (problem != null) {
            throw new MalformedException(problem);
        }
        return new RestartContract(policy, maxRestarts, window, initial, cap, minRun, startupRetries, startTimeout,
                ready == 1);
    }
}
