package org.microsim.harness.session;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.Closeable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.NicConfig;
import org.microsim.services.netd.tcp.TcpConnection;
import org.microsim.services.netd.tcp.TcpError;
import org.microsim.services.netd.tcp.TcpState;
import org.microsim.services.netd.wire.Ipv4Addr;

/**
 * Host port forwarding into the user LAN, as QEMU's {@code -netdev user,hostfwd=tcp:127.0.0.1:8080-:80}: the
 * simulator listens on a port of the host, and for each connection it accepts, the user LAN's gateway
 * ({@link UserNet}, 10.0.2.2) opens a TCP connection to the guest's port and relays the bytes both ways, as
 * libslirp does ({@code slirp_add_hostfwd}, then {@code tcp_connect} from the gateway's address).
 *
 * <pre>
 *   curl ══ TCP 127.0.0.1:8080 ══ Netty child channel ─▶ Relay ─▶ UserNet.fromHost ─▶ TcpConnection 10.0.2.2:49152
 *                                      ▲   (host side)             (simulation side)         │ segments in IPv4
 *                                      └──────── writes ◀── poll after every TCP event ◀──────┘ ─▶ LAN ─▶ httpd :80
 * </pre>
 *
 * <h2>What is passed on</h2>
 * <ul>
 * <li>Bytes, with backpressure both ways: the host channel is read only ({@code autoRead} off, one {@code read()}
 *     at a time) while the gateway's send buffer has room and nothing from the host still waits for it; the guest's
 *     connection is read only while the host channel is writable (its write buffer under the high water mark), so
 *     an unread receive buffer closes the guest's window.
 * <li>Half closes: the host's FIN, after the bytes before it, becomes {@code shutdownOutput} of the guest
 *     connection; the guest's FIN, after its bytes, {@code shutdownOutput} of the host socket. When both have
 *     happened the host socket is closed.
 * <li>Failures: a guest that refuses (RST to the SYN) closes the host connection; a guest that resets, or stops
 *     answering, resets it (SO_LINGER 0); a host connection that is reset or closed before both directions ended
 *     aborts the guest connection (a RST to the guest).
 * </ul>
 *
 * <h2>Threads</h2>
 * Netty's event loop runs the host side and hands everything to the simulation through {@link UserNet#fromHost}
 * (at once under the free scheduler, at the next defined point under the deterministic one); the simulation side
 * writes to the channel and asks it to read, both of which Netty allows from any thread. The fields a relay's
 * simulation side uses are touched only there. The rules themselves are guarded by this object.
 *
 * <p>Host I/O makes a run depend on when the host's bytes arrive: it is not reproducible from its seed, and
 * {@code --free} is the natural mode.
 */
final class HostForwards implements Closeable {
    /** A forward's host channel stops being written to above this many queued bytes, and resumes below the low. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
    /** The most taken from the guest's connection per write to the host. */
    private static final int CHUNK = 64 << 10;

    private final Supplier<EventLoopGroup> group;
    private final Supplier<Optional<UserNet>> userNet;
    private final Map<Integer, Rule> rules = new TreeMap<>();

    /** One forward: its words, its guest address, its listening channel and what it carried. */
    private static final class Rule {
        final NicConfig.HostForward spec;
        final Ipv4Addr guest;
        final AtomicLong accepted = new AtomicLong();
        final AtomicInteger open = new AtomicInteger();
        /** Bytes the guest's connections took from the host, and bytes written to the host from the guest. */
        final AtomicLong toGuest = new AtomicLong();
        final AtomicLong toHost = new AtomicLong();
        Channel server;

        Rule(NicConfig.HostForward spec, Ipv4Addr guest) {
            this.spec = spec;
            this.guest = guest;
        }
    }

    /**
     * @param group   the event loop for host I/O, made when first needed
     * @param userNet the user LAN's gateway, once a NIC has made the LAN
     */
    HostForwards(Supplier<EventLoopGroup> group, Supplier<Optional<UserNet>> userNet) {
        this.group = group;
        this.userNet = userNet;
    }

