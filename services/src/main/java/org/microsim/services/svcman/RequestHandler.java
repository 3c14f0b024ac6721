package org.microsim.services.svcman;

import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.ServiceStatus;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcRequest;

/**
 * Turns a service manager request message into a reply and the supervisor's actions. Every failure is a reply
 * (a malformed message is BAD_REQUEST with the decoder's sentence), never an exception, and a refused request
 * leaves the supervisor as it was. The handles a request carried belong to the registered service when the
 * reply is a success; after an error reply nobody holds them, and the caller closes them. This is the whole request side of the service manager's IPC loop, kept
 * apart from the loop so it can be tested with bytes alone.
 */
public final class RequestHandler {
    /** The reply to send and the actions to carry out. */
    public record Outcome(Message reply, List<Action> actions) {
        static Outcome of(Message reply) {
            return new Outcome(reply, List.of());
        }
    }

    private final Supervisor supervisor;

    /** A handler over this supervisor. */
    public RequestHandler(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    /**
     * Handles one request.
     *
     * @param senderService the service whose task sent the message, or null when it is not a service's task
     */
    public Outcome handle(Message message, String senderService) {
        SvcRequest request;
        try {
            request = SvcRequest.decode(message);
        } catch (MalformedException e) {
            return Outcome.of(Replies.error(SvcErrorCode.BAD_REQUEST.code(), e.getMessage()));
        }
        try {
            return switch (request) {
                case SvcRequest.Register r -> {
                    supervisor.register(r);
                    yield Outcome.of(Replies.ok());
                }
                case SvcRequest.Depend d -> {
                    supervisor.depend(d.service(), d.dependency());
                    yield Outcome.of(Replies.ok());
                }
                case SvcRequest.Start s -> new Outcome(Replies.ok(), supervisor.start(s.service()));
                case SvcRequest.Stop s -> new Outcome(Replies.ok(), supervisor.stop(s.service()));
                case SvcRequest.Restart s -> new Outcome(Replies.ok(), supervisor.restart(s.service()));
                case SvcRequest.Status s -> {
                    WireWriter w = new WireWriter();
                    supervisor.status(s.service()).write(w);
                    yield Outcome.of(Replies.ok(w.toByteArray()));
                }
                case SvcRequest.ListAll l ->
                        Outcome.of(Replies.ok(ServiceStatus.encodePage(supervisor.statuses(), l.start())));
                case SvcRequest.Unregister u -> new Outcome(Replies.ok(), supervisor.unregister(u.service()));
                case SvcRequest.Ready r -> {
                    if (senderService == null) {
                        yield Outcome.of(Replies.error(SvcErrorCode.DENIED.code(),
                                "only a supervised service can report that it is ready"));
                    }
                    yield new Outcome(Replies.ok(), supervisor.on(new Event.ReadyReported(senderService)));
                }
            };
        } catch (ServiceException e) {
            return Outcome.of(Replies.error(e.code().code(), e.getMessage()));
        }
    }
}
