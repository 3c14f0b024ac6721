package org.microsim.harness.session;

import org.microsim.harness.script.Durations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import org.microsim.abi.Lease;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.net.EthRequest;
import org.microsim.abi.net.NetRequest;
import org.microsim.abi.net.NetTables;
import org.microsim.harness.script.Arity;
import org.microsim.harness.script.Command;
import org.microsim.harness.script.CommandException;
import org.microsim.harness.script.CommandFailedException;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.PortSnapshot;
import org.microsim.kernel.machine.Lan;
import org.microsim.kernel.machine.MachineException;
import org.microsim.kernel.machine.MachineOptions;
import org.microsim.kernel.machine.NicConfig;
import org.microsim.services.netd.Netd;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.netd.wire.MacAddr;

/**
 * The network commands, as their Unix namesakes: {@code ifconfig} (show, or set dhcp / an address / off / the MTU,
 * as Linux's {@code ifconfig eth0 mtu 9000}), {@code
 * arp}, {@code route}, {@code ping}, {@code udp send} and {@code udp listen}, each a call to
 * netd as the console; and {@code link down|up IFACE}, which pulls an interface's cable in the machine (a fault:
 * the driver and netd find out as they would from a real NIC). Addresses are dotted IPv4: there is no DNS.
 */
final class NetCommands {
    private static final String IFCONFIG = "ifconfig [IFACE [dhcp | off | ADDR/PREFIX [gw GATEWAY] | mtu N]]";
    private static final String PING = "ping HOST [-c COUNT] [-s SIZE] [-i INTERVAL] [-W TIMEOUT]";
    private static final String LAN = "lan [NAME [kind=switch|hub] [loss=P] [delay=DURATION] [dup=P] [reorder=P]]";
    private static final String UDP = "udp send HOST PORT TEXT [-w TIMEOUT] | udp listen PORT [-w TIMEOUT]";
    static final String HOSTFWD = "hostfwd add " + MachineOptions.HOSTFWD_SYNTAX + " | hostfwd list | hostfwd remove "
            + "[tcp:][HOSTADDR:]HOSTPORT";

    private NetCommands() {
    }

    static List<Command> of(SimSession s) {
        return List.of(
                new SimpleCommand("ifconfig", IFCONFIG, "show the network interfaces, or configure one (its address"
                        + ", or its MTU from " + EthRequest.MIN_MTU + " to " + EthRequest.MAX_MTU + ")",
                        args -> ifconfig(s, args)),
                new SimpleCommand("arp", "arp", "show the neighbours netd knows (the ARP cache)", args -> {
                    MachineCommands.none(args, "arp");
                    return arp(s.client(Netd.PORT_NAME).call(new NetRequest.Neighbours()));
                }),
                new SimpleCommand("route", "route", "show the routing table", args -> {
                    MachineCommands.none(args, "route");
                    return route(s.client(Netd.PORT_NAME).call(new NetRequest.Routes()));
                }),
                new SimpleCommand("ping", PING, "send ICMP echo requests and show the round trips (virtual time)",
                        args -> ping(s, args)),
                new SimpleCommand("udp", UDP, "send a datagram and show the answer, or wait for one",
                        args -> udp(s, args)),
                new SimpleCommand("link", "link down|up IFACE", "pull an interface's cable, or plug it back",
                        args -> link(s, args)),
                new SimpleCommand("lan", LAN, "show the LANs (stations, faults, the user LAN's DHCP leases), or set "
                        + "a LAN's faults", args -> lan(s.network(), args)),
                new SimpleCommand("hostfwd", HOSTFWD, "forward a TCP port of the host to a machine on the user LAN "
                        + "(as QEMU's hostfwd), list the forwards, or remove one", args -> hostfwd(s, args)));
    }

    // ---- hostfwd ----

