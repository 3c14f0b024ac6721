package org.microsim.abi.fs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/** The payloads of the filesystem protocol's replies that are not a record of their own ({@link FsRequest}). */
public final class FsReplies {
    private FsReplies() {
    }

    /** OPEN's reply: the new handle, u32. */
    public record Opened(int fh) {
        /** The OK reply. */
        public Message toMessage() {
            return Replies.ok(new WireWriter().u32(fh).toByteArray());
        }

        /** Decodes the reply; a wrong length, an out-of-range field or handles are malformed. */
        public static Opened decode(Message reply) throws MalformedException {
            WireReader r = reader(reply);
            Opened o = new Opened(r.i32("fh"));
            r.end("open reply");
            return o;
        }
    }

    /** READ's and WRITE's reply: bytes moved through the lease, u32. */
    public record Transferred(int bytes) {
        /** The OK reply. */
        public Message toMessage() {
            return Replies.ok(new WireWriter().u32(bytes).toByteArray());
        }

        /** Decodes the reply; a wrong length, an out-of-range field or handles are malformed. */
        public static Transferred decode(Message reply) throws MalformedException {
            WireReader r = reader(reply);
            long n = r.u32("bytes");
            r.end("transfer reply");
            if (n > Integer.MAX_VALUE) {
                throw new MalformedException("transferred " + n + " bytes, more than a lease can hold");
            }
            return new Transferred((int) n);
        }
    }

    /**
     * READDIR's reply: {@code count} u32 entries fill the first {@code bytes} u32 of the lease; {@code more} u8
     * says whether entries follow (ask again from start + count).
     */
    public record DirPage(int count, int bytes, boolean more) {
        /** The OK reply. */
        public Message toMessage() {
            return Replies.ok(new WireWriter().u32(count).u32(bytes).u8(more ? 1 : 0).toByteArray());
        }

        /** Decodes the reply; a wrong length, an out-of-range field or handles are malformed. */
        public static DirPage decode(Message reply) throws MalformedException {
            WireReader r = reader(reply);
            long count = r.u32("count");
            long used = r.u32("bytes");
            int more = r.u8("more flag");
            r.end("readdir reply");
            if (count > Integer.MAX_VALUE || used > Integer.MAX_VALUE || more > 1) {
                throw new MalformedException("readdir reply out of range: " + count + " entries, " + used
                        + " bytes, more=" + more);
            }
            return new DirPage((int) count, (int) used, more == 1);
        }
    }

    /**
     * A READDIR page about to be sent, as every server of the protocol builds it: the entries' bytes for the
     * caller's lease and the reply that describes them.
     */
    public record Listing(DirPage page, byte[] entries) {
        /**
         * As many whole entries of {@code all}, from {@code start}, as fit {@code room} bytes of lease.
         *
         * @throws FsException INVALID_REQUEST for a start past the entries, or a lease too small for the first one
         */
        public static Listing of(List<FileStat> all, int start, long room) throws FsException {
            if (start < 0 || start > all.size()) {
                throw new FsException(FsError.INVALID_REQUEST, "readdir start " + Integer.toUnsignedString(start)
                        + " past the " + all.size() + " entries");
            }
            WireWriter w = new WireWriter();
            int used = 0;
            for (int i = start; i < all.size(); i++) {
                all.get(i).write(w);
                if (w.size() > room) {
                    if (i == start) {
                        throw new FsException(FsError.INVALID_REQUEST, "a lease of " + room
                                + " bytes cannot hold entry " + i + " (" + (w.size() - used) + " bytes)");
                    }
                    return new Listing(new DirPage(i - start, used, true), Arrays.copyOf(w.toByteArray(), used));
                }
                used = w.size();
            }
            return new Listing(new DirPage(all.size() - start, used, false), w.toByteArray());
        }
    }

    /** Decodes the {@code bytes} lease bytes of a READDIR page into its {@code count} entries. */
    public static List<FileStat> entries(byte[] lease, DirPage page) throws MalformedException {
        if (page.bytes() > lease.length) {
            throw new MalformedException("readdir page of " + page.bytes() + " bytes in a lease of " + lease.length);
        }
        WireReader r = new WireReader(Arrays.copyOf(lease, page.bytes()));
        List<FileStat> out = new ArrayList<>();
        for (int i = 0; i < page.count(); i++) {
            out.add(FileStat.read(r));
        }
        r.end("readdir entries");
        return out;
    }

    /** A reader over a reply that must carry no handles. */
    static WireReader reader(Message reply) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException("a filesystem reply carries no handles, not " + reply.handles().size());
        }
        return reply.reader();
    }
}
