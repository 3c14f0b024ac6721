package org.microsim.services.netd;

import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.HandleInfo;
import org.microsim.abi.Handler;
import org.microsim.abi.LeaseInfo;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Notice;
import org.microsim.abi.PortClass;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Rights;
import org.microsim.abi.Sys;
import org.microsim.abi.devd.DriverAvailable;
import org.microsim.abi.devd.DriverGone;
import org.microsim.abi.net.EthClient;
import org.microsim.abi.net.EthError;
import org.microsim.abi.net.EthEvent;
import org.microsim.abi.net.EthException;
import org.microsim.abi.net.EthInfo;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.TcpRequest;
import org.microsim.services.netd.wire.DhcpMessage;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MacAddr;

/**
 * netd's handler on the server runtime: the network protocol's requests, devd's driver notices, the drivers'
 * events and the stack's timers, one at a time.
 *
 * <pre>
 *   msg 100 (a Network driver port) ─▶ GET_INFO, SUBSCRIBE ─▶ an interface (or the same one, rebound)
 *   msg 101 (its device unplugged) ──▶ the interface goes
 *   EthEvent (frames, link) ─────────▶ RECEIVE ─▶ stack.input          deadline ─▶ stack.tick
 *   requests ────────────────────────▶ tables, configure, ping (held), UDP (receive held)
 * </pre>
 *
 * <p>A driver that restarts registers its port anew and devd says so with msg 100 again: the interface of that name
 * keeps its address, lease and MTU and only changes driver (which is told the MTU again). The conduit of a switch (its
 * NIC, whose frames carry the switch's tag) is no interface: its user ports are.
 */
final class NetdServer implements Handler<NetRequest<?>> {
    private static final Duration DRIVER_TIMEOUT = Duration.ofSeconds(1);

    private final Sys sys;
    private final Handle events;
    private final Stack stack;
    private final TcpSockets sockets;
    private int nextToken = 1;

    NetdServer(Sys sys, Handle events) {
        this.sys = sys;
        this.events = events;
        this.stack = new Stack(sys);
        this.sockets = new TcpSockets(sys, stack);
    }

    @Override
    public Protocol<NetRequest<?>, ?> protocol() {
        return NetRequest.PROTOCOL;
    }

    @Override
    public Message handle(NetRequest<?> request, Received call) throws NetException {
        long now = sys.now();
        try {
            return serve(request, call, now);
        } finally {
            tcpProgress(now);
        }
    }

    /** Sends what TCP has to send, and answers the socket calls that can be answered now. */
    private void tcpProgress(long now) {
        stack.flushTcp(now);
        sockets.progress(now);
        stack.flushTcp(now);
    }

    private Message serve(NetRequest<?> request, Received call, long now) throws NetException {
        return switch (request) {
            case NetRequest.Interfaces r -> NetRequest.Interfaces.reply(stack.interfaces(now));
            case NetRequest.Neighbours r -> NetRequest.Neighbours.reply(stack.neighbours(now));
            case NetRequest.Routes r -> NetRequest.Routes.reply(stack.routes());
            case NetRequest.Counters r -> NetRequest.Counters.reply(stack.counters());
            case NetRequest.Configure c -> {
                configure(c, now);
                yield Replies.ok();
            }
            case NetRequest.SetMtu m -> {
                setMtu(m);
                yield Replies.ok();
            }
            case NetRequest.Ping p -> ping(p, call, now);
            case NetRequest.UdpBind b -> NetRequest.UdpBind.reply(stack.udp.bind(call.sender(), b.port()));
            case NetRequest.UdpSend s -> {
                int port = stack.udp.port(call.sender(), s.socket());
                stack.sendUdp(port, new Ipv4Addr(s.destination()), s.port(), lease(call), now);
                yield Replies.ok();
            }
            case NetRequest.UdpReceive r -> stack.udp.receive(call, r.socket(), r.timeoutMillis(), now);
            case NetRequest.UdpClose c -> {
                stack.udp.close(call.sender(), c.socket());
                yield Replies.ok();
            }
            case TcpRequest<?> t -> sockets.handle(t, call, now);
        };
    }

