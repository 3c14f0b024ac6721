package org.microsim.harness.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.microsim.abi.Program;
import org.microsim.harness.OwnProgram;
import org.microsim.harness.script.Arity;
import org.microsim.harness.script.UsageException;
import org.microsim.kernel.ProgramCatalog;
import org.microsim.services.demo.Echo;
import org.microsim.services.demo.Pinger;
import org.microsim.services.demo.PortArgument;
import org.microsim.services.httpd.Fetch;
import org.microsim.services.demo.TcpEcho;
import org.microsim.services.demo.TcpPerf;
import org.microsim.services.demo.UdpEcho;
import org.microsim.services.demo.UdpPerf;

/**
 * The programs a person can start with {@code spawn}: each with its usage and the way its words become the
 * task's argument bytes. System programs (drivers, services) are started by the system, not by hand.
 */
final class Programs {
    /** Turns the words after the program name into argument bytes. */
    @FunctionalInterface
    interface ArgEncoder {
        byte[] encode(List<String> words) throws UsageException;
    }

    /**
     * A program and how to start it.
     *
     * @param port the public port the program registers, if any: a second copy could not, so it is refused
     */
    record Spawnable(String name, String usage, String description, Optional<String> port, Supplier<Program> factory,
            ArgEncoder args) {
    }

    private static final String UDPPERF = "udpperf send HOST PORT COUNT SIZE | udpperf recv PORT COUNT";

    private final Map<String, Spawnable> byName = new TreeMap<>();

    /** The demo programs, and the user's own that are started by hand ({@link OwnProgram} without needs). */
    Programs(List<OwnProgram> own) {
        for (OwnProgram o : own) {
            if (o.needs().isEmpty()) {
                add(new Spawnable(o.name(), o.name() + " [WORDS...]", "a program of the test's own", Optional.empty(),
                        o.factory()::get, words -> String.join(" ", words).getBytes(StandardCharsets.UTF_8)));
            }
        }
        add(new Spawnable("echo", "echo", "a server on port 'echo' that answers every call with its bytes",
                Optional.of("echo"), Echo::new,
                words -> {
                    Arity.check(words, 0, 0, "spawn echo");
                    return new byte[0];
                }));
        add(new Spawnable("pinger", "pinger [N]", "calls 'echo' N times (default 3) and logs each answer",
                Optional.empty(), Pinger::new, words -> {
                    Arity.check(words, 0, 1, "spawn pinger");
                    int n = words.isEmpty() ? 3 : count(words.get(0));
                    return Pinger.args(n);
                }));
        add(new Spawnable("udpecho", "udpecho [PORT]", "a UDP echo server (RFC 862) on PORT, 7 unless told",
                Optional.empty(), UdpEcho::new, words -> {
                    Arity.check(words, 0, 1, "spawn udpecho");
                    if (words.isEmpty()) {
                        return new byte[0];
                    }
                    return PortArgument.of(NetCommands.number(words.get(0), 1, 0xffff, "a UDP port"));
                }));
        add(new Spawnable("fetch", "fetch URL FILE|-", "an HTTP client: GETs http://ADDR[:PORT]/PATH into FILE through"
                + " the VFS, or (-) serves the body on port fetch:ID", Optional.empty(), Fetch::new, words -> {
                    Arity.check(words, 2, 2, "spawn fetch");
                    return Fetch.args(words.get(0), words.get(1));
                }));
        add(new Spawnable("tcpperf", "tcpperf send HOST PORT BYTES | tcpperf recv PORT", "iperf-like TCP: send BYTES "
                + "bytes of a known pattern, or receive one connection's and check every byte", Optional.empty(),
                TcpPerf::new, words -> {
                    if (words.size() == 4 && words.get(0).equals("send")) {
                        return TcpPerf.sendArgs(NetCommands.address(words.get(1)).value(),
                                NetCommands.number(words.get(2), 1, 0xffff, "a TCP port"), bytes(words.get(3)));
                    }
                    if (words.size() == 2 && words.get(0).equals("recv")) {
                        return TcpPerf.recvArgs(NetCommands.number(words.get(1), 1, 0xffff, "a TCP port"));
                    }
                    throw new UsageException("usage: spawn tcpperf send HOST PORT BYTES | spawn tcpperf recv PORT");
                }));
        add(new Spawnable("tcpecho", "tcpecho [PORT]", "a TCP echo server (RFC 862) on PORT, 7 unless told, serving "
                + "many connections at once", Optional.empty(), TcpEcho::new, words -> {
                    Arity.check(words, 0, 1, "spawn tcpecho");
                    return words.isEmpty() ? new byte[0]
                            : PortArgument.of(NetCommands.number(words.get(0), 1, 0xffff, "a TCP port"));
                }));
        add(new Spawnable("udpperf", UDPPERF, "iperf-like UDP: send COUNT datagrams of SIZE bytes, or receive and "
                + "count them (lost, duplicated, reordered)", Optional.empty(), UdpPerf::new, Programs::udpperf));
    }

    private static byte[] udpperf(List<String> words) throws UsageException {
        String mode = words.isEmpty() ? "" : words.get(0);
        if (mode.equals("send") && words.size() == 5) {
            return UdpPerf.sendArgs(NetCommands.address(words.get(1)).value(),
                    NetCommands.number(words.get(2), 1, 0xffff, "a UDP port"), count(words.get(3)),
                    NetCommands.number(words.get(4), 0, UdpPerf.MAX_SIZE, "a datagram size in bytes"));
        }
        if (mode.equals("recv") && words.size() == 3) {
            return UdpPerf.recvArgs(NetCommands.number(words.get(1), 1, 0xffff, "a UDP port"), count(words.get(2)));
        }
        throw new UsageException("spawn udpperf takes 'send HOST PORT COUNT SIZE' or 'recv PORT COUNT', got '"
                + String.join(" ", words) + "'");
    }

    private void add(Spawnable s) {
        byName.put(s.name(), s);
    }

    /** A byte count: digits, or with k, M or G (powers of 1024). */
    private static long bytes(String word) throws UsageException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,12})([kMG]?)").matcher(word);
        if (!m.matches()) {
            throw new UsageException("'" + word + "' is not a byte count like 1000, 64k, 16M or 1G");
        }
        long n = Long.parseLong(m.group(1)) << switch (m.group(2)) {
            case "k" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        if (n < 1 || n > (64L << 30)) {
            throw new UsageException("'" + word + "' is not from 1 byte to 64G");
        }
        return n;
    }

    private static int count(String word) throws UsageException {
        try {
            int n = Integer.parseInt(word);
            if (n >= 1 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below with the same words as a number out of range.
        }
        throw new UsageException("'" + word + "' is not a count from 1 to 1000000");
    }

    Spawnable get(String name) {
        return byName.get(name);
    }

    /** The names, sorted. */
    List<String> all() {
        return List.copyOf(byName.keySet());
    }

    String names() {
        return String.join(", ", byName.keySet());
    }

    /** Every spawnable program, in the kernel's catalog. */
    void addTo(ProgramCatalog catalog) {
        for (Spawnable s : byName.values()) {
            catalog.add(s.name(), s.description(), s.factory());
        }
    }
}
