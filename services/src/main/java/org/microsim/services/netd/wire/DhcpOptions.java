package org.microsim.services.netd.wire;

import static java.util.Map.entry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The options of a DHCP message (RFC 2132): an ordered map from option code to value bytes, immutable, with typed
 * accessors for the options this stack's client and server use.
 *
 * <p>Reading the options field: pad (0) is skipped, end (255) stops; an option whose length runs past the
 * message, or a field with no end option (a truncated message), is malformed. Several instances of one code are
 * joined into one value in order (RFC 3396, how a value longer than 255 bytes travels), and writing splits such a
 * value the same way. Option overload (52), which moves options into the sname and file fields, is not
 * supported and refused with that reason, since neither end of this stack needs that much room. Each option
 * with a typed accessor is checked for its length (and the message type for its range) when read or set, so
 * that the accessors never meet a malformed value; other options are kept as bytes, unchecked.
 */
public final class DhcpOptions {
    public static final int SUBNET_MASK = 1;
    public static final int ROUTER = 3;
    public static final int DNS_SERVERS = 6;
    public static final int HOST_NAME = 12;
    public static final int REQUESTED_IP = 50;
    public static final int LEASE_TIME = 51;
    public static final int OVERLOAD = 52;
    public static final int MESSAGE_TYPE = 53;
    public static final int SERVER_ID = 54;
    public static final int PARAMETER_REQUEST_LIST = 55;
    public static final int RENEWAL_TIME = 58;
    public static final int REBINDING_TIME = 59;
    public static final int CLIENT_ID = 61;
    /** A lease time that means "forever" (RFC 2131 section 3.3). */
    public static final long INFINITE_LEASE = 0xffff_ffffL;

    public static final DhcpOptions EMPTY = new DhcpOptions(new LinkedHashMap<>());

    static final int PAD = 0;
    static final int END = 255;

    /** The name and allowed lengths of an option with a typed accessor: from min to max, in steps of unit. */
    private record Shape(String name, int min, int max, int unit) {
        String problem(int code, int length) {
            if (length >= min && length <= max && length % unit == 0) {
                return null;
            }
            String wanted = min == max ? "" + min : unit > 1 ? "a multiple of " + unit : "at least " + min;
            return "DHCP option " + code + " (" + name + ") is " + length + " bytes, not " + wanted;
        }
    }

    private static final int UNBOUNDED = Integer.MAX_VALUE;
    private static final Map<Integer, Shape> SHAPES = Map.ofEntries(
            entry(SUBNET_MASK, new Shape("subnet mask", 4, 4, 1)),
            entry(ROUTER, new Shape("router", 4, UNBOUNDED, 4)),
            entry(DNS_SERVERS, new Shape("DNS servers", 4, UNBOUNDED, 4)),
            entry(HOST_NAME, new Shape("host name", 1, UNBOUNDED, 1)),
            entry(REQUESTED_IP, new Shape("requested IP address", 4, 4, 1)),
            entry(LEASE_TIME, new Shape("lease time", 4, 4, 1)),
            entry(MESSAGE_TYPE, new Shape("message type", 1, 1, 1)),
            entry(SERVER_ID, new Shape("server identifier", 4, 4, 1)),
            entry(PARAMETER_REQUEST_LIST, new Shape("parameter request list", 1, UNBOUNDED, 1)),
            entry(RENEWAL_TIME, new Shape("renewal time", 4, 4, 1)),
            entry(REBINDING_TIME, new Shape("rebinding time", 4, 4, 1)),
            entry(CLIENT_ID, new Shape("client identifier", 2, UNBOUNDED, 1)));

    /** Never shared with a caller: every array in and out is copied. */
    private final Map<Integer, byte[]> options;

    private DhcpOptions(Map<Integer, byte[]> options) {
        this.options = Collections.unmodifiableMap(options);
    }

    /** What is wrong with {@code value} as option {@code code}, or null if nothing. */
    private static String problem(int code, byte[] value) {
        if (code == OVERLOAD) {
            return "DHCP option overload (52) is not supported";
        }
        Shape shape = SHAPES.get(code);
        String problem = shape == null ? null : shape.problem(code, value.length);
        if (problem == null && code == MESSAGE_TYPE && (Bytes.u8(value, 0) < DhcpMessage.DISCOVER
                || Bytes.u8(value, 0) > DhcpMessage.INFORM)) {
            problem = "DHCP message type " + Bytes.u8(value, 0) + " is not one of 1 to 8";
        }
        return problem;
    }

