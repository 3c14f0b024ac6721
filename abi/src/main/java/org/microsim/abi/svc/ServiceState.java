package org.microsim.abi.svc;

import java.util.Locale;
import org.microsim.abi.MalformedException;
import org.microsim.abi.WireCode;

/**
 * Where a supervised service is in its life. The wire code is the ordinal's stable twin.
 *
 * <pre>
 *  STOPPED ─start─▶ WAITING ─deps ready─▶ STARTING ─ready─▶ READY
 *                      ▲                     │ crash            │ crash
 *                      └──── timer ──── BACKOFF ◀───────────────┘
 *                                            └─ limits exceeded ─▶ FAILED
 * </pre>
 */
public enum ServiceState implements WireCode {
    STOPPED(0), WAITING(1), STARTING(2), READY(3), BACKOFF(4), FAILED(5);

    private final int code;

    ServiceState(int code) {
        this.code = code;
    }

    /** The wire code. */
    @Override
    public int code() {
        return code;
    }

    /** The lower-case word the {@code services} table prints. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True while a task of the service exists (it must be killed to stop the service). */
    public boolean running() {
        return this == STARTING || this == READY;
    }

    /**
     * The state for a wire code.
     *
     * @throws MalformedException for an unknown code
     */
    public static ServiceState fromCode(int code) throws MalformedException {
        return WireCode.fromCode(ServiceState.class, code, "service state");
    }
}
