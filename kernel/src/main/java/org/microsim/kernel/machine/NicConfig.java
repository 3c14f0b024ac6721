package org.microsim.kernel.machine;

import java.util.List;
import java.util.Optional;

/**
 * One Ethernet NIC.
 *
 * @param mac         its address; empty gives the n-th NIC {@link MacAddress#DEFAULT} plus n, as QEMU numbers them
 * @param net         the LAN it plugs into ({@code user}, the one with the built-in gateway, unless told)
 * @param switchPorts 0 for a plain e1000; else the user ports of the MediaTek MT7531 switch behind it
 *                    ({@code model=mt7531}), each plugged into {@code net} as a station of its own
 * @param socket      the other process this NIC's LAN reaches, for {@code net=socket}
 * @param forwards    host ports the user LAN's gateway forwards into the LAN ({@code hostfwd=}, only with
 *                    {@code net=user}), as QEMU's {@code -nic user,hostfwd=...}
 */
public record NicConfig(Optional<MacAddress> mac, String net, int switchPorts, Optional<Socket> socket,
        List<HostForward> forwards) {
    /**
     * A LAN that reaches another simulator process over TCP, frames each after a 4-byte big-endian length, as
     * QEMU's stream netdev: this end listens on {@code host:port}, or connects to it.
     */
    public record Socket(boolean listen, String host, int port) {
        /** Checks the port. */
        public Socket {
            if (port < 1 || port > 0xffff) {
                throw new IllegalArgumentException("a TCP port is 1 to 65535, not " + port);
            }
        }

        /** The name of the LAN this end makes: one per listening or connecting endpoint. */
        public String lanName() {
            return "socket-" + (listen ? "l" : "c") + port;
        }
    }

    /**
     * A TCP port of the host that the user LAN's gateway forwards to a port of a machine on the LAN, as libslirp's
     * {@code hostfwd=tcp:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT}: the simulator listens on {@code hostAddr:hostPort}
     * and, for each connection it accepts, the gateway (10.0.2.2) opens one to {@code guestAddr:guestPort} and
     * relays the bytes. Addresses are dotted IPv4, checked by the parser ({@link MachineOptions#parseHostForward}).
     *
     * @param guestAddr empty for the first address the user LAN's DHCP server hands out (10.0.2.15)
     */
    public record HostForward(String hostAddr, int hostPort, Optional<String> guestAddr, int guestPort) {
        /** Checks the ports. */
        public HostForward {
            if (hostPort < 1 || hostPort > 0xffff || guestPort < 1 || guestPort > 0xffff) {
                throw new IllegalArgumentException("a TCP port is 1 to 65535");
            }
        }

        /** The words that give this forward, as QEMU writes them: {@code tcp:127.0.0.1:8080-:80}. */
        @Override
        public String toString() {
            return "tcp:" + hostAddr + ":" + hostPort + "-" + guestAddr.orElse("") + ":" + guestPort;
        }
    }

    /** A NIC on a LAN of this process. */
    public NicConfig(Optional<MacAddress> mac, String net, int switchPorts) {
        this(mac, net, switchPorts, Optional.empty(), List.of());
    }

    /** The LAN a NIC joins when none is named: the one with the built-in DHCP server and gateway. */
    public static final String USER_NET = "user";
    /** The most user ports the switch model has. */
    public static final int MAX_SWITCH_PORTS = 5;
    /** A NIC with the default address for its position, on the user LAN. */
    public static final NicConfig DEFAULT = new NicConfig(Optional.empty(), USER_NET, 0);

    /**
     * This NIC as the {@code index}-th of machine {@code machine} of a session with several: without an address of
     * its own it gets {@link MacAddress#DEFAULT} plus {@code machine * 256 + index}, so no two machines on a LAN
     * share one (the first machine's NICs keep QEMU's numbering).
     */
    public NicConfig onMachine(int machine, int index) {
        return mac.isPresent() || machine == 0 ? this
                : new NicConfig(Optional.of(MacAddress.DEFAULT.plus(machine * 256 + index)), net, switchPorts, socket,
                        forwards);
    }

    /** Checks the LAN name and the port count. */
    public NicConfig {
        forwards = List.copyOf(forwards);
        if (!forwards.isEmpty() && !net.equals(USER_NET)) {
            throw new IllegalArgumentException("hostfwd= forwards through the gateway of the user LAN; it needs "
                    + "net=user, not net=" + net);
        }
        if (!net.matches("[a-z][a-z0-9_-]{0,15}")) {
            throw new IllegalArgumentException("a LAN name is a lower-case letter and up to 15 letters, digits, "
                    + "'-' or '_', not '" + net + "'");
        }
        if (switchPorts < 0 || switchPorts > MAX_SWITCH_PORTS) {
            throw new IllegalArgumentException("a switch has 1 to " + MAX_SWITCH_PORTS + " ports, not " + switchPorts);
        }
    }
}
