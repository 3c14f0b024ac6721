package org.microsim.services.httpd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.microsim.abi.Lease;
import org.microsim.abi.Program;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.TcpSocket;
import org.microsim.services.netd.wire.Ipv4Addr;
import org.microsim.services.vfs.VfsClient;

/**
 * An HTTP client task, so two simulated machines can exchange files: {@code fetch http://ADDR[:PORT]/PATH FILE} GETs
 * the URL over netd's TCP and writes the body to {@code FILE} through the VFS, a piece at a time as it comes, then logs
 * the status and how many bytes it wrote. With {@code FILE} {@value #STREAM} it writes no file but serves the body,
 * read in order, on a port of its own ({@link BodyStream}), for the console to copy to the host. Only {@code http://}
 * with a dotted IPv4 address: there is no DNS and no TLS. A response that is not 200 writes nothing and says so; one
 * that ends before its Content-Length says so too, and the file holds what came.
 */
public final class Fetch implements Program {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int PIECE = 64 * 1024;
    /**
     * The FILE that means "no file: serve the body to whoever reads it", on a port named {@link #streamPort}: how
     * the console's {@code fetch URL HOSTPATH} takes a body to the host without it touching a simulated disk.
     */
    public static final String STREAM = "-";

    /** The port a fetch task of id {@code task} serves its body on when its FILE is {@link #STREAM}. */
    public static String streamPort(org.microsim.abi.TaskId task) {
        return "fetch:" + task;
    }

    /** Its arguments: the URL and the file, each a u16 length and UTF-8 bytes. */
    public static byte[] args(String url, String file) {
        return new org.microsim.abi.WireWriter().string(url).string(file).toByteArray();
    }

    /** An {@code http://} URL taken apart, or an exception saying what is wrong with it. */
    record Url(int address, int port, String path) {
        static Url parse(String url) {
            if (!url.toLowerCase(Locale.ROOT).startsWith("http://")) {
                throw new IllegalArgumentException("'" + url + "' is not an http:// URL");
            }
            String rest = url.substring(7);
            int slash = rest.indexOf('/');
            String hostPort = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "/" : rest.substring(slash);
            int colon = hostPort.indexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            int port = 80;
            if (colon >= 0) {
                String p = hostPort.substring(colon + 1);
                if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 0xffff) {
                    throw new IllegalArgumentException("'" + p + "' is not a port from 1 to 65535");
                }
                port = Integer.parseInt(p);
            }
            int address;
            try {
                address = Ipv4Addr.parse(host).value();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (there is no DNS)");
            }
            return new Url(address, port, path);
        }
    }

    @Override
    public void run(Sys sys) throws Exception {
        org.microsim.abi.WireReader r = new org.microsim.abi.WireReader(sys.start().args());
        String urlText = r.string("url");
        String file = r.string("file");
        Url url;
        try {
            url = Url.parse(urlText);
        } catch (IllegalArgumentException e) {
            sys.log("fetch: " + e.getMessage());
            return;
        }
        try (TcpSocket s = TcpSocket.connect(sys, url.address, url.port, WAIT)) {
            s.write(("GET " + url.path + " HTTP/1.1\r\nHost: " + hostText(url) + "\r\nUser-Agent: microsim-fetch"
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            Head head = head(sys, s, urlText);
            if (head == null) {
                return;
            }
            if (!head.status.matches("HTTP/1\\.[01] 200 .*")) {
                sys.log("fetch: " + urlText + ": " + head.status + "; nothing written");
            } else if (file.equals(STREAM)) {
                BodyStream.serve(sys, s, head.body, head.length, WAIT);
            } else {
                save(sys, s, head, file, urlText);
            }
        } catch (NetException e) {
            sys.log("fetch: " + urlText + ": " + e.getMessage());
        }
    }

    /**
     * A response's head: its status line, its Content-Length (-1 when it has none), and the first bytes of the body,
     * which came with the head.
     */
    private record Head(String status, long length, byte[] body) {
    }

    /** Reads the response head, or logs why there is none and answers null. */
    private static Head head(Sys sys, TcpSocket s, String url) throws NetException {
        byte[] buffer = new byte[PIECE];
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int bodyStart = -1;
        while (bodyStart < 0) {
            int n = s.read(buffer, 0, buffer.length, WAIT);
            if (n < 0) {
                sys.log("fetch: " + url + ": the server closed before a whole response head");
                return null;
            }
            head.write(buffer, 0, n);
            bodyStart = endOfHead(head.toByteArray());
            if (head.size() > 64 * 1024 && bodyStart < 0) {
                sys.log("fetch: " + url + ": the response head is too long");
                return null;
            }
        }
        byte[] all = head.toByteArray();
        String text = new String(all, 0, bodyStart, StandardCharsets.ISO_8859_1);
        return new Head(text.lines().findFirst().orElse(""), contentLength(text),
                java.util.Arrays.copyOfRange(all, bodyStart, all.length));
    }

    private static void save(Sys sys, TcpSocket s, Head head, String file, String url) throws NetException {
        byte[] buffer = new byte[PIECE];
        long length = head.length;
        VfsClient vfs = new VfsClient(sys);
        long written = 0;
        try {
            int fh = vfs.call(new FsRequest.Open(file, OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNCATE)).fh();
            try {
                written += write(vfs, fh, written, head.body, head.body.length);
                while (length < 0 || written < length) {
                    int n = s.read(buffer, 0, buffer.length, WAIT);
                    if (n < 0) {
                        break;
                    }
                    written += write(vfs, fh, written, buffer, n);
                }
            } finally {
                vfs.call(new FsRequest.Close(fh));
            }
        } catch (FsException e) {
            sys.log("fetch: " + file + ": " + e.getMessage());
            return;
        }
        sys.log("fetch: " + url + ": " + head.status.substring(9) + ", " + written + " bytes to " + file
                + (length >= 0 && written < length ? " (the server promised " + length + ")" : ""));
    }

    private static int write(VfsClient vfs, int fh, long at, byte[] b, int n) throws FsException {
        if (n == 0) {
            return 0;
        }
        vfs.call(new FsRequest.Write(fh, at, n), new Lease.Buffer(b, 0, n, true, false));
        return n;
    }

    private static int endOfHead(byte[] b) {
        for (int i = 3; i < b.length; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                try {
                    return Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String hostText(Url url) {
        return new Ipv4Addr(url.address) + (url.port == 80 ? "" : ":" + url.port);
    }
}
