package org.microsim.harness.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The live feed: server-sent events to every open page, one per quiet point, each the lines that turn the
 * page's model into the machine's (see {@link ViewModel#diff}).
 *
 * <pre>
 *   command ends ─▶ publish(model) ─▶ diff against the last ─▶ "id: 7 / event: update / data: +task/3 {...}"
 *                                                                    ├──▶ page A
 *   page opens  ─▶ subscribe ─▶ "event: reset" + the whole model ────└──▶ page B
 * </pre>
 *
 * A page that opens gets the whole model first ({@code reset}), then every update, in order: publishing and
 * subscribing take turns, so no update is missed or sent twice. Each event's id counts the quiet points, so a
 * reader can wait for the one that follows what it did.
 */
final class Feed {
    private final List<Channel> pages = new ArrayList<>();
    private ViewModel model = ViewModel.EMPTY;
    private long published;

    /** Sends what changed since the last quiet point to every page. */
    synchronized void publish(ViewModel next) {
        List<String> lines = model.diff(next);
        model = next;
        published++;
        String event = event("update", lines);
        pages.removeIf(page -> !page.isActive());
        pages.forEach(page -> send(page, event));
    }

    /** A new page: it gets the whole model now, then every update. */
    synchronized void subscribe(Channel page) {
        send(page, event("reset", ViewModel.EMPTY.diff(model)));
        pages.add(page);
    }

    private String event(String name, List<String> lines) {
        StringBuilder out = new StringBuilder().append("id: ").append(published).append("\nevent: ").append(name)
                .append('\n');
        if (lines.isEmpty()) {
            out.append("data: \n");
        }
        lines.forEach(line -> out.append("data: ").append(line).append('\n'));
        return out.append('\n').toString();
    }

    private static void send(Channel page, String event) {
        page.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
    }
}
