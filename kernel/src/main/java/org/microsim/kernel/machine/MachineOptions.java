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
     * mt7531, 1 to 5, default 4) and {@code net=LAN}.
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
        for (Map.Entry<String, String> option : split(words, "nic").entrySet()) {
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
                        + "' (known: mac, model, ports, net, listen, connect)");
            }
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
            return new NicConfig(mac, net, mt7531 ? (ports == null ? 4 : ports) : 0, Optional.ofNullable(socket));
        } catch (IllegalArgumentException e) {
            throw new MachineException("nic '" + words + "': " + e.getMessage());
        }
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
        Map<String, String> options = new LinkedHashMap<>();
        for (String word : words(words)) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new MachineException(what + " option '" + word + "' is not key=value");
            }
            String key = word.substring(0, eq);
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
