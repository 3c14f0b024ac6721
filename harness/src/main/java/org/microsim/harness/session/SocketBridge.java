package org.microsim.harness.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.Closeable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.microsim.kernel.machine.EthernetLink;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.NicConfig;

/**
 * One end of a LAN that spans two simulator processes: a station on the LAN that carries every frame it hears to
 * the other process over TCP, and puts every frame from there on the LAN, each frame after a 4-byte big-endian
 * length, as QEMU's stream netdev does (so either end may also be a QEMU {@code -netdev stream}).
 *
 * <pre>
 *   process A: NIC ─▶ LAN socket-l5555 ─▶ bridge ══ TCP 127.0.0.1:5555 ══ bridge ◀─ LAN socket-c5555 ◀─ NIC: process B
 *              (listen=5555)                        len u32 BE | frame                       (connect=...:5555)
 * </pre>
 *
 * <p>Host I/O and reproducibility: frames from the host arrive on Netty's thread, whenever the other process sends
 * them, so a run with a socket LAN is not a function of its seed any more. Under the free scheduler a frame goes on
 * the LAN as it arrives. Under the deterministic one nothing may touch the simulation while it runs, so frames wait
 * in a queue and enter only at defined points: between the steps in which the harness lets the machines run
 * ({@link #pump}), and at each command. {@code --free} is the natural mode for it. The listening end takes one peer
 * at a time; a later one replaces it.
 */
final class SocketBridge implements EthernetLink.Station, Closeable {
    /** The longest frame taken from the other end (a jumbo frame and some); longer closes the connection. */
    private static final int MAX_FRAME = 16 * 1024;
    private static final int MAX_QUEUED = 4096;

    private final NicConfig.Socket endpoint;
    private final boolean free;
    private final ConcurrentLinkedQueue<byte[]> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private Channel server;
    private volatile Channel peer;
    private volatile Lan.Port port;

    private SocketBridge(NicConfig.Socket endpoint, boolean free) {
        this.endpoint = endpoint;
        this.free = free;
    }

    /**
     * Listens, or connects (waiting at most 5 s), as {@code endpoint} says.
     *
     * @throws MachineException naming the address and why when it cannot
     */
    static SocketBridge open(NicConfig.Socket endpoint, EventLoopGroup group, boolean free) throws MachineException {
        SocketBridge b = new SocketBridge(endpoint, free);
        ChannelInitializer<SocketChannel> pipeline = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4),
                        new LengthFieldPrepender(4), b.new Frames());
            }
        };
        String where = endpoint.host() + ":" + endpoint.port();
        ChannelFuture f = endpoint.listen()
                ? new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(pipeline)
                        .bind(endpoint.host(), endpoint.port())
                : new Bootstrap().group(group).channel(NioSocketChannel.class).handler(pipeline)
                        .connect(endpoint.host(), endpoint.port());
        if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS) || !f.isSuccess()) {
            f.channel().close();
            Throwable why = f.cause();
            throw new MachineException("socket LAN: cannot " + (endpoint.listen() ? "listen on " : "connect to ")
                    + where + ": " + (why == null ? "timed out" : why.getMessage() == null ? why.getClass()
                    .getSimpleName() : why.getMessage()));
        }
        if (endpoint.listen()) {
            b.server = f.channel();
        } else {
            b.peer = f.channel();
        }
        return b;
    }

    /** Joins {@code lan} as its station {@code socket HOST:PORT}. */
    void plugInto(Lan lan) {
        port = lan.plug(this, "socket " + endpoint.host() + ":" + endpoint.port());
    }

    /** A frame heard on the LAN: to the other process, if one is there. */
    @Override
    public void receive(byte[] frame) {
        Channel c = peer;
        if (c != null && c.isActive()) {
            c.writeAndFlush(Unpooled.wrappedBuffer(frame));
        }
    }

    @Override
    public void linkChanged(boolean up) {
        // The bridge has no carrier of its own to follow.
    }

    /** Puts the frames that came from the other process on the LAN (deterministic scheduler: at a defined point). */
    void pump() {
        Lan.Port p = port;
        for (byte[] frame = incoming.poll(); frame != null && p != null; frame = incoming.poll()) {
            p.transmit(frame);
        }
    }

    /** Frames from the other process dropped because the simulation did not take them fast enough. */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        Channel c = peer;
        if (c != null) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The end of the pipeline: whole frames from the other process. */
    private final class Frames extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (endpoint.listen()) {
                Channel old = peer;
                peer = ctx.channel();
                if (old != null) {
                    old.close();
                }
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            byte[] frame = new byte[msg.readableBytes()];
            msg.readBytes(frame);
            if (frame.length < 14) {
                dropped.incrementAndGet();
                return;
            }
            Lan.Port p = port;
            if (free && p != null) {
                p.transmit(frame);
            } else if (incoming.size() < MAX_QUEUED) {
                incoming.add(frame);
            } else {
                dropped.incrementAndGet();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a frame too long, or the peer gone: this connection ends, the LAN goes on
        }
    }
}