    private static String hostfwd(SimSession s, List<String> args) throws CommandException {
        HostForwards forwards = s.network().forwards();
        String verb = args.isEmpty() ? "" : args.get(0);
        switch (verb) {
            case "list" -> {
                Arity.check(args, 1, 1, "hostfwd list");
                List<String> lines = forwards.list();
                return lines.isEmpty() ? "no host forwards (add one: hostfwd add tcp::8080-:80)"
                        : String.join("\n", lines);
            }
            case "add" -> {
                Arity.check(args, 2, 2, "hostfwd add " + MachineOptions.HOSTFWD_SYNTAX);
                NicConfig.HostForward f;
                try {
                    f = MachineOptions.parseHostForward(args.get(1), "hostfwd add '" + args.get(1) + "'");
                } catch (MachineException e) {
                    throw new UsageException(e.getMessage());
                }
                String route;
                try {
                    route = forwards.add(f);
                } catch (MachineException e) {
                    throw new CommandFailedException(e.getMessage());
                }
                return "forwarding " + route + (s.options().free() ? "" : " (the deterministic scheduler takes the host's bytes only "
                        + "while the machine runs, as in sleep: --free is the natural mode)");
            }
            case "remove" -> {
                Arity.check(args, 2, 2, "hostfwd remove [tcp:][HOSTADDR:]HOSTPORT");
                return "removed " + removeForward(forwards, args.get(1));
            }
            default -> throw new UsageException("usage: " + HOSTFWD);
        }
    }

    /**
     * Takes QEMU's {@code hostfwd_remove} forms ({@code tcp::8080}, {@code tcp:127.0.0.1:8080}) and the bare port.
     * A host address, when given, must be the forward's: removing {@code 0.0.0.0:8080} must not quietly end a
     * forward that listens on 127.0.0.1 only.
     */
    private static NicConfig.HostForward removeForward(HostForwards forwards, String word) throws CommandException {
        String rest = word.startsWith("tcp:") ? word.substring(4) : word;
        if (rest.startsWith("udp:")) {
            throw new CommandFailedException("only TCP ports are forwarded");
        }
        int colon = rest.lastIndexOf(':');
        String addr = colon < 0 ? "" : rest.substring(0, colon);
        int port = number(rest.substring(colon + 1), 1, 0xffff, "a host port");
        Optional<NicConfig.HostForward> forward = forwards.find(port);
        if (forward.isEmpty() || !addr.isEmpty() && !addr.equals(forward.get().hostAddr())) {
            throw new CommandFailedException("no forward from host port " + (addr.isEmpty() ? "" : addr + ":") + port
                    + " (see hostfwd list)");
        }
        return forwards.remove(port).orElseThrow();
    }

    // ---- ifconfig ----

    private static String ifconfig(SimSession s, List<String> args) throws CommandException {
        ConsoleClient netd = s.client(Netd.PORT_NAME);
        if (args.size() <= 1) {
            List<NetTables.Interface> all = netd.call(new NetRequest.Interfaces());
            List<NetTables.Interface> shown = all.stream().filter(i -> args.isEmpty() || i.name().equals(args.get(0)))
                    .toList();
            if (!args.isEmpty() && shown.isEmpty()) {
                throw new CommandFailedException("no interface " + args.get(0) + " (see ifconfig)");
            }
            return shown.isEmpty() ? "no interfaces" : String.join("\n", shown.stream().map(NetCommands::row).toList());
        }
        String iface = args.get(0);
        if (args.get(1).equals("mtu")) {
            Arity.check(args, 3, 3, "ifconfig IFACE mtu N");
            netd.call(new NetRequest.SetMtu(iface, number(args.get(2), EthRequest.MIN_MTU, EthRequest.MAX_MTU,
                    "an MTU")));
            return shown(s, netd, iface);
        }
        NetRequest.Configure c = switch (args.get(1)) {
            case "dhcp" -> {
                Arity.check(args, 2, 2, "ifconfig IFACE dhcp");
                yield new NetRequest.Configure(iface, NetRequest.Mode.DHCP, 0, 0, 0);
            }
            case "off" -> {
                Arity.check(args, 2, 2, "ifconfig IFACE off");
                yield new NetRequest.Configure(iface, NetRequest.Mode.OFF, 0, 0, 0);
            }
            default -> staticConfig(iface, args);
        };
        netd.call(c);
        return shown(s, netd, iface);
    }

    /** The interface's row after a change, behind what the change logged. */
    private static String shown(SimSession s, ConsoleClient netd, String iface) throws CommandException {
        s.settle();
        return s.drainLogs() + row(netd.call(new NetRequest.Interfaces()).stream()
                .filter(i -> i.name().equals(iface)).findFirst().orElseThrow(() -> new CommandFailedException(
                        "interface " + iface + " is gone")));
    }

