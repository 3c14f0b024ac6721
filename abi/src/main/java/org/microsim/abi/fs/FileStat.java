package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * What stat and readdir tell about one file or directory. {@code modified} is seconds since 1970-01-01T00:00
 * in the filesystem's own local time (FAT stores no zone). {@code attributes} are the FAT attribute bits
 * (read-only 0x01, hidden 0x02, system 0x04, directory 0x10, archive 0x20).
 *
 * <pre>
 * size u64, directory u8 (0/1), attributes u8, modified i64, name str (u16 length, UTF-8)
 * </pre>
 */
public record FileStat(String name, long size, boolean directory, int attributes, long modified) {
    public static final int READ_ONLY = 0x01;
    public static final int HIDDEN = 0x02;
    public static final int SYSTEM = 0x04;
    public static final int DIRECTORY = 0x10;
    public static final int ARCHIVE = 0x20;

    /** Appends this record to {@code w}. */
    public WireWriter write(WireWriter w) {
        return w.i64(size).u8(directory ? 1 : 0).u8(attributes).i64(modified).string(name);
    }

    /** The OK reply to STAT. */
    public Message toMessage() {
        return Replies.ok(write(new WireWriter()).toByteArray());
    }

    /** Decodes a STAT reply: exactly one record, no handles. */
    public static FileStat decode(Message reply) throws MalformedException {
        WireReader r = FsReplies.reader(reply);
        FileStat stat = read(r);
        r.end("stat reply");
        return stat;
    }

    /** Reads one record from {@code r}. */
    public static FileStat read(WireReader r) throws MalformedException {
        long size = r.i64("size");
        if (size < 0) {
            throw new MalformedException("size " + Long.toUnsignedString(size) + " out of range");
        }
        int dir = r.u8("directory flag");
        if (dir > 1) {
            throw new MalformedException("directory flag must be 0 or 1, was " + dir);
        }
        int attributes = r.u8("attributes");
        long modified = r.i64("modified");
        String name = r.string("name");
        return new FileStat(name, size, dir == 1, attributes, modified);
    }
}
