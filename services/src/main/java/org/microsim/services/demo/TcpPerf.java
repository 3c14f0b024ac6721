package org.microsim.services.demo;

import java.time.Duration;
import java.util.Arrays;
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

    /** How many bytes go by between two of the pattern's carries (the {@code i / 4099} term). */
    private static final int CARRY = 4099;
    /** 31's inverse modulo 256: 31 * 223 = 6913 = 27 * 256 + 1. */
    private static final int INVERSE_31 = 223;
    /**
     * Byte j is {@code j * 31}. Between two carries the stream's bytes are {@code v, v + 31, v + 62, ...} modulo
     * 256, which is this table from place {@code v * 223 mod 256}; the table reaches a whole carry run past any such
     * place, so every run is one {@link System#arraycopy} or {@link Arrays#mismatch} (vectorized), where a
     * loop over bytes made and checked them at about 1 GB/s, a seventh of the bulk-transfer benchmark's time.
     */
    private static final byte[] RUN = new byte[256 + CARRY];

    static {
        for (int j = 0; j < RUN.length; j++) {
            RUN[j] = (byte) (j * 31);
        }
    }

    /** Where in {@link #RUN} byte {@code i} of the stream and those after it until the next carry are. */
    private static int runStart(long i) {
        return (int) ((i * 31 + i / CARRY) * INVERSE_31 & 0xff);
    }

    /** How many bytes from byte {@code i} of the stream come before the next carry, at most {@code max}. */
    private static int runLength(long i, int max) {
        return (int) Math.min(max, CARRY - i % CARRY);
    }

    /** Puts bytes {@code from} to {@code from + n} of the stream into {@code b}. */
    static void fill(byte[] b, int n, long from) {
        for (int i = 0; i < n; ) {
            int run = runLength(from + i, n - i);
            System.arraycopy(RUN, runStart(from + i), b, i, run);
            i += run;
        }
    }

    /** How many of {@code b[0, n)} differ from bytes {@code from} to {@code from + n} of the stream. */
    static long check(byte[] b, int n, long from) {
        long wrong = 0;
        for (int i = 0; i < n; ) {
            int run = runLength(from + i, n - i);
            int start = runStart(from + i);
            // Each mismatch counts one wrong byte and the comparison goes on after it.
            for (int at = 0, m; (m = Arrays.mismatch(b, i + at, i + run, RUN, start + at, start + run)) >= 0; ) {
                wrong++;
                at += m + 1;
            }
            i += run;
        }
        return wrong;
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
