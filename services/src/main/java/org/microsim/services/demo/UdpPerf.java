package org.microsim.services.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Program;
import org.microsim.abi.Sys;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.UdpSocket;

/**
 * An iperf-like UDP tool as a task, over {@link UdpSocket}: {@code udpperf send HOST PORT COUNT SIZE} sends COUNT
 * datagrams of SIZE bytes back to back and logs how many went out in how much virtual time; {@code udpperf recv
 * PORT COUNT} counts what arrives and logs one line of figures.
 *
 * <p>Design: a datagram of 4 bytes or more starts with its sequence number (u32, little-endian, from 0), the rest
 * is zeros; the receiver keeps a bit per sequence number seen, so it tells losses (numbers below COUNT never seen),
 * duplicates (seen twice) and reordering (arrived after a higher number) apart without buffering. Datagrams
 * under 4 bytes carry no number: then only the count and the bytes say anything, and lost is COUNT minus
 * received. The sender never drops a datagram on its side: when the driver's queue is full netd answers BUSY
 * and the sender sleeps {@link #BACKOFF} of virtual time and tries again, as a blocking socket would wait; it
 * gives up only if the interface stays busy for {@link #GIVE_UP} (a pulled cable). The receiver stops after
 * COUNT datagrams or after {@link #IDLE} without one. Virtual time is the kernel's clock: the figures are those
 * of the simulated network, not of the host.
 *
 * <p>Arguments: a u8 mode (0 send, 1 receive), then for send the IPv4 address (u32), port (u16), count and size
 * (u32 each); for receive the port (u16) and count (u32). Build them with {@link #sendArgs} and {@link
 * #recvArgs}.
 */
public final class UdpPerf implements Program {
    /** How long the sender waits before trying a datagram again that netd could not send now. */
    public static final Duration BACKOFF = Duration.ofNanos(20_000);
    /** How long the sender keeps trying one datagram before it gives up. */
    public static final Duration GIVE_UP = Duration.ofSeconds(2);
    /** How long the receiver waits for the next datagram before it reports what it has. */
    public static final Duration IDLE = Duration.ofSeconds(5);
    /** The largest datagram UDP carries over IPv4. */
    public static final int MAX_SIZE = 65_507;

    private static final int SEND = 0;
    private static final int RECV = 1;
    private static final int SEQUENCE_BYTES = 4;

    /** The arguments of {@code udpperf send}: {@code address} is an IPv4 address as an int, most significant first. */
    public static byte[] sendArgs(int address, int port, int count, int size) {
        return new WireWriter().u8(SEND).i32(address).u16(port).i32(count).i32(size).toByteArray();
    }

    /** The arguments of {@code udpperf recv}. */
    public static byte[] recvArgs(int port, int count) {
        return new WireWriter().u8(RECV).u16(port).i32(count).toByteArray();
    }

    @Override
    public void run(Sys sys) throws MalformedException, NetException {
        WireReader in = new WireReader(sys.start().args());
        if (in.u8("mode") == SEND) {
            int address = in.i32("address");
            int port = in.u16("port");
            int count = in.i32("count");
            int size = in.i32("size");
            in.end("udpperf send arguments");
            send(sys, address, port, count, size);
        } else {
            int port = in.u16("port");
            int count = in.i32("count");
            in.end("udpperf recv arguments");
            receive(sys, port, count);
        }
    }

    private static void send(Sys sys, int address, int port, int count, int size) throws NetException {
        UdpSocket socket = UdpSocket.bind(sys, 0);
        byte[] data = new byte[size];
        ByteBuffer sequence = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long start = sys.now();
        long retries = 0;
        int sent = 0;
        String failure = "";
        sending:
        while (sent < count) {
            if (size >= SEQUENCE_BYTES) {
                sequence.putInt(0, sent);
            }
            long firstTry = sys.now();
            while (true) {
                try {
                    socket.sendTo(address, port, data);
                    sent++;
                    break;
                } catch (NetException e) {
                    if (e.error() != NetError.BUSY || sys.now() - firstTry >= GIVE_UP.toNanos()) {
                        failure = ", stopped: " + e.getMessage();
                        break sending;
                    }
                    retries++;
                    sys.sleep(BACKOFF);
                }
            }
        }
        long nanos = sys.now() - start;
        socket.close();
        sys.log("udpperf: sent " + sent + "/" + count + " datagrams of " + size + " bytes to " + UdpEcho.address(address) + ":"
                + port + " in " + millis(nanos) + " ms virtual (" + rate(sent, nanos) + "), " + retries
                + " retries when busy" + failure);
    }

    private static void receive(Sys sys, int port, int count) throws NetException {
        UdpSocket socket = UdpSocket.bind(sys, port);
        BitSet seen = new BitSet();
        long received = 0;
        long bytes = 0;
        long duplicates = 0;
        long reordered = 0;
        long highest = -1;
        boolean numbered = true;
        long first = 0;
        long last = 0;
        while (received < count) {
            UdpSocket.Received d;
            try {
                d = socket.receive(IDLE);
            } catch (NetException e) {
                if (e.error() == NetError.TIMED_OUT) {
                    break;
                }
                throw e;
            }
            last = sys.now();
            if (received == 0) {
                first = last;
            }
            received++;
            bytes += d.data().length;
            if (d.data().length < SEQUENCE_BYTES) {
                numbered = false;
                continue;
            }
            long n = ByteBuffer.wrap(d.data()).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffff_ffffL;
            if (n < Integer.MAX_VALUE && seen.get((int) n)) {
                duplicates++;
                continue;
            }
            if (n < highest) {
                reordered++;
            }
            highest = Math.max(highest, n);
            if (n < Integer.MAX_VALUE) {
                seen.set((int) n);
            }
        }
        socket.close();
        long lost = numbered ? count - seen.get(0, count).cardinality() : Math.max(0, count - received);
        long nanos = last - first;
        sys.log("udpperf: received " + received + "/" + count + " datagrams, " + bytes + " bytes, lost " + lost
                + (numbered ? ", duplicates " + duplicates + ", reordered " + reordered
                        : " (datagrams under 4 bytes carry no sequence number: duplicates and reordering unknown)")
                + ", " + millis(nanos) + " ms virtual from first to last (" + rate(received, nanos) + ")"
                + (received < count ? ", stopped after " + IDLE.toSeconds() + " s without a datagram" : ""));
    }

    private static String rate(long datagrams, long nanos) {
        return nanos <= 0 ? "- datagrams/s" : Math.round(datagrams * 1e9 / nanos) + " datagrams/s";
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
