package org.microsim.harness.script;

/**
 * Where a scenario run stops early, asked before each command: what {@code sim run --until TIME} uses to stop at a
 * virtual time and hand the same machine to the console, as rr's replay stops at an event.
 */
@FunctionalInterface
public interface Breakpoint {
    /** Never stops: a plain run. */
    Breakpoint NEVER = next -> new Decision.Go();

    /** Decides about the next command. */
    Decision before(Invocation next);

    /** What to do with the next command. */
    sealed interface Decision {
        /** Run it, and go on. */
        record Go() implements Decision {
        }

        /** Stop before it. */
        record Stop() implements Decision {
        }

        /**
         * Run {@code instead} in its place (a sleep cut to end at the breakpoint), then stop.
         *
         * @param instead the command to run last
         */
        record LastThen(Invocation instead) implements Decision {
        }
    }
}
