package org.microsim.harness.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.microsim.kernel.TraceEvent;

/**
 * The last messages of a trace, for the message sequence chart: each message is the kernel events sharing its
 * flow id, a call with its reply paired, a send with its receive.
 *
 * <pre>
 *   CALL    client  "to PORT id N ..."          flow f   starts the message
 *   RECEIVE server  "on PORT id N from T"       flow f   who took it
 *   REPLY   server  "to CLIENT id N ..."        flow f   ends a call
 * </pre>
 *
 * The trace is read backwards from its end, so a long run costs the last few thousand events, not all.
 */
final class Messages {
    /** How many messages the chart shows. */
    static final int SHOWN = 40;
    /** How far back to look for them: a burst of interrupts or logs should not make the scan read the whole run. */
    private static final int SCANNED = 20_000;
    private static final Pattern ID = Pattern.compile(" id (\\d+)");

    /** A message as the chart draws it; {@code server} and the reply fields are empty until they happened. */
    record Message(long flow, String kind, long at, String from, String port, String name, String server,
            long replyAt, String reply) {
        String json() {
            return Json.object("flow", flow, "kind", kind, "at", at, "from", from, "port", port, "name", name,
                    "server", server, "replyAt", replyAt, "reply", reply);
        }
    }

    private Messages() {
    }

    /** The last {@link #SHOWN} messages that started in the trace, oldest first. */
    static List<Message> last(List<TraceEvent> trace) {
        Map<Long, List<TraceEvent>> byFlow = new LinkedHashMap<>();
        List<Long> started = new ArrayList<>();
        for (int i = trace.size() - 1; i >= 0 && i >= trace.size() - SCANNED && started.size() < SHOWN; i--) {
            TraceEvent e = trace.get(i);
            if (e.flow() == 0) {
                continue;
            }
            switch (e.kind()) {
                case SEND, CALL -> {
                    started.add(e.flow());
                    byFlow.computeIfAbsent(e.flow(), f -> new ArrayList<>()).add(e);
                }
                case RECEIVE, REPLY -> byFlow.computeIfAbsent(e.flow(), f -> new ArrayList<>()).add(e);
                default -> {
                    // Other events with a flow are not a message's ends.
                }
            }
        }
        List<Message> out = new ArrayList<>();
        for (Long flow : started.reversed()) {
            out.add(message(byFlow.get(flow)));
        }
        return out;
    }

    /** One message from its events, found newest first. */
    private static Message message(List<TraceEvent> events) {
        TraceEvent start = events.getLast();
        String port = start.detail().startsWith("to ") ? start.detail().substring(3).split(" id ", 2)[0] : "";
        String server = "";
        long replyAt = 0;
        String reply = "";
        for (TraceEvent e : events) {
            switch (e.kind()) {
                case RECEIVE -> server = e.taskName();
                case REPLY -> {
                    replyAt = e.time();
                    reply = name(e.detail());
                    server = server.isEmpty() ? e.taskName() : server;
                }
                default -> {
                    // The start, read above.
                }
            }
        }
        return new Message(start.flow(), start.kind() == TraceEvent.Kind.CALL ? "call" : "send", start.time(),
                start.taskName(), port, name(start.detail()), server, replyAt, reply);
    }

    private static String name(String detail) {
        Matcher m = ID.matcher(detail);
        return m.find() ? MsgNames.of(Integer.parseInt(m.group(1))) : "?";
    }
}
