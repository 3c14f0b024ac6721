package org.microsim.services.svcman;

import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.Page;
import org.microsim.abi.svc.SvcErrorCode;
import org.microsim.abi.svc.SvcException;
import org.microsim.abi.svc.SvcRequest;

/**
 * Turns a decoded service manager request into its reply and the supervisor's actions; a refused request is
 * an {@link SvcException} and leaves the supervisor as it was. The handles a request carried belong to the
 * registered service when it succeeds; after a refusal nobody holds them, and the caller closes them. This is
 * the whole request side of the service manager, kept apart from the task so it can be tested alone.
 */
final class RequestHandler {
    /** The reply to send and the actions to carry out. */
    record Outcome(Message reply, List<Action> actions) {
        static Outcome of(Message reply) {
            return new Outcome(reply, List.of());
        }
    }

    private final Supervisor supervisor;

    /** A handler over this supervisor. */
    RequestHandler(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    /**
     * Handles one request.
     *
     * @param senderService the service whose task sent the message, or null when it is not a service's task
     */
    Outcome handle(SvcRequest<?> request, String senderService) throws SvcException {
        return switch (request) {
            case SvcRequest.Register r -> {
                supervisor.register(r);
                yield Outcome.of(Replies.ok());
            }
            case SvcRequest.Depend d -> {
                supervisor.depend(d.service(), d.dependency());
                yield Outcome.of(Replies.ok());
            }
            case SvcRequest.Start s -> changed(supervisor.start(s.service()));
            case SvcRequest.Stop s -> changed(supervisor.stop(s.service()));
            case SvcRequest.Restart s -> changed(supervisor.restart(s.service()));
            case SvcRequest.Status s -> {
                WireWriter w = new WireWriter();
                supervisor.status(s.service()).write(w);
                yield Outcome.of(Replies.ok(w.toByteArray()));
            }
            case SvcRequest.ListAll l -> Outcome.of(Page.toMessage(supervisor.statuses(), l.start(), (w, s) -> s.write(w)));
            case SvcRequest.Unregister u -> new Outcome(Replies.ok(), supervisor.unregister(u.service()));
            case SvcRequest.Ready r -> {
                if (senderService == null) {
                    throw new SvcException(SvcErrorCode.DENIED, "only a supervised service can report that it is ready");
                }
                yield new Outcome(Replies.ok(), supervisor.on(new Event.ReadyReported(senderService)));
            }
        };
    }

    /** The reply names the services changed, as many as fit; the actions carry the change out. */
    private static Outcome changed(Supervisor.Change change) {
        return new Outcome(Page.toMessage(change.services(), 0, WireWriter::string), change.actions());
    }
}
