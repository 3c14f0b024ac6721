package org.microsim.kernel.machine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The QEMU-like option words for drives and NICs, shared by the {@code sim} command line and scenario
 * commands: {@code file=PATH[,if=ahci|usb][,bus=hub][,readonly=on][,persist=on][,format=raw]} and
 * {@code [mac=52:54:00:12:34:56][,model=e1000]}. Words are separated by commas; a comma inside a path is
 * written twice, as QEMU does. Every error names the word at fault.
 */
public final class MachineOptions {
    private MachineOptions() {
    }

    /**
     * Parses a drive's words; a relative path is taken from {@code baseDir}.
     *
     * @throws MachineException for an unknown key, a bad value, a repeated key, no file, or {@code bus=hub} on AHCI
     */
    public static DriveConfig.File parseDrive(String words, Path baseDir) throws MachineException {
        return drive(split(words, "drive"), words, baseDir);
    }

    /**
     * A stick plugged in by the {@code usb attach} command: a drive's words, {@code if=usb} implied, and where it
     * goes ({@code port=2}, {@code port=1.3}), if said.
     */
    public record Stick(DriveConfig.File file, Optional<String> port) {
    }

    /**
     * Parses {@code usb attach}'s words: {@code file=PATH[,readonly=on][,persist=on][,port=N]}.
     *
     * @throws MachineException as {@link #parseDrive}, or for an interface other than usb
     */
    public static Stick parseStick(String words, Path baseDir) throws MachineException {
        Map<String, String> options = split(words, "usb attach");
        Optional<String> port = Optional.ofNullable(options.remove("port"));
        if (port.isPresent() && port.get().isEmpty()) {
            throw new MachineException("usb attach option 'port=' needs a port number such as 2 or 1.3");
        }
        String bus = options.putIfAbsent("if", "usb");
        if (bus != null && !bus.equals("usb")) {
            throw new MachineException("usb attach option 'if=" + bus + "': a stick is on usb");
        }
        return new Stick(drive(options, words, baseDir), port);
    }

