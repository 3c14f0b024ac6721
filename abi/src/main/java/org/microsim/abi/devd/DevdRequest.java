package org.microsim.abi.devd;

import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
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
 * 302 SUBSCRIBE   port class u16; handle 0 = the subscriber's port for msg 100 notifications
 *                                                       reply: empty; stored notifications follow at once
 * 303 LSDEV       start u16                             reply: a page of {@link LsdevEntry}
 * </pre>
 *
 * Pages are {@link Page}s (strings as u16-length UTF-8). Replies use {@link org.microsim.abi.Replies} with
 * {@link DevdErrorCode} codes.
 */
public sealed interface DevdRequest {
    int ADD_RULE = MsgIds.DEVD_BASE;
    int LIST_RULES = MsgIds.DEVD_BASE + 1;
    int SUBSCRIBE = MsgIds.DEVD_BASE + 2;
    int LSDEV = MsgIds.DEVD_BASE + 3;

    /** Longest rule line accepted, in bytes: a rule is one short line. */
    int MAX_RULE = 512;

    /** The message carrying this request (without the subscriber handle of SUBSCRIBE). */
    Message encode();

    /** Appends a rule after the existing ones. */
    record AddRule(String line) implements DevdRequest {
        /** Checks the length. */
        public AddRule {
            if (line.length() > MAX_RULE) {
                throw new IllegalArgumentException("rule is longer than " + MAX_RULE + " characters");
            }
        }

        @Override
        public Message encode() {
            return Message.of(ADD_RULE, new WireWriter().string(line).toByteArray());
        }
    }

    /** Asks for the rules in match order, from the {@code start}-th on. */
    record ListRules(int start) implements DevdRequest {
        /** Checks the range. */
        public ListRules {
            checkStart(start);
        }

        @Override
        public Message encode() {
            return Message.of(LIST_RULES, new WireWriter().u16(start).toByteArray());
        }
    }

    /** Asks for msg 100 notifications about drivers whose port has this class. */
    record Subscribe(PortClass portClass) implements DevdRequest {
        @Override
        public Message encode() {
            return Message.of(SUBSCRIBE, new WireWriter().u16(portClass.code()).toByteArray());
        }
    }

    /** Asks for the port tree, depth first, from the {@code start}-th port on. */
    record Lsdev(int start) implements DevdRequest {
        /** Checks the range. */
        public Lsdev {
            checkStart(start);
        }

        @Override
        public Message encode() {
            return Message.of(LSDEV, new WireWriter().u16(start).toByteArray());
        }
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown msg id, a short or over-long payload or a bad field
     */
    static DevdRequest decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        DevdRequest request = switch (message.msgId()) {
            case ADD_RULE -> {
                String line = r.string("rule");
                if (line.length() > MAX_RULE) {
                    throw new MalformedException("rule is longer than " + MAX_RULE + " characters");
                }
                yield new AddRule(line);
            }
            case LIST_RULES -> new ListRules(r.u16("start"));
            case SUBSCRIBE -> new Subscribe(PortClass.fromCode(r.u16("port class")));
            case LSDEV -> new Lsdev(r.u16("start"));
            default -> throw new MalformedException("unknown devd request " + message.msgId());
        };
        r.end("devd request " + message.msgId());
        return request;
    }

    /** A page of strings: the reply payload of ADD_RULE and LIST_RULES. */
    static byte[] encodeStrings(List<String> strings, int start) {
        return Page.encode(strings, start, WireWriter::string);
    }

    /**
     * Decodes a page of strings.
     *
     * @throws MalformedException for a count that does not match the bytes
     */
    static Page<String> decodeStrings(byte[] bytes) throws MalformedException {
        return Page.decode(bytes, r -> r.string("string"));
    }

    private static void checkStart(int start) {
        if (start < 0 || start > 0xffff) {
            throw new IllegalArgumentException("start " + start + " is outside 0..65535");
        }
    }
}
