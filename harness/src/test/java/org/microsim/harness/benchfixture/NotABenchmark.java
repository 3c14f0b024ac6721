package org.microsim.harness.benchfixture;

/** A class without a main, which the catalog must not list. */
public final class NotABenchmark {
    private NotABenchmark() {
    }

    /** Not a main: wrong parameters. */
    public static void main() {
        // Present only so that the catalog has a near miss to reject.
    }
}
