package org.microsim.services.httpd;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.microsim.abi.Lease;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.net.NetError;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.TcpSocket;
import org.microsim.services.vfs.VfsClient;

/**
 * One HTTP connection of httpd: requests read as they come, one response at a time, its body streamed from the
 * VFS a piece at a time as the connection takes it, so a slow client holds a file handle and 64 KiB, never the
 * file, and never the server.
 *
 * <pre>
 *   readable ─▶ bytes ─▶ HttpParser ─▶ request ─▶ head (+ the listing or error page) queued, file opened
 *   writable ─▶ queued bytes out (what fits now) ─▶ queue empty: next piece of the file, or the response is done
 *   done ─▶ close when the request or the peer said so, else the next pipelined request
 * </pre>
 */
final class HttpConnection {
    private static final int PIECE = 64 * 1024;

    private final TcpSocket socket;
    private final VfsClient vfs;
    private final String root;
    private final HttpParser parser = new HttpParser();
    private final ArrayDeque<byte[]> out = new ArrayDeque<>();
    private int outOffset;
    private int fh = -1;
    private long fileAt;
    private long fileLeft;
    private boolean responding;
    private boolean closeAfter;
    private boolean peerDone;
    long lastActive;

    HttpConnection(TcpSocket socket, VfsClient vfs, String root, long now) {
        this.socket = socket;
        this.vfs = vfs;
        this.root = root;
        this.lastActive = now;
    }

    int id() {
        return socket.id();
    }

    /** Whether it has bytes to send (so the loop asks for WRITABLE). */
    boolean wantsToWrite() {
        return !out.isEmpty() || fileLeft > 0;
    }

    /** Whether it takes a new request now (no response in progress). */
    boolean wantsToRead() {
        return !responding && !peerDone;
    }

    /** Bytes came: reads what is there and starts the response to the next whole request. */
    void readable(byte[] buffer, long now) throws NetException {
        lastActive = now;
        int n;
        try {
            n = socket.read(buffer, 0, buffer.length, Duration.ZERO);
        } catch (NetException e) {
            if (e.error() == NetError.WOULD_BLOCK) {
                return;
            }
            throw e;
        }
        if (n < 0) {
            peerDone = true;
            closeAfter = true;
            return;
        }
        try {
            HttpRequest request = parser.feed(buffer, 0, n);
            if (request != null) {
                respond(request);
            }
        } catch (HttpParser.HttpError e) {
            error(e.status, e.getMessage(), true);
        }
    }

    /** Room to send: sends what is queued, then the next piece of the file. */
    void writable(long now) throws NetException {
        lastActive = now;
        while (true) {
            if (out.isEmpty() && fileLeft > 0) {
                nextPiece();
            }
            byte[] head = out.peek();
            if (head == null) {
                break;
            }
            int n;
            try {
                n = socket.writeSome(head, outOffset, head.length - outOffset, Duration.ZERO);
            } catch (NetException e) {
                if (e.error() == NetError.WOULD_BLOCK) {
                    return;
                }
                throw e;
            }
            outOffset += n;
            if (outOffset == head.length) {
                out.poll();
                outOffset = 0;
            }
        }
        if (responding && fileLeft == 0) {
            finish();
        }
    }

    /** Whether the connection is over: its last response sent and closing asked for. */
    boolean over() {
        return closeAfter && !responding && out.isEmpty();
    }

    void close() {
        closeFile();
        try {
            socket.close();
        } catch (NetException gone) {
            // netd forgot it already (the peer reset it): closed all the same.
        }
    }

    private void finish() {
        closeFile();
        responding = false;
        if (!closeAfter && !peerDone) {
            try {
                HttpRequest next = parser.next();
                if (next != null) {
                    respond(next);
                }
            } catch (HttpParser.HttpError e) {
                error(e.status, e.getMessage(), true);
            }
        }
    }

