package org.microsim.harness.session;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import com.google.common.hash.Hashing;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.microsim.kernel.Timeline;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.Machine;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.NetCapture;
import org.microsim.kernel.machine.NicConfig;

/**
 * The wires outside the machines of a session: every LAN a NIC names ({@code net=}), made when the first NIC
 * plugs into it, each a learning switch whose faults draw from the run's seed mixed with the LAN's name (so adding
 * a LAN does not change what happens on another), and the capture file every LAN writes to ({@code --pcap}).
 * The LAN named {@code user} ({@link NicConfig#USER_NET}) comes with the built-in gateway and DHCP server of a
 * {@link UserNet} plugged in, as QEMU's default network does, and the host ports forwarded to it
 * ({@link HostForwards}).
 */
final class Network implements Closeable {
    private final long seed;
    private final NetCapture capture;
    private final Map<String, Lan> lans = new LinkedHashMap<>();
    /** The user LANs' gateways (only {@code user} has one); looked up from host threads too. */
    private final Map<String, UserNet> userNets = new java.util.concurrent.ConcurrentHashMap<>();
    /** Hubs asked for, by LAN name: a LAN is a learning switch unless it is here. */
    private final Map<String, Lan.Kind> kinds = new LinkedHashMap<>();
    /** Impairments asked for, by LAN name, kept for LANs not made yet. */
    private final Map<String, Lan.Impairments> wanted = new LinkedHashMap<>();

    private final boolean free;
    /** The bridges to other processes, by the LAN they are on. */
    private final Map<String, SocketBridge> bridges = new LinkedHashMap<>();
    /** The host ports forwarded into the user LAN. */
    private final HostForwards forwards = new HostForwards(this::hostIo,
            () -> userNet(NicConfig.USER_NET));
    private EventLoopGroup hostIo;

    private Network(long seed, NetCapture capture, boolean free) {
        this.seed = seed;
        this.capture = capture;
        this.free = free;
    }

    /** The event loop of host I/O (bridges, forwards), made on first use. */
    private synchronized EventLoopGroup hostIo() {
        if (hostIo == null) {
            hostIo = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        return hostIo;
    }

    /**
     * The network of a run with {@code seed}, capturing to {@code pcap} when given.
     *
     * @throws MachineException when the capture file cannot be written
     */
    static Network create(long seed, Path pcap, boolean free) throws MachineException {
        return new Network(seed, pcap == null ? null : NetCapture.create(pcap), free);
    }

    /**
     * Plugs each NIC of {@code machine} into its LAN; {@code clock} is the machine's, {@code name} names it in
     * captures ({@code main/eth0}).
     */
    void plug(Machine machine, List<NicConfig> nics, Timeline clock, String name) throws MachineException {
        for (int i = 0; i < nics.size(); i++) {
            NicConfig nic = nics.get(i);
            Lan lan = lan(nic.net(), clock);
            if (nic.socket().isPresent() && !bridges.containsKey(nic.net())) {
                SocketBridge bridge = SocketBridge.open(nic.socket().get(), hostIo(), free);
                bridge.plugInto(lan);
                bridges.put(nic.net(), bridge);
            }
            for (NicConfig.HostForward f : nic.forwards()) {
                forwards.add(f);
            }
            machine.plug(i, lan, name + "/eth" + i);
        }
    }

    /**
     * Lets the frames that came from other processes onto their LANs, and the host's bytes into forwarded
     * connections: a defined point of the simulation.
     */
    void pump() {
        bridges.values().forEach(SocketBridge::pump);
        userNets.values().forEach(UserNet::pump);
    }

    /** The bridge to another process on LAN {@code lan}, if it has one. */
    Optional<SocketBridge> bridge(String lan) {
        return Optional.ofNullable(bridges.get(lan));
    }

    /** Whether a LAN reaches the host or another process: then a run is not a function of its seed. */
    boolean bridged() {
        return !bridges.isEmpty() || forwards.any();
    }

    /** The host ports forwarded into the user LAN ({@code hostfwd=}, the {@code hostfwd} command). */
    HostForwards forwards() {
        return forwards;
    }

    /**
     * The seed of something named {@code name} in a run of {@code seed}: each LAN, each machine after the first,
     * draws from its own, so adding one does not change what another does, and all still follow from the one seed.
     */
    static long mix(long seed, String name) {
        return seed ^ Hashing.murmur3_128().hashString(name, StandardCharsets.UTF_8).asLong();
    }

    /** The LAN named {@code name}, made on first use. */
    Lan lan(String name, Timeline clock) {
        return lans.computeIfAbsent(name, n -> {
            long mixed = mix(seed, n);
            Lan lan = new Lan(n, kinds.getOrDefault(n, Lan.Kind.SWITCH), clock, mixed);
            lan.impair(wanted.getOrDefault(n, Lan.Impairments.NONE));
            if (capture != null) {
                lan.tap(capture);
            }
            if (n.equals(NicConfig.USER_NET)) {
                userNets.put(n, UserNet.plugInto(lan, clock, mixed, free));
            }
            return lan;
        });
    }

    /** Sets what goes wrong on LAN {@code name}, now if it exists, else from when a NIC first plugs into it. */
    void impair(String name, Lan.Impairments impairments) {
        wanted.put(name, impairments);
        Lan lan = lans.get(name);
        if (lan != null) {
            lan.impair(impairments);
        }
    }

    /**
     * Makes LAN {@code name} a hub or a learning switch when it is made.
     *
     * @return false when it is made already (a LAN keeps what it is)
     */
    boolean kind(String name, Lan.Kind kind) {
        if (lans.containsKey(name)) {
            return lans.get(name).kind() == kind;
        }
        kinds.put(name, kind);
        return true;
    }

    /** What goes wrong on LAN {@code name}, made or not. */
    Lan.Impairments impairments(String name) {
        Lan lan = lans.get(name);
        return lan != null ? lan.impairments() : wanted.getOrDefault(name, Lan.Impairments.NONE);
    }

    /** The built-in services on the LAN named {@code lan}, if it has them (only {@code user} does). */
    Optional<UserNet> userNet(String lan) {
        return Optional.ofNullable(userNets.get(lan));
    }

    /** The LANs, in the order they were made. */
    List<Lan> lans() {
        return List.copyOf(lans.values());
    }

    @Override
    public void close() throws IOException {
        forwards.close();
        bridges.values().forEach(SocketBridge::close);
        if (hostIo != null) {
            hostIo.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2,
                    TimeUnit.SECONDS);
        }
        if (capture != null) {
            capture.close();
        }
    }
}
