package org.microsim.harness;

import java.util.List;
import java.util.ServiceLoader;
import org.microsim.harness.script.Command;
import org.microsim.kernel.TraceEvent;

/**
 * Builds a {@link Session} from the machine options: the seam between the {@code sim} command and the
 * simulated machine.
 *
 * <p>The machine's factory is found with {@link ServiceLoader} (a
 * {@code META-INF/services/org.microsim.harness.SessionFactory} entry), so the command line, the console and
 * the scenario runner do not depend on how the machine is put together, and tests hand {@code Main} a fake.
 * A build with no machine still speaks the language: {@link #installed()} then gives sessions that have
 * only the built-in commands.
 */
@FunctionalInterface
public interface SessionFactory {
    /**
     * Opens a session. With no {@code --drive} and no {@code --nic} the machine is the built-in demo machine,
     * generated in memory, so that {@code sim} alone shows a whole system; a drive or NIC replaces it, unless
     * {@link MachineOptions#demo()} keeps it.
     *
     * @throws SessionException if the options do not describe a machine that can be built
     */
    Session open(MachineOptions options) throws SessionException;

    /** The machine's factory if the build has one, else one whose sessions have no machine commands. */
    static SessionFactory installed() {
        return ServiceLoader.load(SessionFactory.class).findFirst().orElse(options -> new Session() {
            @Override
            public List<Command> commands() {
                return List.of();
            }

            @Override
            public List<TraceEvent> trace() {
                return List.of();
            }

            @Override
            public void close() {
                // Nothing was started, so nothing stops.
            }
        });
    }
}
