package org.microsim.abi.devd;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.svc.Page;

/**
 * A request to devd. Strings are u16-length UTF-8.
 *
 * <pre>
 * 300 ADD_RULE    rule line str (devd's rule syntax)    reply: the first page of the names of the ports
 *                                                       it bound; errors: BAD_RULE with line, word and why
 * 301 LIST_RULES  start u16                             reply: a page of the rules in match order
 * 303 LSDEV       start u16                             reply: a page of {@link LsdevEntry}
 * </pre>
 *
 * 302 is not used: it was SUBSCRIBE, before a service asked for driver notices in its own port's PortInfo
 * ({@link DriverInterest}), where devd finds the wish again after a crash.
 *
 * Pages are {@link Page}s (strings as u16-length UTF-8). Replies use {@link org.microsim.abi.Replies} with
 * {@link DevdErrorCode} codes.
 */
public sealed interface DevdRequest<T> extends Request<T, DevdException> {
    int ADD_RULE = MsgIds.DEVD_BASE;
    int LIST_RULES = MsgIds.DEVD_BASE + 1;
    int LSDEV = MsgIds.DEVD_BASE + 3;

    /** Longest rule line accepted, in bytes: a rule is one short line. */
    int MAX_RULE = 512;

    /**
     * The protocol: a request that does not decode is BAD_REQUEST; a devd that cannot be reached, or fails on
     * its own, UNAVAILABLE.
     */
    Protocol<DevdRequest<?>, DevdException> PROTOCOL = Protocol.of("devd", DevdRequest::decode,
            DevdException::of, DevdException::new, DevdErrorCode.BAD_REQUEST.code(), DevdErrorCode.UNAVAILABLE.code());

    @Override
    default Protocol<?, DevdException> protocol() {
        return PROTOCOL;
    }

    /** Appends a rule after the existing ones. */
    record AddRule(String line) implements DevdRequest<Page<String>> {
        /** Checks the length. */
        public AddRule {
            if (line.length() > MAX_RULE) {
                throw new IllegalArgumentException("rule is longer than " + MAX_RULE + " characters");
            }
        }

        @Override
        public Message toMessage() {
            return Message.of(ADD_RULE, new WireWriter().string(line).toByteArray());
        }

        @Override
        public Page<String> decodeReply(Message reply) throws MalformedException {
            return Page.decode(reply, r -> r.string("string"));
        }
    }

    /** Asks for the rules in match order, from the {@code start}-th on. */
    record ListRules(int start) implements DevdRequest<Page<String>> {
        /** Checks the range. */
        public ListRules {
            Page.checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(LIST_RULES, new WireWriter().u16(start).toByteArray());
        }

        @Override
        public Page<String> decodeReply(Message reply) throws MalformedException {
            return Page.decode(reply, r -> r.string("string"));
        }
    }

    /** Asks for the port tree, depth first, from the {@code start}-th port on. */
    record Lsdev(int start) implements DevdRequest<Page<LsdevEntry>> {
        /** Checks the range. */
        public Lsdev {
            Page.checkStart(start);
        }

        @Override
        public Message toMessage() {
            return Message.of(LSDEV, new WireWriter().u16(start).toByteArray());
        }

        @Override
        public Page<LsdevEntry> decodeReply(Message reply) throws MalformedException {
            return Page.decode(reply, LsdevEntry::read);
        }
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown msg id, a short or over-long payload or a bad field
     */
    static DevdRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        DevdRequest<?> request = switch (message.msgId()) {
            case ADD_RULE -> {
                String line = r.string("rule");
                if (line.length() > MAX_RULE) {
                    throw new MalformedException("rule is longer than " + MAX_RULE + " characters");
                }
                yield new AddRule(line);
            }
            case LIST_RULES -> new ListRules(r.u16("start"));
            case LSDEV -> new Lsdev(r.u16("start"));
            default -> throw new MalformedException("unknown devd request " + message.msgId());
        };
        r.end("devd request " + message.msgId());
        if (!message.handles().isEmpty()) {
            throw new MalformedException("devd request " + message.msgId() + " carries no handles");
        }
        return request;
    }
}