    private static NetRequest.Configure staticConfig(String iface, List<String> args) throws UsageException {
        if (!(args.size() == 2 || args.size() == 4 && args.get(2).equals("gw"))) {
            throw new UsageException("usage: " + IFCONFIG);
        }
        String[] cidr = args.get(1).split("/", -1);
        if (cidr.length != 2 || !cidr[1].matches("[0-9]{1,2}") || Integer.parseInt(cidr[1]) < 1
                || Integer.parseInt(cidr[1]) > 32) {
            throw new UsageException("'" + args.get(1) + "' is not an address with a prefix, like 10.0.0.1/24");
        }
        Ipv4Addr gateway = args.size() == 4 ? address(args.get(3)) : Ipv4Addr.ANY;
        return new NetRequest.Configure(iface, NetRequest.Mode.STATIC, address(cidr[0]).value(),
                Integer.parseInt(cidr[1]), gateway.value());
    }

    private static String row(NetTables.Interface i) {
        StringBuilder b = new StringBuilder();
        b.append(i.name()).append(": link ").append(i.linkUp() ? "up" : "down").append(", ")
                .append(new MacAddr(i.mac())).append(", mtu ").append(i.mtu()).append(", ").append(i.mode());
        if (!i.state().equals("up") && !i.state().equals("off")) {
            b.append(" (").append(i.state()).append(')');
        }
        if (i.address() != 0) {
            b.append("\n  inet ").append(new Ipv4Addr(i.address())).append('/').append(i.prefix());
            if (i.gateway() != 0) {
                b.append(" gateway ").append(new Ipv4Addr(i.gateway()));
            }
            if (i.leaseSeconds() > 0) {
                b.append(" (lease ").append(i.leaseSeconds()).append(" s)");
            }
        }
        b.append("\n  rx ").append(i.rxFrames()).append(" frames, tx ").append(i.txFrames()).append(" frames, dropped ")
                .append(i.dropped());
        return b.toString();
    }