    /**
     * Listens on the host for {@code spec}.
     *
     * @return where it forwards, as {@code 127.0.0.1:8080 -> 10.0.2.15:80}
     * @throws MachineException naming the forward when its guest address is not on the user LAN, its host port is
     *                          forwarded already, or the host will not let it listen (the port in use ...)
     */
    synchronized String add(NicConfig.HostForward spec) throws MachineException {
        String what = "hostfwd " + spec;
        Ipv4Addr guest;
        try {
            guest = spec.guestAddr().map(Ipv4Addr::parse).orElse(UserNet.FIRST_LEASE);
        } catch (IllegalArgumentException e) {
            throw new MachineException(what + ": " + e.getMessage());
        }
        if (!guest.inSubnet(UserNet.NETWORK, UserNet.PREFIX_LENGTH) || guest.equals(UserNet.NETWORK)
                || guest.equals(UserNet.SUBNET_BROADCAST) || guest.equals(UserNet.GATEWAY)
                || guest.equals(UserNet.DNS)) {
            throw new MachineException(what + ": the guest address " + guest + " is not a station of the user LAN "
                    + "(10.0.2.4 to 10.0.2.254; DHCP hands out 10.0.2.15 first)");
        }
        if (rules.containsKey(spec.hostPort())) {
            throw new MachineException(what + ": host port " + spec.hostPort() + " is forwarded already ("
                    + rules.get(spec.hostPort()).spec + "); remove it first (hostfwd remove " + spec.hostPort() + ")");
        }
        Rule rule = new Rule(spec, guest);
        ChannelFuture bound = new ServerBootstrap().group(group.get()).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Relay(rule));
                    }
                })
                .bind(spec.hostAddr(), spec.hostPort());
        if (!bound.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bound.isSuccess()) {
            bound.channel().close();
            Throwable why = bound.cause();
            throw new MachineException(what + ": cannot listen on " + spec.hostAddr() + ":" + spec.hostPort() + ": "
                    + (why == null ? "timed out" : why.getMessage() == null ? why.getClass().getSimpleName()
                    : why.getMessage()));
        }
        rule.server = bound.channel();
        rules.put(spec.hostPort(), rule);
        return route(rule);
    }

    private static String route(Rule r) {
        return r.spec.hostAddr() + ":" + r.spec.hostPort() + " -> " + r.guest + ":" + r.spec.guestPort();
    }

    /** The forwards, one line each by host port, with what they carried; empty when there are none. */
    synchronized List<String> list() {
        List<String> lines = new ArrayList<>();
        for (Rule r : rules.values()) {
            lines.add(String.format("%-34s %-36s %d connection(s), %d open, %d bytes in, %d bytes out", r.spec,
                    route(r), r.accepted.get(), r.open.get(), r.toGuest.get(), r.toHost.get()));
        }
        return lines;
    }

    /** Whether any port is forwarded: then a run reaches the host. */
    synchronized boolean any() {
        return !rules.isEmpty();
    }

    /** The forward from {@code hostPort}, if there is one. */
    synchronized Optional<NicConfig.HostForward> find(int hostPort) {
        return Optional.ofNullable(rules.get(hostPort)).map(r -> r.spec);
    }

    /**
     * Stops listening on {@code hostPort}, as QEMU's {@code hostfwd_remove}; connections already made go on.
     *
     * @return the forward removed, or empty when that port is not forwarded
     */
    synchronized Optional<NicConfig.HostForward> remove(int hostPort) {
        Rule r = rules.remove(hostPort);
        if (r == null) {
            return Optional.empty();
        }
        r.server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        return Optional.of(r.spec);
    }

    @Override
    public synchronized void close() {
        for (Rule r : rules.values()) {
            r.server.close();
        }
        rules.clear();
    }

    /**
     * One forwarded connection: the Netty handler of the host channel (host side) and the user of the gateway's
     * TCP connection to the guest (simulation side); see the class comment.
     */
    private final class Relay extends ChannelInboundHandlerAdapter implements UserNet.TcpUser {
        private final Rule rule;
        private volatile Channel channel;
        private UserNet net;
        // The simulation side's own, from here on.
        private TcpConnection conn;
        /** Bytes from the host the guest's connection has not taken yet, the first from {@link #offset}. */
        private final ArrayDeque<byte[]> toGuest = new ArrayDeque<>();
        private int offset;
        /** A read asked of the host channel and not complete yet. */
        private boolean reading;
        private boolean hostEof;
        private boolean finToGuest;
        private boolean guestEof;
        private boolean finished;

        Relay(Rule rule) {
            this.rule = rule;
        }

        // ---- host side: Netty's event loop ----

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            net = userNet.get().orElse(null);
            if (net == null) {
                ctx.close(); // no user LAN yet (no machine booted with a NIC on it): nobody to forward to
                return;
            }
            rule.accepted.incrementAndGet();
            rule.open.incrementAndGet();
            net.fromHost(this::open);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            net.fromHost(() -> {
                if (!finished) {
                    toGuest.add(bytes);
                }
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            net.fromHost(() -> reading = false);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                net.fromHost(() -> hostEof = true);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                net.fromHost(() -> {
                    // Nothing to do here: the gateway polls every relay after host work.
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // reset by the peer, or a write that failed: the host connection is over
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (net != null) {
                rule.open.decrementAndGet();
                net.fromHost(this::hostGone);
            }
        }

        // ---- simulation side ----

        private void open() {
            conn = net.connect(rule.guest, rule.spec.guestPort(), this);
        }

        /** The host connection closed: if both directions had not ended, the guest's is reset. */
        private void hostGone() {
            if (finished) {
                return;
            }
            finished = true; // (a relay that ended well finished before its channel closed)
            if (conn != null && conn.state() != TcpState.CLOSED) {
                conn.abort();
            }
            toGuest.clear();
        }

        @Override
        public boolean poll() {
            if (finished) {
                return false;
            }
            if (conn == null) {
                return true;
            }
            Channel ch = channel;
            if (conn.state() == TcpState.CLOSED && conn.error() != null) {
                finished = true;
                if (conn.error() != TcpError.REFUSED) {
                    ch.config().setOption(ChannelOption.SO_LINGER, 0); // the host sees the reset as a reset
                }
                ch.close();
                return false;
            }
            toGuest();
            fromGuest(ch);
            if (!reading && !hostEof && toGuest.isEmpty() && conn.sendSpace() > 0) {
                reading = true;
                ch.read();
            }
            if (finToGuest && guestEof) {
                finished = true;
                conn.close();
                ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ch.close());
                return false;
            }
            return true;
        }

        /** Gives the guest's connection what it takes of the host's bytes, then the host's FIN after them. */
        private void toGuest() {
            while (!toGuest.isEmpty()) {
                byte[] b = toGuest.peek();
                int n = conn.send(b, offset, b.length - offset);
                if (n < 0) {
                    toGuest.clear(); // the guest's side cannot take more (it closed): the bytes have nowhere to go
                    offset = 0;
                    break;
                }
                offset += n;
                rule.toGuest.addAndGet(n);
                if (offset < b.length) {
                    break;
                }
                toGuest.poll();
                offset = 0;
            }
            if (toGuest.isEmpty() && hostEof && !finToGuest) {
                finToGuest = true;
                conn.shutdownOutput();
            }
        }

        /** Writes what the guest sent to the host while the host channel takes it; passes the guest's FIN on. */
        private void fromGuest(Channel ch) {
            boolean wrote = false;
            while (!guestEof && ch.isWritable()) {
                int available = conn.available();
                byte[] b = new byte[Math.max(1, Math.min(CHUNK, available))];
                int n = conn.receive(b, 0, available == 0 ? 1 : b.length);
                if (n == 0) {
                    break;
                }
                if (n < 0) {
                    guestEof = true;
                    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                        if (ch.isActive()) {
                            ((DuplexChannel) ch).shutdownOutput();
                        }
                    });
                    return;
                }
                ch.write(Unpooled.wrappedBuffer(b, 0, n));
                rule.toHost.addAndGet(n);
                wrote = true;
            }
            if (wrote) {
                ch.flush();
            }
        }
    }
}