    /** The driver checks and applies the MTU first; the interface takes it only when the driver did. */
    private void setMtu(NetRequest.SetMtu m) throws NetException {
        Interface i = stack.get(m.iface());
        if (i == null) {
            throw new NetException(NetError.NO_SUCH_INTERFACE, "no interface " + m.iface());
        }
        if (i.eth == null || i.driverGone) {
            throw new NetException(NetError.IO_ERROR, i.name + " has no driver now");
        }
        try {
            i.eth.setMtu(m.mtu());
        } catch (EthException e) {
            i.driverGone = e.driverGone();
            throw new NetException(e.error() == EthError.INVALID_REQUEST ? NetError.INVALID_REQUEST
                    : NetError.IO_ERROR, i.name + ": " + e.getMessage());
        }
        if (i.mtu != m.mtu()) {
            i.mtu = m.mtu();
            sys.log("netd: " + i.name + " mtu " + i.mtu);
        }
    }

    private Message ping(NetRequest.Ping p, Received call, long now) throws NetException {
        Ipv4Addr to = new Ipv4Addr(p.destination());
        if (stack.route(to) == null) {
            throw new NetException(NetError.UNREACHABLE, "no route to " + to
                    + (configuredAny() ? "" : ": no interface has an address yet"));
        }
        if (stack.pings.full()) {
            throw new NetException(NetError.BUSY, "too many pings at once");
        }
        stack.pings.start(call.replyRight(), to, p, now);
        stack.tick(now);
        return Handler.NO_REPLY;
    }

    private boolean configuredAny() {
        for (Interface i : stack.all()) {
            if (i.configured()) {
                return true;
            }
        }
        return false;
    }

    private byte[] lease(Received call) throws NetException {
        LeaseInfo lease = call.lease();
        if (lease == null || !lease.readable() || lease.length() > NetRequest.MAX_DATAGRAM) {
            throw new NetException(lease != null && lease.length() > NetRequest.MAX_DATAGRAM
                    ? NetError.MESSAGE_TOO_LONG : NetError.LEASE_TOO_SMALL,
                    "UDP_SEND lends the datagram, readable, at most " + NetRequest.MAX_DATAGRAM + " bytes");
        }
        byte[] data = new byte[(int) lease.length()];
        if (!sys.leaseRead(call.replyRight(), 0, data, 0, data.length).isOk()) {
            throw new NetException(NetError.LEASE_TOO_SMALL, "the datagram cannot be read from the lease");
        }
        return data;
    }

    private void configure(NetRequest.Configure c, long now) throws NetException {
        Interface i = stack.get(c.iface());
        if (i == null) {
            throw new NetException(NetError.NO_SUCH_INTERFACE, "no interface " + c.iface());
        }
        i.arp.clear();
        switch (c.mode()) {
            case DHCP -> {
                i.unconfigure();
                i.mode = c.mode();
                if (i.linkUp) {
                    i.dhcp.start(now);
                }
            }
            case STATIC -> {
                Ipv4Addr address = new Ipv4Addr(c.address());
                if (c.prefix() < 1 || c.prefix() > 32 || address.equals(Ipv4Addr.ANY)
                        || address.equals(Ipv4Addr.BROADCAST)) {
                    throw new NetException(NetError.INVALID_REQUEST, address + "/" + c.prefix()
                            + " is not an address for an interface");
                }
                i.dhcp.stop();
                i.mode = c.mode();
                i.configure(address, c.prefix(), new Ipv4Addr(c.gateway()));
            }
            case OFF -> {
                i.dhcp.stop();
                i.mode = c.mode();
                i.unconfigure();
            }
        }
    }

    @Override
    public boolean notice(Notice notice) {
        long now = sys.now();
        switch (notice) {
            case Notice.Sent(Received r) when r.msgId() == MsgIds.SERVICE_NOTIFY_DRIVER_AVAILABLE -> bind(r.message(),
                    now);
            case Notice.Sent(Received r) when r.msgId() == MsgIds.SERVICE_NOTIFY_DRIVER_GONE -> gone(r.message());
            case Notice.Sent(Received r) when r.msgId() == EthEvent.MSG_ID -> event(r.message(), now);
            case Notice.Deadline d -> stack.tick(now);
            default -> {
                return false;
            }
        }
        tcpProgress(now);
        return true;
    }

    @Override
    public long wakeAt() {
        return Math.min(stack.nextDeadline(), sockets.nextDeadline());
    }