    private static String arp(List<NetTables.Neighbour> all) {
        if (all.isEmpty()) {
            return "no neighbours";
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-16s %-18s %-6s %-11s %s", "ADDRESS", "MAC", "IFACE", "STATE", "EXPIRES"));
        for (NetTables.Neighbour n : all) {
            lines.add(String.format("%-16s %-18s %-6s %-11s %d ms", new Ipv4Addr(n.address()),
                    n.mac() == 0 ? "-" : new MacAddr(n.mac()).toString(), n.iface(), n.state(), n.expiresInMillis()));
        }
        return String.join("\n", lines);
    }

    private static String route(List<NetTables.Route> all) {
        if (all.isEmpty()) {
            return "no routes (no interface has an address)";
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-19s %-16s %s", "DESTINATION", "GATEWAY", "IFACE"));
        for (NetTables.Route r : all) {
            lines.add(String.format("%-19s %-16s %s", r.prefix() == 0 ? "default" : new Ipv4Addr(r.destination())
                    + "/" + r.prefix(), r.gateway() == 0 ? "-" : new Ipv4Addr(r.gateway()).toString(), r.iface()));
        }
        return String.join("\n", lines);
    }

    // ---- ping ----

    private static String ping(SimSession s, List<String> args) throws CommandException {
        if (args.isEmpty()) {
            throw new UsageException("usage: " + PING);
        }
        Ipv4Addr to = address(args.get(0));
        int count = 3;
        int size = 56;
        long interval = 1000;
        long timeout = 1000;
        for (int i = 1; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new UsageException(args.get(i) + " needs a value; usage: " + PING);
            }
            String v = args.get(i + 1);
            switch (args.get(i)) {
                case "-c" -> count = number(v, 1, NetRequest.MAX_PINGS, "a count");
                case "-s" -> size = number(v, 0, NetRequest.MAX_DATAGRAM, "a size in bytes");
                case "-i" -> interval = millis(v, 0);
                case "-W" -> timeout = millis(v, 1);
                default -> throw new UsageException("unknown ping option '" + args.get(i) + "'; usage: " + PING);
            }
        }
        java.time.Duration longest = java.time.Duration.ofMillis(count * interval + timeout).plusSeconds(5);
        List<NetTables.Echo> echoes = s.client(Netd.PORT_NAME, longest).call(new NetRequest.Ping(to.value(), count, size,
                (int) interval, (int) timeout));
        String logs = s.drainLogs();
        List<String> lines = new ArrayList<>();
        lines.add("PING " + to + ": " + size + " data bytes");
        long received = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (NetTables.Echo e : echoes) {
            if (e.rttNanos() < 0) {
                lines.add("no answer to icmp_seq=" + e.sequence());
                continue;
            }
            received++;
            min = Math.min(min, e.rttNanos());
            max = Math.max(max, e.rttNanos());
            sum += e.rttNanos();
            lines.add((size + 8) + " bytes from " + to + ": icmp_seq=" + e.sequence() + " ttl=" + e.ttl() + " time="
                    + ms(e.rttNanos()) + " ms");
        }
        lines.add("--- " + to + " ping statistics ---");
        lines.add(echoes.size() + " packets transmitted, " + received + " received, "
                + (100 * (echoes.size() - received) / echoes.size()) + "% packet loss");
        if (received > 0) {
            lines.add("rtt min/avg/max = " + ms(min) + "/" + ms(sum / received) + "/" + ms(max) + " ms (virtual time)");
        }
        String out = logs + String.join("\n", lines);
        if (received == 0) {
            throw new CommandFailedException(out);
        }
        return out;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    // ---- udp ----

    private static String udp(SimSession s, List<String> args) throws CommandException {
        if (args.isEmpty() || !(args.get(0).equals("send") || args.get(0).equals("listen"))) {
            throw new UsageException("usage: " + UDP);
        }
        boolean send = args.get(0).equals("send");
        int fixed = send ? 4 : 2;
        long wait = 1000;
        if (args.size() == fixed + 2 && args.get(fixed).equals("-w")) {
            wait = millis(args.get(fixed + 1), 1);
        } else if (args.size() != fixed) {
            throw new UsageException("usage: " + UDP);
        }
        ConsoleClient netd = s.client(Netd.PORT_NAME);
        int port = number(args.get(send ? 2 : 1), 1, 0xffff, "a UDP port");
        NetRequest.Bound socket = netd.call(new NetRequest.UdpBind(send ? 0 : port));
        try {
            String head = "";
            if (send) {
                Ipv4Addr to = address(args.get(1));
                byte[] text = args.get(3).getBytes(StandardCharsets.UTF_8);
                netd.call(new NetRequest.UdpSend(socket.socket(), to.value(), port), Lease.readOnly(text));
                head = "sent " + text.length + " bytes to " + to + ":" + port + " from port " + socket.port() + "\n";
            }
            byte[] inbox = new byte[NetRequest.MAX_DATAGRAM];
            NetTables.Datagram d;
            try {
                d = netd.call(new NetRequest.UdpReceive(socket.socket(), (int) wait), Lease.writeOnly(inbox));
            } catch (CommandFailedException e) {
                String out = s.drainLogs() + head + "no datagram came within " + wait + " ms";
                if (send) {
                    return out;
                }
                throw new CommandFailedException(out);
            }
            String text = new String(inbox, 0, Math.min(d.length(), inbox.length), StandardCharsets.UTF_8);
            return s.drainLogs() + head + d.length() + " bytes from " + new Ipv4Addr(d.source()) + ":" + d.port()
                    + ": " + text;
        } finally {
            netd.call(new NetRequest.UdpClose(socket.socket()));
        }
    }

    // ---- link ----

    private static String link(SimSession s, List<String> args) throws CommandException {
        Arity.check(args, 2, 2, "link");
        boolean up = switch (args.get(0)) {
            case "up" -> true;
            case "down" -> false;
            default -> throw new UsageException("usage: link down|up IFACE");
        };
        String iface = args.get(1);
        PortInfo port = port(s, iface + ":");
        int nic;
        int switchPort = -1;
        if (port.subclass() == PortSubclass.NET_SWITCH_PORT && port.metadata().length == 1) {
            nic = s.machine().nicAt(port(s, port.parent()).parent());
            switchPort = port.metadata()[0];
        } else {
            nic = s.machine().nicAt(port.parent());
        }
        if (nic < 0) {
            throw new CommandFailedException(iface + " is not on a NIC of this machine");
        }
        try {
            s.machine().setCable(nic, switchPort, up);
        } catch (MachineException e) {
            throw new CommandFailedException(e.getMessage());
        }
        s.settle();
        return s.drainLogs() + iface + ": cable " + (up ? "plugged in" : "pulled");
    }

    private static PortInfo port(SimSession s, String name) throws CommandFailedException {
        for (PortSnapshot p : s.kernel().ports()) {
            if (p.info().name().equals(name)) {
                return p.info();
            }
        }
        throw new CommandFailedException("no interface " + name.replace(":", "") + " (see ifconfig)");
    }

    // ---- lan ----

    private static String lan(Network network, List<String> args) throws CommandException {
        if (args.isEmpty()) {
            if (network.lans().isEmpty()) {
                return "no LANs yet (a NIC makes its LAN when its machine boots)";
            }
            List<String> lines = new ArrayList<>();
            for (Lan lan : network.lans()) {
                lines.add(lan.name() + ": " + lan.kind().name().toLowerCase(Locale.ROOT) + ", " + faults(
                        lan.impairments()) + ", " + lan.lost() + " frames lost, " + lan.duplicated() + " duplicated");
                lines.add("  stations: " + String.join(", ", lan.stations()));
                network.bridge(lan.name()).ifPresent(b -> lines.add("  frames from the other process dropped (the "
                        + "simulation did not take them in time): " + b.dropped()));
                network.userNet(lan.name()).ifPresent(u -> {
                    lines.add("  gateway 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15");
                    u.leases().forEach(l -> lines.add("  lease " + l));
                });
            }
            return String.join("\n", lines);
        }
        String name = args.get(0);
        Lan.Impairments was = network.impairments(name);
        double loss = was.loss();
        long delay = was.delayNanos();
        double dup = was.duplicate();
        double reorder = was.reorder();
        for (String word : args.subList(1, args.size())) {
            String[] kv = word.split("=", 2);
            if (kv.length != 2) {
                throw new UsageException("'" + word + "' is not KEY=VALUE; usage: " + LAN);
            }
            switch (kv[0]) {
                case "loss" -> loss = probability(word, kv[1]);
                case "dup" -> dup = probability(word, kv[1]);
                case "reorder" -> reorder = probability(word, kv[1]);
                case "delay" -> delay = Durations.parse(kv[1]).toNanos();
                case "kind" -> {
                    Lan.Kind kind = switch (kv[1]) {
                        case "switch" -> Lan.Kind.SWITCH;
                        case "hub" -> Lan.Kind.HUB;
                        default -> throw new UsageException("'" + word + "': a LAN is a switch or a hub");
                    };
                    if (!network.kind(name, kind)) {
                        throw new CommandFailedException("LAN " + name + " exists already: a LAN is made a hub before "
                                + "the first NIC plugs into it (before boot)");
                    }
                }
                default -> throw new UsageException("unknown LAN setting '" + kv[0] + "' (kind, loss, delay, dup, "
                        + "reorder)");
            }
        }
        if (delay < Lan.MIN_DELAY_NANOS) {
            throw new UsageException("a LAN's delay is at least " + Durations.format(Lan.MIN_DELAY_NANOS));
        }
        Lan.Impairments now = new Lan.Impairments(loss, delay, dup, reorder);
        network.impair(name, now);
        return name + ": " + faults(now);
    }

    static String faults(Lan.Impairments i) {
        return String.format(Locale.ROOT, "loss %.3f, delay %s, dup %.3f, reorder %.3f", i.loss(),
                Durations.format(i.delayNanos()), i.duplicate(), i.reorder());
    }

    static double probability(String word, String value) throws UsageException {
        try {
            double p = Double.parseDouble(value);
            if (p >= 0 && p <= 1) {
                return p;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new UsageException("'" + word + "': a probability is a number from 0 to 1, like 0.05");
    }

    // ---- words ----

    static Ipv4Addr address(String word) throws UsageException {
        try {
            return Ipv4Addr.parse(word);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + word + "' is not an IPv4 address like 10.0.2.2 (there is no DNS)");
        }
    }

    static int number(String word, int min, int max, String what) throws UsageException {
        if (word.matches("[0-9]{1,6}")) {
            int n = Integer.parseInt(word);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw new UsageException("'" + word + "' is not " + what + " from " + min + " to " + max);
    }

    private static long millis(String word, long min) throws UsageException {
        long ms = Durations.parse(word.matches("[0-9]+(\\.[0-9]+)?") ? word + "s" : word).toMillis();
        if (ms < min || ms > Integer.MAX_VALUE) {
            throw new UsageException("'" + word + "' is out of range");
        }
        return ms;
    }
}
