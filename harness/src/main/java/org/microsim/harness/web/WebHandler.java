package org.microsim.harness.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One connection of the web view's server: the page, its scripts, the feed and the commands.
 *
 * <pre>
 *   GET  /                 the page           GET /events    the feed (server-sent events, see {@link Feed})
 *   GET  /app.js ...       its files          POST /command  a console command line; its output comes back
 * </pre>
 *
 * <p>Who may ask: a request whose {@code Host} is not this server's is refused (a web page elsewhere cannot reach
 * it by renaming itself, as in DNS rebinding), and so is a feed or command request whose {@code Origin} is another
 * page's; a command needs an {@code Origin}, which browsers always send with a POST, so another site's form or
 * script cannot run one. Commands run one at a time on their own thread, never on the network's.
 */
final class WebHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The answer to a command line: whether it succeeded and what it printed. */
    record Reply(boolean ok, String output) {
    }

    private static final int MAX_COMMAND = 4096;

    private final Set<String> hosts;
    private final Feed feed;
    private final StaticFiles files;
    private final Function<String, Reply> commands;
    private final Executor commandThread;

    /**
     * @param hosts the {@code host:port} names this server answers to; empty for any (it listens on every
     *     address, as asked)
     * @param commands runs a command line, as the console would
     */
    WebHandler(Set<String> hosts, Feed feed, StaticFiles files, Function<String, Reply> commands,
            Executor commandThread) {
        this.hosts = hosts;
        this.feed = feed;
        this.files = files;
        this.commands = commands;
        this.commandThread = commandThread;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String path = request.uri().split("\\?", 2)[0];
        if (!hosts.isEmpty() && !hosts.contains(host)) {
            text(ctx, HttpResponseStatus.FORBIDDEN, "this server answers only to " + String.join(" or ", hosts));
        } else if (origin != null && !origin.equals("http://" + host)) {
            text(ctx, HttpResponseStatus.FORBIDDEN, "requests from " + origin + " are refused");
        } else if (request.method().equals(HttpMethod.POST) && path.equals("/command")) {
            if (origin == null) {
                text(ctx, HttpResponseStatus.FORBIDDEN, "a command needs the Origin of this server's page");
            } else {
                command(ctx, request.content().toString(StandardCharsets.UTF_8));
            }
        } else if (!request.method().equals(HttpMethod.GET)) {
            text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " " + path + " is not served");
        } else if (path.equals("/events")) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            HttpUtil.setTransferEncodingChunked(response, true);
            ctx.writeAndFlush(response);
            feed.subscribe(ctx.channel());
        } else {
            files.find(path).ifPresentOrElse(file -> send(ctx, HttpResponseStatus.OK, file.type(), file.bytes()),
                    () -> text(ctx, HttpResponseStatus.NOT_FOUND, "no " + path + " here"));
        }
    }

    private void command(ChannelHandlerContext ctx, String line) {
        if (line.length() > MAX_COMMAND || line.contains("\n")) {
            text(ctx, HttpResponseStatus.BAD_REQUEST, "a command is one line of at most " + MAX_COMMAND + " characters");
            return;
        }
        commandThread.execute(() -> {
            Reply reply;
            try {
                reply = commands.apply(line);
            } catch (IllegalArgumentException e) {
                reply = new Reply(false, e.getMessage());
            } catch (RuntimeException e) {
                // The page gets an answer whatever happened, so that no click waits forever.
                reply = new Reply(false, "internal error: " + e.getMessage());
            }
            send(ctx, HttpResponseStatus.OK, "application/json", Json.object("ok", reply.ok(), "output",
                    reply.output()).getBytes(StandardCharsets.UTF_8));
        });
    }

    private static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        send(ctx, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A page that went away mid-answer: nothing to tell anyone.
        ctx.close();
    }
}
