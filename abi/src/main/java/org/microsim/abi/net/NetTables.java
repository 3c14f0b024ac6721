package org.microsim.abi.net;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * What the network service answers with: its interfaces, neighbours, routes, a ping's replies and a received
 * datagram's sender. Addresses are IPv4 addresses as u32 (the first octet in bits 31:24) and MACs 48 bits in a
 * u64; strings are a u16 length and UTF-8. Lists are a count and the entries one after another.
 */
public final class NetTables {
    private NetTables() {
    }

    /**
     * An interface, as {@code ifconfig} shows it.
     *
     * @param mode    how it gets its address: {@code dhcp}, {@code static} or {@code off}
     * @param state   where its configuration is: {@code up}, or the DHCP client's state ({@code selecting} ...)
     * @param dropped frames it received and threw away (malformed, not for it, or for nobody)
     * @param mtu     the largest IPv4 packet it sends unfragmented, as its driver takes it
     */
    public record Interface(String name, long mac, boolean linkUp, int address, int prefix, int gateway, String mode,
                            String state, long rxFrames, long txFrames, long dropped, long leaseSeconds, int mtu) {
        void write(WireWriter w) {
            w.string(name).i64(mac).u8(linkUp ? 1 : 0).i32(address).u8(prefix).i32(gateway).string(mode).string(state)
                    .i64(rxFrames).i64(txFrames).i64(dropped).i64(leaseSeconds).u16(mtu);
        }

        static Interface read(WireReader r) throws MalformedException {
            return new Interface(r.string("name"), r.i64("mac"), flag(r, "link"), r.i32("address"),
                    prefixLength(r), r.i32("gateway"), r.string("mode"), r.string("state"), r.i64("rx"), r.i64("tx"),
                    r.i64("dropped"), r.i64("lease"), r.u16("mtu"));
        }
    }

    /** A neighbour the ARP cache knows, or is asking for ({@code mac} 0, {@code state} {@code incomplete}). */
    public record Neighbour(int address, long mac, String iface, String state, long expiresInMillis) {
        void write(WireWriter w) {
            w.i32(address).i64(mac).string(iface).string(state).i64(expiresInMillis);
        }

        static Neighbour read(WireReader r) throws MalformedException {
            return new Neighbour(r.i32("address"), r.i64("mac"), r.string("iface"), r.string("state"),
                    r.i64("expires"));
        }
    }

    /** A route: packets to {@code destination/prefix} go out of {@code iface}, through {@code gateway} if not 0. */
    public record Route(int destination, int prefix, int gateway, String iface) {
        void write(WireWriter w) {
            w.i32(destination).u8(prefix).i32(gateway).string(iface);
        }

        static Route read(WireReader r) throws MalformedException {
            return new Route(r.i32("destination"), prefixLength(r), r.i32("gateway"), r.string("iface"));
        }
    }

    /** One echo request of a ping: its sequence number and round trip (ns of virtual time), or -1 when lost. */
    public record Echo(int sequence, int ttl, long rttNanos) {
        void write(WireWriter w) {
            w.u16(sequence).u8(ttl).i64(rttNanos);
        }

        static Echo read(WireReader r) throws MalformedException {
            return new Echo(r.u16("sequence"), r.u8("ttl"), r.i64("rtt"));
        }
    }

    /** Where a received datagram came from, and how much of it the lease got. */
    public record Datagram(int source, int port, int length, boolean truncated) {
        /** The OK reply. */
        public Message toMessage() {
            return Replies.ok(new WireWriter().i32(source).u16(port).i32(length).u8(truncated ? 1 : 0).toByteArray());
        }

        static Datagram decode(Message reply) throws MalformedException {
            WireReader r = reply.reader();
            Datagram d = new Datagram(r.i32("source"), r.u16("port"), r.i32("length"), flag(r, "truncated"));
            r.end("datagram");
            if (d.length < 0) {
                throw new MalformedException("datagram length " + d.length);
            }
            return d;
        }
    }

    /** A list as the OK reply: a u16 count, then each entry. */
    static <T> Message list(List<T> entries, Writer<T> writer) {
        WireWriter w = new WireWriter().u16(entries.size());
        for (T e : entries) {
            writer.write(e, w);
        }
        return Replies.ok(w.toByteArray());
    }

    static <T> List<T> list(Message reply, Reader<T> reader, String what) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException(what + " carries no handles");
        }
        WireReader r = reply.reader();
        int n = r.u16(what + " count");
        List<T> out = new ArrayList<>(Math.min(n, 256));
        for (int i = 0; i < n; i++) {
            out.add(reader.read(r));
        }
        r.end(what);
        return out;
    }

    interface Writer<T> {
        void write(T entry, WireWriter w);
    }

    interface Reader<T> {
        T read(WireReader r) throws MalformedException;
    }

    static boolean flag(WireReader r, String field) throws MalformedException {
        int v = r.u8(field);
        if (v > 1) {
            throw new MalformedException(field + " must be 0 or 1, not " + v);
        }
        return v == 1;
    }

    static int prefixLength(WireReader r) throws MalformedException {
        int p = r.u8("prefix length");
        if (p > 32) {
            throw new MalformedException("prefix length " + p + " is over 32");
        }
        return p;
    }
}
