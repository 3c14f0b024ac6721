package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The filesystem protocol: what a client (the VFS) asks a filesystem driver. Msg ids start at
 * {@link MsgIds#FS_BASE}; fields are little-endian, strings a u16 byte length then strict UTF-8, paths
 * '/'-separated from the volume root. Every request is answered by {@link org.microsim.abi.Replies}:
 * {@code REPLY_OK} with the payload below, or {@code REPLY_ERROR} with an {@link FsError} code and a sentence.
 *
 * <pre>
 * id   request   inline bytes                                 lease                    reply payload
 * 500  OPEN      path str, flags u32 ({@link OpenFlags})                                fh u32 ({@link FsReplies.Opened})
 * 501  READ      fh u32, offset u64, length u32               writable, &gt;= length      bytes read u32
 * 502  WRITE     fh u32, offset u64, length u32               readable, &gt;= length      bytes written u32
 * 503  TRUNCATE  fh u32, size u64                                                      empty
 * 504  CLOSE     fh u32                                                                empty
 * 505  STAT      path str                                                              {@link FileStat}
 * 506  READDIR   path str, start u32 (index of first entry)   writable: FileStat records  {@link FsReplies.DirPage}
 * 507  MKDIR     path str                                                              empty
 * 508  UNLINK    path str                                                              empty
 * 509  RMDIR     path str                                                              empty
 * 510  RENAME    from str, to str                                                      empty
 * 511  SYNC      (nothing)                                                             empty
 * 512  STATFS    (nothing)                                                             {@link FsStats}
 * </pre>
 *
 * READ returns fewer bytes than asked only at the end of the file. READDIR fills the lease with as many whole
 * entries as fit, starting at {@code start}, and says whether more follow. Offsets and sizes are unsigned on
 * the wire but must be below 2^63; a larger value is malformed.
 */
public sealed interface FsRequest {
    int OPEN = MsgIds.FS_BASE;
    int READ = MsgIds.FS_BASE + 1;
    int WRITE = MsgIds.FS_BASE + 2;
    int TRUNCATE = MsgIds.FS_BASE + 3;
    int CLOSE = MsgIds.FS_BASE + 4;
    int STAT = MsgIds.FS_BASE + 5;
    int READDIR = MsgIds.FS_BASE + 6;
    int MKDIR = MsgIds.FS_BASE + 7;
    int UNLINK = MsgIds.FS_BASE + 8;
    int RMDIR = MsgIds.FS_BASE + 9;
    int RENAME = MsgIds.FS_BASE + 10;
    int SYNC = MsgIds.FS_BASE + 11;
    int STATFS = MsgIds.FS_BASE + 12;

    /** This request's msg id. */
    int msgId();

    /** The inline bytes. */
    byte[] encode();

    /** The request as a message (without a lease: READ, WRITE and READDIR callers add theirs). */
    default Message toMessage() {
        return Message.of(msgId(), encode());
    }

    /** Opens a file; see {@link OpenFlags}. */
    record Open(String path, int flags) implements FsRequest {
        public int msgId() {
            return OPEN;
        }

        public byte[] encode() {
            return new WireWriter().string(path).u32(flags).toByteArray();
        }
    }

    /** Reads {@code length} bytes at {@code offset} into the caller's lease. */
    record Read(int fh, long offset, int length) implements FsRequest {
        public int msgId() {
            return READ;
        }

        public byte[] encode() {
            return new WireWriter().u32(fh).i64(offset).u32(length).toByteArray();
        }
    }

    /** Writes {@code length} bytes from the caller's lease at {@code offset}. */
    record Write(int fh, long offset, int length) implements FsRequest {
        public int msgId() {
            return WRITE;
        }

        public byte[] encode() {
            return new WireWriter().u32(fh).i64(offset).u32(length).toByteArray();
        }
    }

    /** Cuts or zero-extends an open file to {@code size}. */
    record Truncate(int fh, long size) implements FsRequest {
        public int msgId() {
            return TRUNCATE;
        }

        public byte[] encode() {
            return new WireWriter().u32(fh).i64(size).toByteArray();
        }
    }

    /** Forgets a file handle. */
    record Close(int fh) implements FsRequest {
        public int msgId() {
            return CLOSE;
        }

        public byte[] encode() {
            return new WireWriter().u32(fh).toByteArray();
        }
    }

    /** Describes the file or directory at {@code path}. */
    record Stat(String path) implements FsRequest {
        public int msgId() {
            return STAT;
        }

        public byte[] encode() {
            return new WireWriter().string(path).toByteArray();
        }
    }

    /** Lists a directory from entry {@code start} on, into the caller's lease. */
    record ReadDir(String path, int start) implements FsRequest {
        public int msgId() {
            return READDIR;
        }

        public byte[] encode() {
            return new WireWriter().string(path).u32(start).toByteArray();
        }
    }

    /** Creates a directory. */
    record Mkdir(String path) implements FsRequest {
        public int msgId() {
            return MKDIR;
        }

        public byte[] encode() {
            return new WireWriter().string(path).toByteArray();
        }
    }

    /** Deletes a file. */
    record Unlink(String path) implements FsRequest {
        public int msgId() {
            return UNLINK;
        }

        public byte[] encode() {
            return new WireWriter().string(path).toByteArray();
        }
    }

    /** Deletes an empty directory. */
    record Rmdir(String path) implements FsRequest {
        public int msgId() {
            return RMDIR;
        }

        public byte[] encode() {
            return new WireWriter().string(path).toByteArray();
        }
    }

    /** Renames or moves a file or directory. */
    record Rename(String from, String to) implements FsRequest {
        public int msgId() {
            return RENAME;
        }

        public byte[] encode() {
            return new WireWriter().string(from).string(to).toByteArray();
        }
    }

    /** Makes everything done so far durable. */
    record Sync() implements FsRequest {
        public int msgId() {
            return SYNC;
        }

        public byte[] encode() {
            return new byte[0];
        }
    }

    /** Asks for sizes, free space, type and label. */
    record StatFs() implements FsRequest {
        public int msgId() {
            return STATFS;
        }

        public byte[] encode() {
            return new byte[0];
        }
    }

    /** Decodes the request in {@code message}. */
    static FsRequest decode(Message message) throws MalformedException {
        return decode(message.msgId(), message.data());
    }

    /**
     * Decodes a request from its msg id and inline bytes.
     *
     * @throws MalformedException for an unknown id, a wrong length, trailing bytes, bad UTF-8, bad flags or an
     *         offset of 2^63 or more
     */
    static FsRequest decode(int msgId, byte[] bytes) throws MalformedException {
        WireReader r = new WireReader(bytes);
        FsRequest request = switch (msgId) {
            case OPEN -> {
                String path = r.string("path");
                int flags = r.i32("flags");
                String problem = OpenFlags.problem(flags);
                if (problem != null) {
                    throw new MalformedException(problem);
                }
                yield new Open(path, flags);
            }
            case READ -> new Read(r.i32("fh"), offset(r, "offset"), r.i32("length"));
            case WRITE -> new Write(r.i32("fh"), offset(r, "offset"), r.i32("length"));
            case TRUNCATE -> new Truncate(r.i32("fh"), offset(r, "size"));
            case CLOSE -> new Close(r.i32("fh"));
            case STAT -> new Stat(r.string("path"));
            case READDIR -> new ReadDir(r.string("path"), r.i32("start"));
            case MKDIR -> new Mkdir(r.string("path"));
            case UNLINK -> new Unlink(r.string("path"));
            case RMDIR -> new Rmdir(r.string("path"));
            case RENAME -> new Rename(r.string("from"), r.string("to"));
            case SYNC -> new Sync();
            case STATFS -> new StatFs();
            default -> throw new MalformedException("unknown filesystem request id " + msgId);
        };
        r.end("filesystem request " + msgId);
        return request;
    }

    private static long offset(WireReader r, String field) throws MalformedException {
        long v = r.i64(field);
        if (v < 0) {
            throw new MalformedException(field + " " + Long.toUnsignedString(v) + " is 2^63 or more");
        }
        return v;
    }
}
