package org.microsim.services.httpd;

import java.time.Duration;
import org.microsim.abi.Handle;
import org.microsim.abi.Handler;
import org.microsim.abi.Message;
import org.microsim.abi.Notice;
import org.microsim.abi.PortClass;
import org.microsim.abi.PortInfo;
import org.microsim.abi.PortSubclass;
import org.microsim.abi.Protocol;
import org.microsim.abi.Received;
import org.microsim.abi.Replies;
import org.microsim.abi.Server;
import org.microsim.abi.Sys;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.FsRequest;
import org.microsim.abi.fs.OpenFlags;
import org.microsim.abi.net.NetException;
import org.microsim.abi.net.TcpSocket;

/**
 * A response body served as a read-only file that can only be read in order: the one reader opens it, READs it
 * piece after piece until a READ answers 0 bytes, and closes it; then the server has finished and the fetch task
 * ends. It speaks the file-system protocol so that the reader is the console's ordinary file client, as for
 * {@code get}; what a stream cannot do (writing, reading out of order, a second open, anything else) is refused
 * with a clear error, and a reader that goes away for {@code idle} ends it too.
 *
 * <pre>
 *   httpd ─TCP─▶ netd ─▶ fetch (this) ◀─ OPEN / READ at 0, n, 2n ... / CLOSE ─ console ─▶ host file
 * </pre>
 *
 * Reads wait for the socket (a lease is filled with what has come, at most its length), so the copy goes at the
 * pace of the slower side, and TCP's window holds the server back meanwhile.
 */
final class BodyStream implements Handler<FsRequest<?>> {
    private static final int HANDLE = 1;

    private final Sys sys;
    private final TcpSocket socket;
    private final long length;
    private final Duration idle;
    private byte[] first;
    private long delivered;
    private boolean open;
    private boolean done;
    private long wakeAt;

    private BodyStream(Sys sys, TcpSocket socket, byte[] first, long length, Duration idle) {
        this.sys = sys;
        this.socket = socket;
        this.first = first;
        this.length = length;
        this.idle = idle;
        this.wakeAt = sys.now() + idle.toNanos();
    }

    /**
     * Serves the body on the port {@link Fetch#streamPort} names, until it has been read and closed or nobody asked
     * for {@code idle}.
     *
     * @param first  the body's first bytes, which came with the response head
     * @param length the Content-Length, or -1 to read until the server closes
     */
    static void serve(Sys sys, TcpSocket socket, byte[] first, long length, Duration idle) {
        Handle port = sys.registerPort(PortInfo.of(Fetch.streamPort(sys.self()), PortClass.SERVICE,
                PortSubclass.SERVICE_GENERIC)).orThrow();
        Server.serve(sys, new BodyStream(sys, socket, first, length, idle), port);
    }

    @Override
    public Protocol<FsRequest<?>, ?> protocol() {
        return FsRequest.PROTOCOL;
    }

    @Override
    public Message handle(FsRequest<?> request, Received call) throws FsException {
        wakeAt = sys.now() + idle.toNanos();
        return switch (request) {
            case FsRequest.Open o when (o.flags() & (OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNCATE)) != 0
                    -> throw new FsException(FsError.READ_ONLY, "a fetched body can only be read");
            case FsRequest.Open o when open -> throw new FsException(FsError.INVALID_REQUEST,
                    "a fetched body is read once, by one reader");
            case FsRequest.Open o -> {
                open = true;
                yield new FsReplies.Opened(HANDLE).toMessage();
            }
            case FsRequest.Read r -> new FsReplies.Transferred(read(r, call)).toMessage();
            case FsRequest.Close c -> {
                handle(c.fh());
                done = true;
                yield Replies.ok();
            }
            default -> throw new FsException(FsError.INVALID_REQUEST, "a fetched body can only be opened, read in"
                    + " order and closed");
        };
    }

    private int read(FsRequest.Read r, Received call) throws FsException {
        handle(r.fh());
        if (r.offset() != delivered) {
            throw new FsException(FsError.INVALID_REQUEST, "a fetched body is read in order: at " + delivered
                    + ", not " + r.offset());
        }
        int want = (int) Math.min(r.length(), length < 0 ? Integer.MAX_VALUE : length - delivered);
        if (want <= 0) {
            return 0;
        }
        byte[] piece;
        int n;
        if (first.length > 0) {
            piece = first;
            n = Math.min(want, first.length);
            first = java.util.Arrays.copyOfRange(first, n, first.length);
        } else {
            piece = new byte[want];
            try {
                n = Math.max(0, socket.read(piece, 0, want, idle));
            } catch (NetException e) {
                throw new FsException(FsError.IO_ERROR, "the connection failed: " + e.getMessage());
            }
        }
        if (n > 0 && !sys.leaseWrite(call.replyRight(), 0, piece, 0, n).isOk()) {
            // What was taken from the socket is lost with it: a reader that lends no room breaks its own stream.
            done = true;
            throw new FsException(FsError.INVALID_REQUEST, "a READ of " + want + " bytes needs a writable lease of"
                    + " that many");
        }
        delivered += n;
        return n;
    }

    private void handle(int fh) throws FsException {
        if (!open || fh != HANDLE) {
            throw new FsException(FsError.BAD_HANDLE, "no open body has handle " + fh);
        }
    }

    @Override
    public boolean notice(Notice notice) {
        if (notice instanceof Notice.Deadline) {
            sys.log("fetch: nobody read the body for " + idle.toSeconds() + " s; giving up");
            done = true;
            return true;
        }
        return false;
    }

    @Override
    public long wakeAt() {
        return wakeAt;
    }

    @Override
    public boolean finished() {
        return done;
    }
}
