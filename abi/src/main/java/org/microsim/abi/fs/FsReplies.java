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
        /** The reply payload. */
        public byte[] encode() {
            return new WireWriter().u32(fh).toByteArray();
        }

        /** Decodes a reply payload; a wrong length or out-of-range field is malformed. */
        public static Opened decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            Opened o = new Opened(r.i32("fh"));
            r.end("open reply");
            return o;
        }
    }

    /** READ's and WRITE's reply: bytes moved through the lease, u32. */
    public record Transferred(int bytes) {
        /** The reply payload. */
        public byte[] encode() {
            return new WireWriter().u32(bytes).toByteArray();
        }

        /** Decodes a reply payload; a wrong length or out-of-range field is malformed. */
        public static Transferred decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
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
        /** The reply payload. */
        public byte[] encode() {
            return new WireWriter().u32(count).u32(bytes).u8(more ? 1 : 0).toByteArray();
        }

        /** Decodes a reply payload; a wrong length or out-of-range field is malformed. */
        public static DirPage decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
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

    /** The error reply for {@code e}. */
    public static Message error(FsException e) {
        return Replies.error(e.error().code(), e.getMessage());
    }

    /**
     * The failure a reply carries as an exception, or null for a success.
     *
     * @throws MalformedException when the reply is not a well-formed success or filesystem failure
     */
    public static FsException failure(Message reply) throws MalformedException {
        Replies.Failure f = Replies.failure(reply);
        return f == null ? null : new FsException(FsError.fromCode(f.code()), f.detail());
    }
}
