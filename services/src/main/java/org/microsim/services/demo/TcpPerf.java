package org.microsim.services.demo;

import java.time.Duration;
import java.util.Locale;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Program;
import org.microsim.abi.Sys;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.TcpServerSocket;
import org.microsim.abi.net.TcpSocket;

/**
 * An iperf-like TCP tool as a task: {@code tcpperf recv PORT} accepts one connection, reads until the end of the
 * stream, checks every byte and logs how many came in how much virtual time; {@code tcpperf send HOST PORT BYTES}
 * connects and writes BYTES bytes, then closes. The bytes are a pattern both ends know (byte i is i * 31 + i / 4099,
 * so a lost, repeated or reordered piece shows), so the receiver needs no copy of what was sent.
 *
 * <p>Arguments: a u8 mode (0 send, 1 receive); for send the IPv4 address (u32), port (u16) and byte count (u64);
 * for receive the port (u16). Build them with {@link #sendArgs} and {@link #recvArgs}.
 */
public final class TcpPerf implements Program {
    private static final int SEND = 0;
    private static final int RECV = 1;
    private static final int CHUNK = 64 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);

    public static byte[] sendArgs(int address, int port, long bytes) {
        return new WireWriter().u8(SEND).i32(address).u16(port).i64(bytes).toByteArray();
    }

    public static byte[] recvArgs(int port) {
        return new WireWriter().u8(RECV).u16(port).toByteArray();
    }

    /** Byte {@code i} of the stream. */
    static byte at(long i) {
        return (byte) (i * 31 + i / 4099);
    }

    /** Puts bytes {@code from} to {@code from + n} of the stream into {@code b}. */
    static void fill(byte[] b, int n, long from) {
        Stream stream = new Stream(from);
        for (int i = 0; i < n; i++) {
            b[i] = stream.next();
        }
    }

    /** How many of {@code b[0, n)} differ from bytes {@code from} to {@code from + n} of the stream. */
    static long check(byte[] b, int n, long from) {
        Stream stream = new Stream(from);
        long wrong = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] != stream.next()) {
                wrong++;
            }
        }
        return wrong;
    }

    /** The stream's bytes one after another from a place: {@link #at} without a division per byte. */
    private static final class Stream {
        private long value;
        private long untilCarry;

        Stream(long from) {
            value = from * 31 + from / 4099;
            untilCarry = 4099 - from % 4099;
        }

        byte next() {
            byte b = (byte) value;
            value += 31;
            if (--untilCarry == 0) {
                value++;
                untilCarry = 4099;
            }
            return b;
        }
    }

    @Override
    public void run(Sys sys) throws NetException, MalformedException {
        WireReader r = new WireReader(sys.start().args());
        if (r.u8("mode") == SEND) {
            send(sys, r.i32("address"), r.u16("port"), r.i64("bytes"));
        } else {
            receive(sys, r.u16("port"));
        }
    }

    private static void send(Sys sys, int address, int port, long bytes) throws NetException {
        long start = sys.now();
        byte[] chunk = new byte[CHUNK];
        try (TcpSocket s = TcpSocket.connect(sys, address, port, WAIT)) {
            for (long sent = 0; sent < bytes; ) {
                int n = (int) Math.min(CHUNK, bytes - sent);
                fill(chunk, n, sent);
                s.write(chunk, 0, n);
                sent += n;
            }
            s.shutdownOutput();
        }
        sys.log("tcpperf: sent " + bytes + " bytes in " + ms(sys.now() - start) + " ms virtual");
    }

    private static void receive(Sys sys, int port) throws NetException {
        try (TcpServerSocket server = TcpServerSocket.listen(sys, port, 1)) {
            sys.log("tcpperf: listening on TCP port " + server.port());
            try (TcpSocket s = server.accept(Duration.ofHours(1))) {
                long start = sys.now();
                long got = 0;
                long wrong = 0;
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = s.read(buffer, 0, buffer.length, WAIT)) >= 0; ) {
                    wrong += check(buffer, n, got);
                    got += n;
                }
                long took = Math.max(1, sys.now() - start);
                sys.log(String.format(Locale.ROOT, "tcpperf: received %d bytes, %d wrong, in %s ms virtual "
                        + "(%.1f Mbit/s virtual)", got, wrong, ms(took), got * 8e3 / took));
            }
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