    /**
     * These options with {@code code} set to {@code value}: in its old place if it was set, else last.
     *
     * @param code 1 to 254 (0 and 255 are pad and end, not options), not 52 (overload)
     * @throws IllegalArgumentException if the code is not an option or the value does not fit it
     */
    public DhcpOptions with(int code, byte[] value) {
        if (code <= PAD || code >= END) {
            throw new IllegalArgumentException("DHCP option codes are 1 to 254, not " + code);
        }
        String problem = problem(code, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Map<Integer, byte[]> copy = new LinkedHashMap<>(options);
        copy.put(code, value.clone());
        return new DhcpOptions(copy);
    }

    /** A copy of option {@code code}'s value, if set. */
    public Optional<byte[]> get(int code) {
        return Optional.ofNullable(options.get(code)).map(byte[]::clone);
    }

    /** The options in order, values copied. */
    public Map<Integer, byte[]> asMap() {
        Map<Integer, byte[]> copy = new LinkedHashMap<>();
        options.forEach((code, value) -> copy.put(code, value.clone()));
        return copy;
    }

    public OptionalInt messageType() {
        byte[] v = options.get(MESSAGE_TYPE);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v[0]);
    }

    public DhcpOptions withMessageType(int type) {
        return with(MESSAGE_TYPE, new byte[] {(byte) type});
    }

    public Optional<Ipv4Addr> requestedIp() {
        return address(REQUESTED_IP);
    }

    public DhcpOptions withRequestedIp(Ipv4Addr address) {
        return with(REQUESTED_IP, address.toBytes());
    }

    /** The lease in seconds; {@link #INFINITE_LEASE} is forever. */
    public OptionalLong leaseTime() {
        return seconds(LEASE_TIME);
    }

    public DhcpOptions withLeaseTime(long seconds) {
        return with(LEASE_TIME, u32(seconds));
    }

    public Optional<Ipv4Addr> serverId() {
        return address(SERVER_ID);
    }

    public DhcpOptions withServerId(Ipv4Addr address) {
        return with(SERVER_ID, address.toBytes());
    }

    public Optional<Ipv4Addr> subnetMask() {
        return address(SUBNET_MASK);
    }

    public DhcpOptions withSubnetMask(Ipv4Addr mask) {
        return with(SUBNET_MASK, mask.toBytes());
    }

    /** The routers, most preferred first; empty if the option is not set. */
    public List<Ipv4Addr> routers() {
        return addresses(ROUTER);
    }

    public DhcpOptions withRouters(List<Ipv4Addr> routers) {
        return with(ROUTER, addressBytes(routers));
    }

    /** The DNS servers, most preferred first; empty if the option is not set. */
    public List<Ipv4Addr> dnsServers() {
        return addresses(DNS_SERVERS);
    }

    public DhcpOptions withDnsServers(List<Ipv4Addr> servers) {
        return with(DNS_SERVERS, addressBytes(servers));
    }

    /** T1, seconds from the grant until the client renews with its server (RFC 2131 section 4.4.5). */
    public OptionalLong renewalTime() {
        return seconds(RENEWAL_TIME);
    }

    public DhcpOptions withRenewalTime(long seconds) {
        return with(RENEWAL_TIME, u32(seconds));
    }

    /** T2, seconds from the grant until the client asks any server. */
    public OptionalLong rebindingTime() {
        return seconds(REBINDING_TIME);
    }

    public DhcpOptions withRebindingTime(long seconds) {
        return with(REBINDING_TIME, u32(seconds));
    }

    /** The option codes a client asks for, in its order of preference; empty if the option is not set. */
    public List<Integer> parameterRequestList() {
        byte[] v = options.getOrDefault(PARAMETER_REQUEST_LIST, new byte[0]);
        List<Integer> codes = new ArrayList<>(v.length);
        for (byte code : v) {
            codes.add(code & 0xff);
        }
        return List.copyOf(codes);
    }

