package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.LsdevEntry;

/**
 * Turns a devd request message into a reply and the device manager's actions. Every failure is a reply, never
 * an exception; a refused request changes nothing. The request side of devd's IPC loop, testable with bytes.
 */
public final class DevdRequestHandler {
    /** The reply to send and the actions to carry out. */
    public record Outcome(Message reply, List<DevdAction> actions) {
    }

    private final DeviceManager devices;

    /** A handler over this device manager. */
    public DevdRequestHandler(DeviceManager devices) {
        this.devices = devices;
    }

    /**
     * Handles one request.
     *
     * @param subscriber the name SUBSCRIBE registers the sender under (its task's service name)
     */
    public Outcome handle(Message message, String subscriber) {
        DevdRequest request;
        try {
            request = DevdRequest.decode(message);
        } catch (MalformedException e) {
            return new Outcome(Replies.error(DevdErrorCode.BAD_REQUEST.code(), e.getMessage()), List.of());
        }
        return switch (request) {
            case DevdRequest.AddRule add -> {
                Rule rule;
                try {
                    rule = RuleParser.parseLine(add.line(), 1);
                } catch (RuleSyntaxException e) {
                    yield new Outcome(Replies.error(DevdErrorCode.BAD_RULE.code(), e.getMessage()), List.of());
                }
                if (rule == null) {
                    yield new Outcome(Replies.error(DevdErrorCode.BAD_RULE.code(), "the line holds no rule"),
                            List.of());
                }
                List<DevdAction> actions = devices.addRule(rule);
                List<String> bound = new ArrayList<>();
                actions.forEach(a -> {
                    if (a instanceof DevdAction.StartDriver s) {
                        bound.add(s.port());
                    }
                });
                yield new Outcome(Replies.ok(DevdRequest.encodeStrings(bound, 0)), actions);
            }
            case DevdRequest.ListRules l -> new Outcome(
                    Replies.ok(DevdRequest.encodeStrings(devices.rules().stream().map(Rule::toString).toList(),
                            l.start())),
                    List.of());
            case DevdRequest.Subscribe s -> new Outcome(Replies.ok(), devices.subscribe(subscriber, s.portClass()));
            case DevdRequest.Lsdev l ->
                    new Outcome(Replies.ok(LsdevEntry.encodePage(devices.lsdev(), l.start())), List.of());
        };
    }
}
