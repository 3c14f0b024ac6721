package org.microsim.harness.session;

import java.time.Duration;
import org.microsim.abi.Client;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Handle;
import org.microsim.abi.Lease;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.Request;
import org.microsim.abi.Result;
import org.microsim.abi.Sys;
import org.microsim.abi.SysError;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.Kernel;

/**
 * The console's typed client of one system service's public port: the one typed {@link Client} call over the
 * kernel's console pseudo-task ({@link Kernel#console()}), so a command's call is a task's call in every way,
 * and its failure a {@link CommandFailedException} in the service's own words. The one place the harness's
 * commands call into the simulated system.
 *
 * <p>Each call looks the port up by name, as a person typing a command means "the shell now", whichever
 * incarnation that is, and closes the handle after: a service restarted between two commands is simply found,
 * and a long session does not fill the console's handle table.
 */
final class ConsoleClient {
    private final Sys console;
    private final String port;
    private final Duration timeout;

    /** A client of {@code port}; each call lets the system run for at most {@code timeout} of virtual time. */
    ConsoleClient(Kernel kernel, String port, Duration timeout) {
        this.console = kernel.console();
        this.port = port;
        this.timeout = timeout;
    }

    /** Calls with {@code request}, lending {@code lease} (null for none). */
    <T, E extends ProtocolException> T call(Request<T, E> request, Lease lease) throws CommandFailedException {
        Handle handle = switch (console.lookup(port, Duration.ZERO)) {
            case Result.Ok<Handle>(Handle h) -> h;
            case Result.Err<Handle>(SysError e) -> throw new CommandFailedException(
                    "no " + port + " is running (no public port '" + port + "')");
        };
        try {
            return Client.call(console, handle, request, lease, timeout);
        } catch (ProtocolException e) {
            SysError why = e.unreachable();
            if (why != null && why.code() == ErrorCode.NO_SUCH_PORT) {
                throw new CommandFailedException("no " + port + " is running (no public port '" + port + "')");
            }
            throw new CommandFailedException(why == null ? e.getMessage() : port + " did not answer: " + why);
        } finally {
            console.close(handle);
        }
    }

    /** Calls with {@code request}. */
    <T, E extends ProtocolException> T call(Request<T, E> request) throws CommandFailedException {
        return call(request, null);
    }
}
