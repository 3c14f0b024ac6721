package org.microsim.services.netd;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.Handle;
import org.microsim.abi.net.EthClient;
import org.microsim.abi.net.EthException;
import org.microsim.abi.net.EthRequest;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.NetTables;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MacAddr;

/**
 * One network interface: an Ethernet port of a driver ({@code eth0:}, {@code sw1:}) and what netd knows of it:
 * its address and how it got it, its MTU, its neighbours, its DHCP client, its counters. The port may change under
 * it (the driver restarted and registered it anew): {@link #rebind} swaps the driver and keeps everything else.
 *
 * <p>The MTU is the driver's: netd takes it from the driver's GET_INFO when the interface is new (so a restarted
 * netd finds what the user set, which the driver kept), and sets it on a restarted driver, which starts again at
 * 1500, so either side survives the other's restart with the MTU the user chose.
 */
final class Interface {
    final String name;
    final int token;
    final ArpCache arp = new ArpCache();
    final DhcpClient dhcp;
    EthClient eth;
    Handle port;
    long portId;
    MacAddr mac;
    boolean linkUp;
    /** The driver answered DEVICE_GONE: no frames until devd announces the port again. */
    boolean driverGone;
    NetRequest.Mode mode = NetRequest.Mode.DHCP;
    Ipv4Addr address = Ipv4Addr.ANY;
    int prefix;
    Ipv4Addr gateway = Ipv4Addr.ANY;
    /** The largest IPv4 packet sent unfragmented, as the driver takes it (Ethernet SET_MTU). */
    int mtu = EthRequest.DEFAULT_MTU;
    long rxFrames;
    long txFrames;
    long dropped;
    /** Frames held back while TCP's segments are flushed, so they reach the driver in as few SENDs as can be. */
    private final List<byte[]> held = new ArrayList<>();
    private boolean holding;

    Interface(String name, int token, DhcpClient dhcp) {
        this.name = name;
        this.token = token;
        this.dhcp = dhcp;
    }

    /** Takes the (new) driver port. */
    void rebind(EthClient client, Handle handle, long id) {
        eth = client;
        port = handle;
        portId = id;
        driverGone = false;
    }

    boolean configured() {
        return !address.equals(Ipv4Addr.ANY);
    }

    /** Whether {@code ip} is on this interface's subnet. */
    boolean onLink(Ipv4Addr ip) {
        return configured() && ip.inSubnet(address, prefix);
    }

    /** The subnet's broadcast address. */
    Ipv4Addr subnetBroadcast() {
        int host = prefix == 32 ? 0 : -1 >>> prefix;
        return new Ipv4Addr(address.value() | host);
    }

    void configure(Ipv4Addr newAddress, int newPrefix, Ipv4Addr newGateway) {
        address = newAddress;
        prefix = newPrefix;
        gateway = newGateway;
    }

    void unconfigure() {
        configure(Ipv4Addr.ANY, 0, Ipv4Addr.ANY);
    }

    /**
     * Hands frames to the driver; false when it could not take them (no carrier, full, or gone), which the caller
     * counts.
     */
    boolean transmit(List<byte[]> frames) {
        if (holding) {
            held.addAll(frames);
            return true;
        }
        if (eth == null || driverGone || !linkUp) {
            return false;
        }
        try {
            int taken = eth.send(frames);
            txFrames += taken;
            return taken == frames.size();
        } catch (EthException e) {
            driverGone |= e.driverGone();
            return false;
        }
    }

    /**
     * From now until {@link #release}, frames wait here instead of going to the driver one call each: a burst of
     * TCP segments then costs one SEND per lease-full of frames, as a NIC driver's transmit batching does.
     */
    void hold() {
        holding = true;
    }

    /** Hands the held frames to the driver, in order; false when it could not take them all. */
    boolean release() {
        holding = false;
        if (held.isEmpty()) {
            return true;
        }
        List<byte[]> frames = List.copyOf(held);
        held.clear();
        return transmit(frames);
    }

    /** The row {@code ifconfig} shows. */
    NetTables.Interface row(long now) {
        String state = mode == NetRequest.Mode.DHCP ? dhcp.state() : configured() ? "up" : "off";
        return new NetTables.Interface(name, mac.value(), linkUp && !driverGone, address.value(), prefix,
                gateway.value(), mode.word(), driverGone ? "driver gone" : state, rxFrames, txFrames, dropped,
                mode == NetRequest.Mode.DHCP ? dhcp.leaseSecondsLeft(now) : 0, mtu);
    }
}
