package org.microsim.abi.shell;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.EmptyReply;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Replies;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;
import org.microsim.abi.fs.FileStat;
import org.microsim.abi.fs.FsError;
import org.microsim.abi.fs.FsException;
import org.microsim.abi.fs.FsReplies;
import org.microsim.abi.fs.OpenFlags;

/**
 * The shell protocol: how the console (or any task) asks the shell to run a command or move a file between
 * its caller and the simulated namespace. Msg ids start at {@link MsgIds#SHELL_BASE}; strings are u16-length
 * strict UTF-8, fields little-endian; every request is a call and none carries handles.
 *
 * <pre>
 * id   request  inline bytes                             lease                  OK reply payload
 * 700  RUN      word count u16 (1..64), words str...     writable: the output   {@link RunResult}
 * 701  OPEN     path str, flags u32 ({@link OpenFlags})                         fh u32 ({@link FsReplies.Opened})
 * 702  READ     fh u32, offset u64, length u32           writable, &gt;= length   bytes read u32 (fewer at the end)
 * 703  WRITE    fh u32, offset u64, length u32           readable, &gt;= length   bytes written u32
 * 704  CLOSE    fh u32                                                          empty
 * 705  STAT     path str                                                        {@link FileStat}
 * </pre>
 *
 * RUN runs one command line, already split into words; its output (text, or a file's bytes for cat) goes into
 * the lease, cut to the lease's size, and {@link RunResult} tells whether the command succeeded, how many
 * bytes were written and how long the whole output was (ask again with a larger lease to see the rest). A
 * command that fails is still an OK reply, with the failure flag and the reason as output.
 *
 * <p>OPEN, READ, WRITE and CLOSE move a file piece by piece over one open file, so that a long transfer costs
 * one call per piece and neither side ever holds all of it. A file handle is the caller's own: another task's
 * handle is BAD_HANDLE. A request that is malformed, or a file request that fails, is {@code REPLY_ERROR} with
 * an {@link FsError} code and a sentence.
 *
 * @param <T> what the OK reply carries
 */
public sealed interface ShellRequest<T> extends Request<T, FsException> {
    int RUN = MsgIds.SHELL_BASE;
    int OPEN = MsgIds.SHELL_BASE + 1;
    int READ = MsgIds.SHELL_BASE + 2;
    int WRITE = MsgIds.SHELL_BASE + 3;
    int CLOSE = MsgIds.SHELL_BASE + 4;
    int STAT = MsgIds.SHELL_BASE + 5;
    /** The most words one RUN carries. */
    int MAX_WORDS = 64;

    /** The protocol: the filesystem protocol's error codes. */
    Protocol<ShellRequest<?>, FsException> PROTOCOL = Protocol.of("shell", ShellRequest::decode,
            FsException::of, FsException::new, FsError.INVALID_REQUEST.code(), FsError.IO_ERROR.code());

    @Override
    default Protocol<?, FsException> protocol() {
        return PROTOCOL;
    }

    /** Runs a command. */
    record Run(List<String> words) implements ShellRequest<RunResult> {
        /** Copies and checks the count. */
        public Run {
            words = List.copyOf(words);
            if (words.isEmpty() || words.size() > MAX_WORDS) {
                throw new IllegalArgumentException("a command has 1 to " + MAX_WORDS + " words, not " + words.size());
            }
        }

        @Override
        public Message toMessage() {
            WireWriter w = new WireWriter().u16(words.size());
            words.forEach(w::string);
            return Message.of(RUN, w.toByteArray());
        }

        @Override
        public RunResult decodeReply(Message reply) throws MalformedException {
            return RunResult.decode(reply);
        }
    }

    /** Opens the file at {@code path} for the caller; see {@link OpenFlags}. */
    record Open(String path, int flags) implements ShellRequest<FsReplies.Opened> {
        @Override
        public Message toMessage() {
            return Message.of(OPEN, new WireWriter().string(path).u32(flags).toByteArray());
        }

        @Override
        public FsReplies.Opened decodeReply(Message reply) throws MalformedException {
            return FsReplies.Opened.decode(reply);
        }
    }

    /** Reads up to {@code length} bytes at {@code offset} of an open file into the lease. */
    record Read(int fh, long offset, int length) implements ShellRequest<FsReplies.Transferred> {
        @Override
        public Message toMessage() {
            return Message.of(READ, new WireWriter().u32(fh).i64(offset).u32(length & 0xffffffffL).toByteArray());
        }

        @Override
        public FsReplies.Transferred decodeReply(Message reply) throws MalformedException {
            return FsReplies.Transferred.decode(reply);
        }
    }

    /** Writes the lease's first {@code length} bytes at {@code offset} of an open file. */
    record Write(int fh, long offset, int length) implements ShellRequest<FsReplies.Transferred> {
        @Override
        public Message toMessage() {
            return Message.of(WRITE, new WireWriter().u32(fh).i64(offset).u32(length & 0xffffffffL).toByteArray());
        }

        @Override
        public FsReplies.Transferred decodeReply(Message reply) throws MalformedException {
            return FsReplies.Transferred.decode(reply);
        }
    }

    /** Closes an open file. */
    record Close(int fh) implements ShellRequest<Void>, EmptyReply<FsException> {
        @Override
        public Message toMessage() {
            return Message.of(CLOSE, new WireWriter().u32(fh).toByteArray());
        }
    }

    /** Describes the file or directory at {@code path}. */
    record Stat(String path) implements ShellRequest<FileStat> {
        @Override
        public Message toMessage() {
            return Message.of(STAT, new WireWriter().string(path).toByteArray());
        }

        @Override
        public FileStat decodeReply(Message reply) throws MalformedException {
            return FileStat.decode(reply);
        }
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown id, a wrong length, trailing bytes, bad UTF-8, a word count
     *         outside 1..64, bad open flags, a length over 2^31-1, an offset over 2^63-1 or handles
     */
    static ShellRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        ShellRequest<?> request = switch (message.msgId()) {
            case RUN -> {
                int count = r.u16("word count");
                if (count == 0 || count > MAX_WORDS) {
                    throw new MalformedException("a command has 1 to " + MAX_WORDS + " words, not " + count);
                }
                List<String> words = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    words.add(r.string("word " + i));
                }
                yield new Run(words);
            }
            case OPEN -> new Open(r.string("path"), OpenFlags.read(r));
            case READ -> new Read(r.i32("fh"), r.u63("offset"), r.u31("length"));
            case WRITE -> new Write(r.i32("fh"), r.u63("offset"), r.u31("length"));
            case CLOSE -> new Close(r.i32("fh"));
            case STAT -> new Stat(r.string("path"));
            default -> throw new MalformedException("unknown shell request id " + message.msgId());
        };
        r.end("shell request " + message.msgId());
        if (!message.handles().isEmpty()) {
            throw new MalformedException("shell request " + message.msgId() + " carries no handles");
        }
        return request;
    }
}
