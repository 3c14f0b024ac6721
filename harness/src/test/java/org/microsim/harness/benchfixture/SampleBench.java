package org.microsim.harness.benchfixture;

import java.util.ArrayList;
import java.util.List;

/** A benchmark main for the tests of the catalog: records its arguments. */
public final class SampleBench {
    /** The arguments of each run. */
    public static final List<List<String>> RUNS = new ArrayList<>();

    private SampleBench() {
    }

    /** Records the arguments; throws when asked to, to test failure reports. */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("fail")) {
            throw new IllegalStateException("asked to fail");
        }
        RUNS.add(List.of(args));
    }
}