    private void respond(HttpRequest r) {
        responding = true;
        closeAfter |= !r.keepAlive();
        if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
            queue(HttpResponses.head(405, "text/html; charset=utf-8", 0, closeAfter, List.of("Allow: GET, HEAD")),
                    null);
            return;
        }
        boolean head = r.method().equals("HEAD");
        String path = root + (r.path().equals("/") ? "" : r.path());
        FileStat stat;
        try {
            stat = vfs.call(new FsRequest.Stat(path.isEmpty() ? "/" : path));
        } catch (FsException e) {
            error(e.error() == FsError.NOT_FOUND || e.error() == FsError.NOT_A_DIRECTORY ? 404 : 500,
                    r.path() + ": " + e.getMessage(), head);
            return;
        }
        if (stat.directory()) {
            directory(r, path, head);
        } else {
            file(r, path, stat.size(), head);
        }
    }

    private void directory(HttpRequest r, String path, boolean head) {
        if (!r.path().endsWith("/")) {
            queue(HttpResponses.head(301, null, 0, closeAfter, List.of("Location: " + r.path() + "/")), null);
            return;
        }
        try {
            byte[] page = HttpResponses.listing(r.path(), vfs.list(path.isEmpty() ? "/" : path));
            queue(HttpResponses.head(200, "text/html; charset=utf-8", page.length, closeAfter, List.of()),
                    head ? null : page);
        } catch (FsException e) {
            error(500, r.path() + ": " + e.getMessage(), head);
        }
    }

    private void file(HttpRequest r, String path, long size, boolean head) {
        ByteRange range = ByteRange.parse(r.header("range").orElse(null), size);
        if (range == ByteRange.UNSATISFIABLE) {
            queue(HttpResponses.head(416, null, 0, closeAfter, List.of("Content-Range: bytes */" + size)), null);
            return;
        }
        long first = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        List<String> extra = range == null ? List.of("Accept-Ranges: bytes")
                : List.of("Accept-Ranges: bytes", "Content-Range: bytes " + range.first() + "-" + range.last() + "/"
                        + size);
        String type = HttpResponses.contentType(path);
        if (head || length == 0) {
            queue(HttpResponses.head(range == null ? 200 : 206, type, length, closeAfter, extra), null);
            return;
        }
        try {
            fh = vfs.call(new FsRequest.Open(path, OpenFlags.READ)).fh();
        } catch (FsException e) {
            error(500, r.path() + ": " + e.getMessage(), false);
            return;
        }
        fileAt = first;
        fileLeft = length;
        queue(HttpResponses.head(range == null ? 200 : 206, type, length, closeAfter, extra), null);
    }

    /** The next piece of the file into the queue; a file that fails mid-way ends the connection. */
    private void nextPiece() {
        int n = (int) Math.min(PIECE, fileLeft);
        byte[] piece = new byte[n];
        try {
            int got = vfs.call(new FsRequest.Read(fh, fileAt, n), Lease.writeOnly(piece)).bytes();
            if (got <= 0) {
                throw new FsException(FsError.IO_ERROR, "the file ended early");
            }
            out.add(got == n ? piece : java.util.Arrays.copyOf(piece, got));
            fileAt += got;
            fileLeft -= got;
        } catch (FsException e) {
            // The head promised a length the body can no longer keep: the only honest end is to close.
            fileLeft = 0;
            closeAfter = true;
            peerDone = true;
        }
    }

    private void error(int status, String why, boolean headOnly) {
        byte[] page = HttpResponses.errorPage(status, why);
        closeAfter |= status >= 400 && status != 404 && status != 416;
        responding = true;
        queue(HttpResponses.head(status, "text/html; charset=utf-8", page.length, closeAfter, List.of()),
                headOnly ? null : page);
    }

    private void queue(byte[] head, byte[] body) {
        out.add(head);
        if (body != null && body.length > 0) {
            out.add(body);
        }
    }

    private void closeFile() {
        if (fh >= 0) {
            try {
                vfs.call(new FsRequest.Close(fh));
            } catch (FsException e) {
                // The VFS or the volume went away; the handle went with it.
            }
            fh = -1;
        }
    }
}