    private void bind(Message notice, long now) {
        DriverAvailable n;
        try {
            n = DriverAvailable.decode(notice);
        } catch (MalformedException e) {
            sys.log("netd: ignored a bad driver notice: " + e.getMessage());
            notice.handles().forEach(sys::close);
            return;
        }
        HandleInfo info = sys.inspect(n.driver()).orNull();
        if (info == null || !info.alive() || info.info().portClass() != PortClass.NETWORK) {
            sys.log("netd: ignored a driver notice for " + (info == null ? "a port that is gone" : info.portName()));
            sys.close(n.driver());
            return;
        }
        String name = info.portName().endsWith(":") ? info.portName().substring(0, info.portName().length() - 1)
                : info.portName();
        Interface existing = stack.get(name);
        if (existing != null && existing.portId == info.portId() && !existing.driverGone) {
            sys.close(n.driver()); // the same port again, from a devd that restarted
            return;
        }
        EthClient eth = EthClient.of(sys, n.driver(), DRIVER_TIMEOUT);
        EthInfo ethInfo;
        try {
            ethInfo = eth.info();
            if (ethInfo.conduit()) {
                sys.log("netd: " + name + " is the conduit of a switch; its ports are the interfaces");
                sys.close(n.driver());
                return;
            }
            Interface i = existing != null ? existing : newInterface(name, new MacAddr(ethInfo.mac()));
            if (existing == null) {
                i.mtu = ethInfo.mtu(); // what the user set survives a restart of netd in the driver
            } else if (ethInfo.mtu() != i.mtu) {
                eth.setMtu(i.mtu); // and a restart of the driver here
            }
            eth.subscribe(sys.duplicate(events, Rights.SEND_GRANT).orThrow(), i.token);
            if (existing != null) {
                sys.close(existing.port);
                sys.log("netd: " + name + " is back (its driver restarted)");
            }
            i.rebind(eth, n.driver(), info.portId());
            link(i, ethInfo.linkUp(), now);
            if (existing == null) {
                stack.add(i);
                sys.log("netd: " + name + " " + i.mac + ", link " + (i.linkUp ? "up" : "down"));
                if (i.linkUp) {
                    i.dhcp.start(now);
                }
            }
        } catch (EthException e) {
            sys.log("netd: cannot use " + name + ": " + e.getMessage());
            sys.close(n.driver());
        }
    }

    private Interface newInterface(String name, MacAddr mac) {
        int token = nextToken++;
        Interface[] self = new Interface[1];
        DhcpClient dhcp = new DhcpClient(mac, sys::random, new DhcpClient.Env() {
            @Override
            public void send(DhcpMessage message, Ipv4Addr server) {
                stack.sendDhcp(self[0], message, server, sys.now());
            }

            @Override
            public void bound(Ipv4Addr address, int prefix, Ipv4Addr router) {
                self[0].configure(address, prefix, router);
            }

            @Override
            public void unbound() {
                self[0].unconfigure();
                self[0].arp.clear();
            }

            @Override
            public void log(String line) {
                sys.log("netd: " + name + ": " + line);
            }
        });
        self[0] = new Interface(name, token, dhcp);
        self[0].mac = mac;
        return self[0];
    }

    private void gone(Message notice) {
        try {
            Interface i = stack.byPortId(DriverGone.decode(notice).portId());
            if (i != null) {
                stack.remove(i);
                sys.close(i.port);
                sys.log("netd: " + i.name + " is gone: its device was unplugged");
            }
        } catch (MalformedException e) {
            sys.log("netd: ignored a bad driver-gone notice: " + e.getMessage());
            notice.handles().forEach(sys::close);
        }
    }

    private void event(Message message, long now) {
        EthEvent e;
        try {
            e = EthEvent.decode(message);
        } catch (MalformedException bad) {
            stack.counters.add("driver: bad event");
            message.handles().forEach(sys::close);
            return;
        }
        Interface i = stack.byToken(e.token());
        if (i == null || i.eth == null) {
            stack.counters.add("driver: event for no interface");
            return;
        }
        if (e.link()) {
            link(i, e.linkUp(), now);
        }
        if (e.frames()) {
            try {
                // Frames as views into the client's lease buffers: the stack copies what it keeps.
                long dropped = i.eth.receiveAll((b, offset, length) -> stack.input(i, b, offset, length, now));
                for (int k = 0; k < dropped; k++) {
                    stack.counters.add("driver: frames lost (netd too slow)");
                }
            } catch (EthException x) {
                i.driverGone = x.driverGone();
                stack.counters.add("driver: receive failed");
            }
        }
    }

    private void link(Interface i, boolean up, long now) {
        boolean was = i.linkUp;
        i.linkUp = up;
        if (up && !was && i.mode == NetRequest.Mode.DHCP && stack.get(i.name) != null) {
            i.dhcp.linkUp(now);
        }
        if (was != up && stack.get(i.name) != null) {
            sys.log("netd: " + i.name + " link " + (up ? "up" : "down"));
        }
    }
}
