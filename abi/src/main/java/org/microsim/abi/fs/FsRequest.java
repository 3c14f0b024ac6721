package org.microsim.abi.fs;

import org.microsim.abi.EmptyReply;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The filesystem protocol: what a client (the VFS) asks a filesystem driver. Msg ids start at
 * {@link MsgIds#FS_BASE}; fields are little-endian, strings a u16 byte length then strict UTF-8, paths
 * '/'-separated from the volume root; no request carries handles. Every request is answered by
 * {@link org.microsim.abi.Replies}: {@code REPLY_OK} with the payload below, or {@code REPLY_ERROR} with an
 * {@link FsError} code and a sentence.
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
 * the wire but must be below 2^63; a larger value is malformed. The VFS serves this protocol over its whole
 * namespace, which is why every filesystem request is also a {@link VfsRequest}.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface FsRequest<T> extends VfsRequest<T> {
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

    /**
     * The protocol a filesystem driver serves: a request that does not decode is INVALID_REQUEST, a failure of
     * the server's own or a call that got no answer IO_ERROR.
     */
    Protocol<FsRequest<?>, FsException> PROTOCOL = Protocol.of("filesystem", FsRequest::decode,
            FsException::of, FsException::new, FsError.INVALID_REQUEST.code(), FsError.IO_ERROR.code());

    @Override
    default Protocol<?, FsException> protocol() {
        return PROTOCOL;
    }

    /** Opens a file; see {@link OpenFlags}. */
    record Open(String path, int flags) implements FsRequest<FsReplies.Opened> {
        @Override
        public Message toMessage() {
            return Message.of(OPEN, new WireWriter().string(path).u32(flags).toByteArray());
        }

        @Override
        public FsReplies.Opened decodeReply(Message reply) throws MalformedException {
            return FsReplies.Opened.decode(reply);
        }
    }

    /** Reads {@code length} bytes at {@code offset} into the caller's lease. */
    record Read(int fh, long offset, int length) implements FsRequest<FsReplies.Transferred> {
        @Override
        public Message toMessage() {
            return Message.of(READ, new WireWriter().u32(fh).i64(offset).u32(length).toByteArray());
        }

        @Override
        public FsReplies.Transferred decodeReply(Message reply) throws MalformedException {
            return FsReplies.Transferred.decode(reply);
        }
    }

    /** Writes {@code length} bytes from the caller's lease at {@code offset}. */
    record Write(int fh, long offset, int length) implements FsRequest<FsReplies.Transferred> {
        @Override
        public Message toMessage() {
            return Message.of(WRITE, new WireWriter().u32(fh).i64(offset).u32(length).toByteArray());
        }

        @Override
        public FsReplies.Transferred decodeReply(Message reply) throws MalformedException {
            return FsReplies.Transferred.decode(reply);
        }
    }

    /** Cuts or zero-extends an open file to {@code size}. */
    record Truncate(int fh, long size) implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return Message.of(TRUNCATE, new WireWriter().u32(fh).i64(size).toByteArray());
        }
    }

    /** Forgets a file handle. */
    record Close(int fh) implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return Message.of(CLOSE, new WireWriter().u32(fh).toByteArray());
        }
    }

    /** Describes the file or directory at {@code path}. */
    record Stat(String path) implements FsRequest<FileStat> {
        @Override
        public Message toMessage() {
            return withPath(STAT, path);
        }

        @Override
        public FileStat decodeReply(Message reply) throws MalformedException {
            return FileStat.decode(reply);
        }
    }

    /** Lists a directory from entry {@code start} on, into the caller's lease. */
    record ReadDir(String path, int start) implements FsRequest<FsReplies.DirPage> {
        @Override
        public Message toMessage() {
            return Message.of(READDIR, new WireWriter().string(path).u32(start).toByteArray());
        }

        @Override
        public FsReplies.DirPage decodeReply(Message reply) throws MalformedException {
            return FsReplies.DirPage.decode(reply);
        }
    }

    /** Creates a directory. */
    record Mkdir(String path) implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return withPath(MKDIR, path);
        }
    }

    /** Deletes a file. */
    record Unlink(String path) implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return withPath(UNLINK, path);
        }
    }

    /** Deletes an empty directory. */
    record Rmdir(String path) implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return withPath(RMDIR, path);
        }
    }

    /** Renames or moves a file or directory. */
    record Rename(String from, String to) implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return Message.of(RENAME, new WireWriter().string(from).string(to).toByteArray());
        }
    }

    /** Makes everything done so far durable. */
    record Sync() implements FsRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return Message.of(SYNC);
        }
    }

    /** Asks for sizes, free space, type and label. */
    record StatFs() implements FsRequest<FsStats> {
        @Override
        public Message toMessage() {
            return Message.of(STATFS);
        }

        @Override
        public FsStats decodeReply(Message reply) throws MalformedException {
            return FsStats.decode(reply);
        }
    }

    private static Message withPath(int msgId, String path) {
        return Message.of(msgId, new WireWriter().string(path).toByteArray());
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown id, a wrong length, trailing bytes, bad UTF-8, bad flags, an
     *                            offset of 2^63 or more, or handles (no filesystem request carries any)
     */
    static FsRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        int msgId = message.msgId();
        FsRequest<?> request = switch (msgId) {
            case OPEN -> new Open(r.string("path"), OpenFlags.read(r));
            case READ -> new Read(r.i32("fh"), r.u63("offset"), r.i32("length"));
            case WRITE -> new Write(r.i32("fh"), r.u63("offset"), r.i32("length"));
            case TRUNCATE -> new Truncate(r.i32("fh"), r.u63("size"));
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
        if (!message.handles().isEmpty()) {
            throw new MalformedException("filesystem request " + msgId + " carries no handles, not "
                    + message.handles().size());
        }
        return request;
    }
}
