package org.microsim.harness;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The seam between {@code sim check} on the command line and the campaign runner
 * ({@code org.microsim.harness.check}), which is built on sessions and so sits above this package: found with
 * {@link ServiceLoader} as the machine's {@link SessionFactory} is, so that neither package depends on the other's
 * side of the wall.
 */
public interface CheckTool {
    /**
     * The words of a {@code sim check} command line, as given: the tool reads them, so that it alone knows what
     * they may say, and rejects bad ones with a one-line message and exit code 2.
     *
     * @param operands the scenario file or suite name (at most one)
     * @param options each check option's values by long name ({@code --seeds}, {@code --jobs} ...)
     * @param environment the process's environment ({@code JOB_COMPLETION_INDEX}, {@code SLURM_ARRAY_TASK_ID})
     */
    record Request(List<String> operands, Map<String, List<String>> options, Map<String, String> environment) {
        /** The last value of an option, if given. */
        public Optional<String> last(String longName) {
            List<String> values = options.getOrDefault(longName, List.of());
            return values.isEmpty() ? Optional.empty() : Optional.of(values.getLast());
        }

        /** Whether an option was given. */
        public boolean has(String longName) {
            return options.containsKey(longName);
        }
    }

    /**
     * Runs {@code sim check}.
     *
     * @return 0 every seed passed, 1 one failed, 2 bad input
     */
    int check(Request request, SessionFactory machines, PrintStream out, PrintStream err);

    /** The installed tool, if the build has one. */
    static Optional<CheckTool> installed() {
        return ServiceLoader.load(CheckTool.class).findFirst();
    }
}