    public DhcpOptions withParameterRequestList(int... codes) {
        byte[] v = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            v[i] = (byte) Bytes.requireUnsigned(codes[i], 8, "DHCP option code");
        }
        return with(PARAMETER_REQUEST_LIST, v);
    }

    /** The client identifier: a type byte (1 for Ethernet) and the identifier, usually the MAC address. */
    public Optional<byte[]> clientId() {
        return get(CLIENT_ID);
    }

    public DhcpOptions withClientId(byte[] id) {
        return with(CLIENT_ID, id);
    }

    /** The host name; RFC 2132 says NVT ASCII, so other bytes read as U+FFFD. */
    public Optional<String> hostName() {
        return get(HOST_NAME).map(v -> new String(v, StandardCharsets.US_ASCII));
    }

    public DhcpOptions withHostName(String name) {
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("a DHCP host name is ASCII: " + name);
        }
        return with(HOST_NAME, name.getBytes(StandardCharsets.US_ASCII));
    }

    private Optional<Ipv4Addr> address(int code) {
        return Optional.ofNullable(options.get(code)).map(v -> new Ipv4Addr(Bytes.i32(v, 0)));
    }

    private List<Ipv4Addr> addresses(int code) {
        byte[] v = options.getOrDefault(code, new byte[0]);
        List<Ipv4Addr> addresses = new ArrayList<>(v.length / 4);
        for (int i = 0; i < v.length; i += 4) {
            addresses.add(new Ipv4Addr(Bytes.i32(v, i)));
        }
        return List.copyOf(addresses);
    }

    private static byte[] addressBytes(List<Ipv4Addr> addresses) {
        byte[] v = new byte[4 * addresses.size()];
        for (int i = 0; i < addresses.size(); i++) {
            Bytes.put32(v, 4 * i, addresses.get(i).value());
        }
        return v;
    }

    private OptionalLong seconds(int code) {
        byte[] v = options.get(code);
        return v == null ? OptionalLong.empty() : OptionalLong.of(Bytes.i32(v, 0) & 0xffff_ffffL);
    }

    private static byte[] u32(long seconds) {
        if (seconds < 0 || seconds > INFINITE_LEASE) {
            throw new IllegalArgumentException(seconds + " seconds do not fit a DHCP time option");
        }
        byte[] v = new byte[4];
        Bytes.put32(v, 0, (int) seconds);
        return v;
    }

    /** Reads the options field, {@code b} from {@code at} to its end (see the class comment). */
    static DhcpOptions parse(byte[] b, int at) throws MalformedPacketException {
        Map<Integer, byte[]> options = new LinkedHashMap<>();
        for (int i = at; ; ) {
            if (i >= b.length) {
                throw new MalformedPacketException("DHCP options have no end option (255)");
            }
            int code = Bytes.u8(b, i);
            if (code == END) {
                break;
            }
            if (code == PAD) {
                i++;
                continue;
            }
            if (i + 1 >= b.length || i + 2 + Bytes.u8(b, i + 1) > b.length) {
                throw new MalformedPacketException("DHCP option " + code + " runs past the end of the message");
            }
            byte[] part = Arrays.copyOfRange(b, i + 2, i + 2 + Bytes.u8(b, i + 1));
            options.merge(code, part, DhcpOptions::concat);
            i += 2 + part.length;
        }
        for (Map.Entry<Integer, byte[]> option : options.entrySet()) {
            String problem = problem(option.getKey(), option.getValue());
            if (problem != null) {
                throw new MalformedPacketException(problem);
            }
        }
        return new DhcpOptions(options);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** Writes the options in order, each value over 255 bytes as several instances, then end. */
    void encode(ByteArrayOutputStream out) {
        options.forEach((code, value) -> {
            int at = 0;
            do {
                int length = Math.min(255, value.length - at);
                out.write(code);
                out.write(length);
                out.write(value, at, length);
                at += length;
            } while (at < value.length);
        });
        out.write(END);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DhcpOptions other) || options.size() != other.options.size()) {
            return false;
        }
        Iterator<Map.Entry<Integer, byte[]>> theirs = other.options.entrySet().iterator();
        for (Map.Entry<Integer, byte[]> mine : options.entrySet()) {
            Map.Entry<Integer, byte[]> their = theirs.next();
            if (!mine.getKey().equals(their.getKey()) || !Arrays.equals(mine.getValue(), their.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return options.keySet().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        options.forEach((code, value) -> s.append(s.length() > 1 ? ", " : "").append(code).append('=')
                .append(HexFormat.of().formatHex(value)));
        return s.append('}').toString();
    }
}