    private static DriveConfig.File drive(Map<String, String> options, String words, Path baseDir)
            throws MachineException {
        boolean readOnly = false;
        boolean persist = false;
        String file = null;
        boolean usb = false;
        boolean hub = false;
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            String word = option.getKey() + "=" + value;
            switch (option.getKey()) {
                case "file" -> {
                    if (value.isEmpty()) {
                        throw new MachineException("drive option '" + word + "' needs a path");
                    }
                    file = value;
                }
                case "if" -> {
                    if (!value.equals("ahci") && !value.equals("usb")) {
                        throw new MachineException("drive option '" + word + "': the interface must be ahci or usb");
                    }
                    usb = value.equals("usb");
                }
                case "bus" -> {
                    if (!value.equals("hub")) {
                        throw new MachineException("drive option '" + word + "': the only bus is hub (a USB hub)");
                    }
                    hub = true;
                }
                case "readonly" -> readOnly = onOff(word, value);
                case "persist" -> persist = onOff(word, value);
                case "format" -> {
                    if (!value.equals("raw")) {
                        throw new MachineException("drive option '" + word + "': only raw images are supported");
                    }
                }
                default -> throw new MachineException("unknown drive option '" + word
                        + "' (known: file, if, bus, readonly, persist, format)");
            }
        }
        if (file == null) {
            throw new MachineException("drive '" + words + "' needs file=PATH");
        }
        if (readOnly && persist) {
            throw new MachineException("drive '" + words + "': readonly=on and persist=on contradict each other");
        }
        if (hub && !usb) {
            throw new MachineException("drive '" + words + "': bus=hub puts a USB stick behind a hub; it needs if=usb");
        }
        DriveConfig.Bus bus = hub ? DriveConfig.Bus.USB_HUB : usb ? DriveConfig.Bus.USB : DriveConfig.Bus.AHCI;
        return new DriveConfig.File(baseDir.resolve(file).normalize(), readOnly, persist, bus);
    }

    /**
     * Parses a NIC's words (possibly none): {@code mac=}, {@code model=e1000|mt7531}, {@code ports=N} (with
     * mt7531, 1 to 5, default 4), {@code net=LAN}, and any number of
     * {@code hostfwd=tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT} (with the user LAN; see
     * {@link #parseHostForward}).
     *
     * @throws MachineException for an unknown key, a repeated key, a bad MAC, LAN name or port count, or an unknown
     *                          model
     */
    public static NicConfig parseNic(String words) throws MachineException {
        Optional<MacAddress> mac = Optional.empty();
        String net = NicConfig.USER_NET;
        boolean mt7531 = false;
        Integer ports = null;
        NicConfig.Socket socket = null;
        List<NicConfig.HostForward> forwards = new ArrayList<>();
        List<String> hostfwd = new ArrayList<>();
        for (Map.Entry<String, String> option : split(words, "nic", hostfwd).entrySet()) {
            String word = option.getKey() + "=" + option.getValue();
            switch (option.getKey()) {
                case "mac" -> {
                    try {
                        mac = Optional.of(MacAddress.parse(option.getValue()));
                    } catch (IllegalArgumentException e) {
                        throw new MachineException("nic option '" + word + "': " + e.getMessage());
                    }
                    if (mac.get().multicast()) {
                        throw new MachineException("nic option '" + word + "': a NIC needs a unicast address");
                    }
                }
                case "model" -> mt7531 = switch (option.getValue()) {
                    case "e1000" -> false;
                    case "mt7531" -> true;
                    default -> throw new MachineException("nic option '" + word
                            + "': the models are e1000 and mt7531 (an e1000 with a MediaTek switch behind it)");
                };
                case "ports" -> {
                    if (!option.getValue().matches("[1-9]")
                            || Integer.parseInt(option.getValue()) > NicConfig.MAX_SWITCH_PORTS) {
                        throw new MachineException("nic option '" + word + "': a switch has 1 to "
                                + NicConfig.MAX_SWITCH_PORTS + " ports");
                    }
                    ports = Integer.parseInt(option.getValue());
                }
                case "net" -> net = option.getValue();
                case "listen", "connect" -> {
                    if (socket != null) {
                        throw new MachineException("nic '" + words + "': listen= or connect=, not both");
                    }
                    socket = endpoint(option.getKey().equals("listen"), option.getValue(), word);
                }
                default -> throw new MachineException("unknown nic option '" + word
                        + "' (known: mac, model, ports, net, listen, connect, hostfwd)");
            }
        }
        for (String value : hostfwd) {
            NicConfig.HostForward f = parseHostForward(value, "nic option 'hostfwd=" + value + "'");
            for (NicConfig.HostForward other : forwards) {
                if (other.hostPort() == f.hostPort()) {
                    throw new MachineException("nic '" + words + "': host port " + f.hostPort()
                            + " is forwarded twice");
                }
            }
            forwards.add(f);
        }
        if (net.equals("socket") != (socket != null)) {
            throw new MachineException("nic '" + words + "': net=socket takes listen=[HOST:]PORT or "
                    + "connect=HOST:PORT, and only it does");
        }
        if (socket != null) {
            net = socket.lanName();
            if (!socket.listen() && mac.isEmpty()) {
                // The other process's NIC most likely has the default address too: one end must differ, or the
                // two would be one station to every switch on the way.
                mac = Optional.of(MacAddress.DEFAULT.plus(0x10000));
            }
        }
        if (ports != null && !mt7531) {
            throw new MachineException("nic '" + words + "': ports=N is for model=mt7531");
        }
        try {
            return new NicConfig(mac, net, mt7531 ? (ports == null ? 4 : ports) : 0, Optional.ofNullable(socket),
                    forwards);
        } catch (IllegalArgumentException e) {
            throw new MachineException("nic '" + words + "': " + e.getMessage());
        }
    }

    /** How a host forward is written, for messages. */
    public static final String HOSTFWD_SYNTAX = "tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT";

    /**
     * Parses a host forward as libslirp writes it: {@code tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT}, for
     * example {@code tcp:127.0.0.1:8080-:80} or {@code tcp::2222-10.0.2.15:22} ({@code tcp} may be left out, as
     * QEMU allows: {@code ::8080-:80}). Unlike QEMU, an empty host address is 127.0.0.1, not every interface: a
     * simulated machine is reachable from other hosts only when 0.0.0.0 is asked for. An empty guest address
     * is the user LAN's first DHCP address.
     *
     * @param what the words' origin for messages, such as {@code hostfwd add 'tcp:...'}
     * @throws MachineException naming the words and what is wrong with them
     */
    public static NicConfig.HostForward parseHostForward(String value, String what) throws MachineException {
        int colon = value.indexOf(':');
        String example = "; write " + HOSTFWD_SYNTAX + ", like tcp:127.0.0.1:8080-:80";
        if (colon < 0) {
            throw new MachineException(what + ": no ':'" + example);
        }
        String protocol = value.substring(0, colon);
        if (protocol.equals("udp")) {
            throw new MachineException(what + ": only tcp is forwarded (no udp forwards yet)");
        }
        if (!protocol.equals("tcp") && !protocol.isEmpty()) {
            throw new MachineException(what + ": the protocol is tcp, not '" + protocol + "'" + example);
        }
        String[] ends = value.substring(colon + 1).split("-", -1);
        if (ends.length != 2) {
            throw new MachineException(what + ": the host and guest ends are joined by one '-'" + example);
        }
        String[] host = endpoint(ends[0], "host", what, example);
        String[] guest = endpoint(ends[1], "guest", what, example);
        return new NicConfig.HostForward(host[0].isEmpty() ? "127.0.0.1" : host[0], Integer.parseInt(host[1]),
                guest[0].isEmpty() ? Optional.empty() : Optional.of(guest[0]), Integer.parseInt(guest[1]));
    }

    /** {@code [ADDR]:PORT} of a forward: the address (maybe empty) and the port, checked. */
    private static String[] endpoint(String text, String side, String what, String example) throws MachineException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new MachineException(what + ": the " + side + " end '" + text + "' is not [ADDR]:PORT" + example);
        }
        String addr = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (!addr.isEmpty() && !isIpv4(addr)) {
            throw new MachineException(what + ": the " + side + " address '" + addr
                    + "' is not a dotted IPv4 address like 127.0.0.1");
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 0xffff) {
            throw new MachineException(what + ": the " + side + " port '" + port + "' is not a port from 1 to 65535"
                    + (port.isEmpty() ? example : ""));
        }
        return new String[] {addr, port};
    }

    private static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** {@code [HOST:]PORT}: a listener binds 127.0.0.1 unless told, a connector needs the host. */
    private static NicConfig.Socket endpoint(boolean listen, String value, String word) throws MachineException {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
        String port = value.substring(colon + 1);
        if (!listen && colon < 0 || host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1
                || Integer.parseInt(port) > 0xffff) {
            throw new MachineException("nic option '" + word + "': write " + (listen ? "listen=[HOST:]PORT"
                    : "connect=HOST:PORT") + ", with a port from 1 to 65535");
        }
        return new NicConfig.Socket(listen, host, Integer.parseInt(port));
    }

    private static boolean onOff(String word, String value) throws MachineException {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new MachineException("option '" + word + "' must be on or off");
        };
    }

    /** key=value words in order; ",," is a literal comma. */
    private static Map<String, String> split(String words, String what) throws MachineException {
        return split(words, what, null);
    }

    /** The same; the values of {@code hostfwd=}, which may repeat, go to {@code hostfwd} when it is given. */
    private static Map<String, String> split(String words, String what, List<String> hostfwd)
            throws MachineException {
        Map<String, String> options = new LinkedHashMap<>();
        for (String word : words(words)) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new MachineException(what + " option '" + word + "' is not key=value");
            }
            String key = word.substring(0, eq);
            if (hostfwd != null && key.equals("hostfwd")) {
                hostfwd.add(word.substring(eq + 1));
                continue;
            }
            if (options.put(key, word.substring(eq + 1)) != null) {
                throw new MachineException(what + " option '" + key + "' is given twice");
            }
        }
        return options;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                word.append(',');
                i++;
            } else if (c == ',') {
                words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty() || !words.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }
}
