package org.microsim.services.devd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.Message;
import org.microsim.abi.WireWriter;
import org.microsim.abi.devd.DevdErrorCode;
import org.microsim.abi.devd.DevdException;
import org.microsim.abi.devd.DevdRequest;
import org.microsim.abi.devd.LsdevEntry;
import org.microsim.abi.svc.Page;

/**
 * Turns a decoded devd request into its reply and the device manager's actions; a refused request is a
 * {@link DevdException} and changes nothing. The request side of devd, testable without a kernel; the task
 * around it ({@link DevdProgram}) carries the actions out.
 */
final class DevdRequestHandler {
    /** The reply to send and the actions to carry out. */
    record Outcome(Message reply, List<DevdAction> actions) {
    }

    private final DeviceManager devices;

    /** A handler over this device manager. */
    DevdRequestHandler(DeviceManager devices) {
        this.devices = devices;
    }

    /** Handles one request. */
    Outcome handle(DevdRequest<?> request) throws DevdException {
        return switch (request) {
            case DevdRequest.AddRule add -> {
                Rule rule;
                try {
                    rule = RuleParser.parseLine(add.line(), 1);
                } catch (RuleSyntaxException e) {
                    throw new DevdException(DevdErrorCode.BAD_RULE, e.getMessage());
                }
                if (rule == null) {
                    throw new DevdException(DevdErrorCode.BAD_RULE, "the line holds no rule");
                }
                List<DevdAction> actions = devices.addRule(rule);
                List<String> bound = new ArrayList<>();
                actions.forEach(a -> {
                    if (a instanceof DevdAction.StartDriver s) {
                        bound.add(s.port());
                    }
                });
                yield new Outcome(Page.toMessage(bound, 0, WireWriter::string), actions);
            }
            case DevdRequest.ListRules l -> new Outcome(
                    Page.toMessage(devices.rules().stream().map(Rule::toString).toList(), l.start(), WireWriter::string),
                    List.of());
            case DevdRequest.Lsdev l ->
                    new Outcome(Page.toMessage(devices.lsdev(), l.start(), (w, e) -> e.write(w)), List.of());
        };
    }
}
