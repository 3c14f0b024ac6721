package org.microsim.harness.session;

import java.time.Duration;
import org.microsim.abi.Client;
import org.microsim.abi.ErrorCode;
import org.microsim.abi.Lease;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.ProtocolException;
import org.microsim.abi.Request;
import org.microsim.abi.Result;
import org.microsim.abi.SysError;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.kernel.Kernel;

/**
 * The console's typed client of one system service's public port: a call as any task makes it, through the
 * kernel, answered with the request's reply type, or a {@link CommandFailedException} in the service's own
 * words. The one place the harness's commands call into the simulated system.
 */
final class ConsoleClient {
    private final Kernel kernel;
    private final String port;
    private final Duration timeout;

    /** A client of {@code port}; each call lets the system run for at most {@code timeout} of virtual time. */
    ConsoleClient(Kernel kernel, String port, Duration timeout) {
        this.kernel = kernel;
        this.port = port;
        this.timeout = timeout;
    }

    /** Calls with {@code request}, lending {@code lease} (null for none). */
    <T, E extends ProtocolException> T call(Request<T, E> request, Lease lease) throws CommandFailedException {
        Message message = lease == null ? request.toMessage() : request.toMessage().withLease(lease);
        Message reply = switch (kernel.consoleCall(port, message, timeout)) {
            case Result.Ok<Message>(Message m) -> m;
            case Result.Err<Message>(SysError e) when e.code() == ErrorCode.NO_SUCH_PORT ->
                    throw new CommandFailedException("no " + port + " is running (no public port '" + port + "')");
            case Result.Err<Message>(SysError e) -> throw new CommandFailedException(port + " did not answer: " + e);
        };
        try {
            return Client.typed(request, reply);
        } catch (MalformedException e) {
            throw new CommandFailedException(port + " answered with a malformed reply: " + e.getMessage());
        } catch (ProtocolException e) {
            throw new CommandFailedException(e.getMessage());
        }
    }

    /** Calls with {@code request}. */
    <T, E extends ProtocolException> T call(Request<T, E> request) throws CommandFailedException {
        return call(request, null);
    }
}
