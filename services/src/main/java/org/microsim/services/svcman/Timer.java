package org.microsim.services.svcman;

/**
 * A timer the supervisor asked for. The token makes stale timers harmless: a stop or a new crash moves the
 * subject's token on, and a timer whose token is no longer current is ignored when it fires.
 *
 * @param kind    what the timer is for
 * @param subject a service name ({@code RESTART}, {@code START_TIMEOUT}) or a reserved name ({@code LOOKUP})
 * @param token   the subject's token when the timer was set
 */
record Timer(Kind kind, String subject, long token) {
    /** What a timer is for. */
    public enum Kind {
        /** A service's backoff is over: start it again. */
        RESTART,
        /** A service had its start-up timeout to report ready: if it has not, it counts as crashed while starting. */
        START_TIMEOUT,
        /** Openers of a reserved name have waited long enough: tell them it is unavailable. */
        LOOKUP
    }
}
