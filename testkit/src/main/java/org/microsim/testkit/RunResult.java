package org.microsim.testkit;

/**
 * How a scenario run by {@link SimMachine#run} went, as {@code sim run} would have said it.
 *
 * @param exitCode {@code sim run}'s exit code: 0 every expectation held, 1 one failed (or a command failed with no
 *     {@code expect error} after it), 2 the scenario could not be run as written
 * @param transcript each line after {@code "> "}, each line of output indented
 * @param failure empty when it passed, else {@code scenario:LINE: why}
 */
public record RunResult(int exitCode, String transcript, String failure) {
    /** Whether every expectation held. */
    public boolean passed() {
        return exitCode == 0;
    }

    /** Fails with the failure and the transcript unless the run passed: a one-line check for tests. */
    public RunResult assertPassed() {
        if (!passed()) {
            throw new AssertionError(failure + "\n" + transcript);
        }
        return this;
    }
}
