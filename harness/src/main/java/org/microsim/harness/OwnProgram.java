package org.microsim.harness;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.microsim.abi.Program;

/**
 * A program of the user's own, put on the machine's system image beside the simulator's: how a test (the testkit's
 * {@code SimMachine} builder) runs its own driver or service in the simulated system. The {@code sim} command has
 * none, so a scenario that names one runs only in the JVM that supplied it.
 *
 * <p>Without {@code needs} it is started by hand, as the demo programs are: {@code spawn NAME [WORDS...]}, the task
 * getting the words joined by single spaces, UTF-8, as its argument bytes. With {@code needs} it is a service: init
 * registers it with the service manager at boot, after the services it needs (as it does {@code httpd}, which needs
 * {@code netd} and {@code vfs}), and the service manager restarts it under the usual contract; it is not spawned.
 *
 * @param name the program's name, which is also its task's and, for a service, the service's: a lower-case letter,
 *     then up to 31 letters, digits, {@code -} or {@code _}; not the name of one of the simulator's programs
 * @param factory a fresh program for each task that runs it, so a restarted task does not see a crashed one's fields
 * @param needs empty for a program started by {@code spawn}; else the services it needs (possibly none)
 */
public record OwnProgram(String name, Supplier<? extends Program> factory, Optional<List<String>> needs) {
    /** Checks the name and copies the needs. */
    public OwnProgram {
        if (!name.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("a program's name is a lower-case letter and up to 31 letters, digits, "
                    + "'-' or '_', not '" + name + "'");
        }
        Objects.requireNonNull(factory, "factory");
        needs = needs.map(List::copyOf);
    }
}
