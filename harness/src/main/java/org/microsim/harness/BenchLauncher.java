package org.microsim.harness;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;

/** {@code sim bench}: lists the benchmarks, or runs one's main with the arguments that follow its name. */
final class BenchLauncher {
    private final BenchCatalog catalog;
    private final PrintStream out;
    private final PrintStream err;

    BenchLauncher(BenchCatalog catalog, PrintStream out, PrintStream err) {
        this.catalog = catalog;
        this.out = out;
        this.err = err;
    }

    /**
     * @param name the benchmark, or null to list them
     * @return 0 when listed or run, 1 when the benchmark threw, 2 for an unknown name
     */
    int launch(String name, List<String> args) {
        if (name == null) {
            List<String> names = catalog.names();
            out.println(names.isEmpty() ? "no benchmarks in this build" : "benchmarks (sim bench NAME):");
            names.forEach(benchmark -> out.println("  " + benchmark));
            return 0;
        }
        Optional<Method> main = catalog.find(name);
        if (main.isEmpty()) {
            err.println(CliErrors.usage("sim bench", "no benchmark named " + name + "; `sim bench` lists them"));
            return CliErrors.BAD_INPUT;
        }
        try {
            main.get().invoke(null, (Object) args.toArray(String[]::new));
            return 0;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            err.println("sim: benchmark " + name + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            return 1;
        } catch (IllegalAccessException e) {
            err.println("sim: benchmark " + name + " cannot be run: " + e.getMessage());
            return CliErrors.BAD_INPUT;
        }
    }
}
