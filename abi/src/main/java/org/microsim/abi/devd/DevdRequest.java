package org.microsim.abi.devd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.PortClass;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * A request to devd. Strings are u16-length UTF-8.
 *
 * <pre>
 * 300 ADD_RULE    rule line str (devd's rule syntax)    reply: names of the ports it bound (string list)
 *                                                       errors: BAD_RULE with line, word and why
 * 301 LIST_RULES  (no bytes)                            reply: the rules in match order (string list)
 * 302 SUBSCRIBE   port class u16; handle 0 = the subscriber's port for msg 100 notifications
 *                                                       reply: empty; stored notifications follow at once
 * 303 LSDEV       (no bytes)                            reply: {@link LsdevEntry#encodeList}
 * </pre>
 *
 * A string list is a u16 count then strings. Replies use {@link org.microsim.abi.Replies} with
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

    /** Asks for the rules in match order. */
    record ListRules() implements DevdRequest {
        @Override
        public Message encode() {
            return Message.of(LIST_RULES);
        }
    }

    /** Asks for msg 100 notifications about drivers whose port has this class. */
    record Subscribe(PortClass portClass) implements DevdRequest {
        @Override
        public Message encode() {
            return Message.of(SUBSCRIBE, new WireWriter().u16(portClass.code()).toByteArray());
        }
    }

    /** Asks for the port tree. */
    record Lsdev() implements DevdRequest {
        @Override
        public Message encode() {
            return Message.of(LSDEV);
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
            case LIST_RULES -> new ListRules();
            case SUBSCRIBE -> new Subscribe(PortClass.fromCode(r.u16("port class")));
            case LSDEV -> new Lsdev();
            default -> throw new MalformedException("unknown devd request " + message.msgId());
        };
        r.end("devd request " + message.msgId());
        return request;
    }

    /** A string list reply payload: u16 count, then strings. */
    static byte[] encodeStrings(List<String> strings) {
        WireWriter w = new WireWriter().u16(strings.size());
        strings.forEach(w::string);
        return w.toByteArray();
    }

    /**
     * Decodes a string list reply payload.
     *
     * @throws MalformedException for a count that does not match the bytes
     */
    static List<String> decodeStrings(byte[] bytes) throws MalformedException {
        WireReader r = new WireReader(bytes);
        int n = r.u16("count");
        List<String> out = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            out.add(r.string("string " + i));
        }
        r.end("string list");
        return List.copyOf(out);
    }
}
