package org.microsim.harness.web;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.microsim.harness.script.CommandSet;
import org.microsim.harness.script.Outcome;

/**
 * The live web view of a machine ({@code sim --web}): a small HTTP server (Netty) that serves one page and
 * feeds it the machine's state, and takes the page's buttons as console commands.
 *
 * <pre>
 *                 command ends (quiet)                                     GET /events
 *   console ──▶ Foreground ──afterEach──▶ SystemView ──▶ ViewModel ──▶ Feed ════════▶ page (cytoscape.js)
 *      ▲                                                                                │
 *      └──────────────── submit(line) ◀── command thread ◀── POST /command ◀────────────┘
 * </pre>
 *
 * <p>Watching does not change a run. The view reads the machine only where a command ended, while commands
 * wait their turn ({@link org.microsim.harness.script.Foreground}), and only what the kernel, devd and the
 * service manager already hold: no system call, no message, nothing that would let a task run. A page that
 * nobody clicks sees the run the same seed gives without it. A click is a console command like any typed one:
 * it waits for the running command, runs, and shows in the console's transcript and history.
 *
 * <p>It listens on 127.0.0.1 unless another address is asked for, answers only to its own host name, and takes
 * feed and command requests only from its own page's origin (see {@link WebHandler}).
 */
public final class WebView implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;
    private final ExecutorService commandThread;
    private final String url;
    private volatile boolean closed;

    private WebView(EventLoopGroup group, Channel server, ExecutorService commandThread, String url) {
        this.group = group;
        this.server = server;
        this.commandThread = commandThread;
        this.url = url;
    }

    /**
     * Starts serving the view of a machine.
     *
     * @param address where to listen: {@code [HOST:]PORT}, or empty for {@value WebAddress#DEFAULT}
     * @param commands the session's commands: the view reads the machine after each one ends
     * @param machine what the view shows, read between commands; empty before boot
     * @param submit runs a command line from the page as the console does, and gives its outcome; throws
     *     IllegalArgumentException with a one-line reason for a line it refuses
     * @throws WebAddress.BadAddress when the address is not one, or cannot be listened on (a port in use)
     */
    public static WebView start(String address, CommandSet commands, Supplier<Optional<SystemView>> machine,
            Function<String, Outcome> submit) throws WebAddress.BadAddress {
        InetSocketAddress at = WebAddress.parse(address);
        Feed feed = new Feed();
        StaticFiles files = new StaticFiles();
        ExecutorService commandThread = Executors.newSingleThreadExecutor(
                new DefaultThreadFactory("sim-web-commands", true));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sim-web", true),
                NioIoHandler.newFactory());
        ChannelFuture bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The port is known once bound (port 0 asks for any free one): each connection reads it.
                        Set<String> hosts = WebAddress.hostNames(new InetSocketAddress(at.getAddress(),
                                ch.localAddress().getPort()));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebHandler(hosts, feed, files, line -> reply(submit.apply(line)),
                                        commandThread));
                    }
                })
                .bind(at).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully();
            commandThread.shutdownNow();
            throw new WebAddress.BadAddress("cannot listen on " + WebAddress.show(at) + ": "
                    + WebAddress.why(bound.cause()));
        }
        InetSocketAddress local = (InetSocketAddress) bound.channel().localAddress();
        WebView view = new WebView(group, bound.channel(), commandThread,
                "http://" + WebAddress.show(new InetSocketAddress(at.getAddress(), local.getPort())) + "/");
        Runnable publish = () -> {
            if (!view.closed) {
                feed.publish(machine.get().map(ViewModel::of).orElse(ViewModel.EMPTY));
            }
        };
        commands.foreground().afterEach(publish);
        commands.foreground().betweenCommands(publish);
        return view;
    }

    private static WebHandler.Reply reply(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Success s -> new WebHandler.Reply(true, s.output());
            case Outcome.Failure f -> new WebHandler.Reply(false, "error: " + f.message());
            case Outcome.Misuse m -> new WebHandler.Reply(false, "error: " + m.message());
            case Outcome.Crash c -> new WebHandler.Reply(false, "internal error: " + c.text());
        };
    }

    /** Where the page is: {@code http://127.0.0.1:8080/}. */
    public String url() {
        return url;
    }

    /** Stops listening and closes the pages' connections. */
    @Override
    public void close() {
        closed = true;
        server.close().awaitUninterruptibly();
        commandThread.shutdownNow();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
