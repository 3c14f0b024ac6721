package org.microsim.abi.shell;

import java.util.ArrayList;
import java.util.List;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The shell protocol: how the console (or any task) asks the shell to run a command or move a file between
 * its caller and the simulated namespace. Msg ids start at {@link MsgIds#SHELL_BASE}; strings are u16-length
 * strict UTF-8, fields little-endian; every request is a call.
 *
 * <pre>
 * id   request  inline bytes                             lease                  OK reply payload
 * 700  RUN      word count u16 (1..64), words str...     writable: the output   {@link RunResult}
 * 701  PUT      path str, offset u64, length u32         readable, &gt;= length   bytes written u32
 * 702  GET      path str, offset u64, length u32         writable, &gt;= length   bytes read u32 (fewer at the end)
 * 703  STAT     path str                                                        {@link org.microsim.abi.fs.FileStat}
 * </pre>
 *
 * RUN runs one command line, already split into words; its output (text, or a file's bytes for cat) goes into
 * the lease, cut to the lease's size, and {@link RunResult} tells whether the command succeeded, how many
 * bytes were written and how long the whole output was (ask again with a larger lease to see the rest). A
 * command that fails is still an OK reply, with the failure flag and the reason as output. PUT at offset 0
 * creates or replaces the file at path with the lease's first {@code length} bytes, and PUT at a larger offset
 * writes them there into the existing file; GET reads a piece of a file (STAT first to learn its size). A long
 * file thus moves piece by piece, and neither side ever holds all of it. A request that is malformed, or a PUT, GET or STAT that fails, is {@code REPLY_ERROR} with
 * an {@link org.microsim.abi.fs.FsError} code and a sentence.
 */
public sealed interface ShellRequest {
    int RUN = MsgIds.SHELL_BASE;
    int PUT = MsgIds.SHELL_BASE + 1;
    int GET = MsgIds.SHELL_BASE + 2;
    int STAT = MsgIds.SHELL_BASE + 3;
    /** The most words one RUN carries. */
    int MAX_WORDS = 64;

    /** The request as a message, without its lease. */
    Message toMessage();

    /** Runs a command. */
    record Run(List<String> words) implements ShellRequest {
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
    }

    /**
     * Writes the lease's first {@code length} bytes at {@code offset} of the file at {@code path}; offset 0
     * creates or replaces the file.
     */
    record Put(String path, long offset, int length) implements ShellRequest {
        @Override
        public Message toMessage() {
            return Message.of(PUT, new WireWriter().string(path).i64(offset).u32(length & 0xffffffffL).toByteArray());
        }
    }

    /** Reads up to {@code length} bytes at {@code offset} of the file at {@code path} into the lease. */
    record Get(String path, long offset, int length) implements ShellRequest {
        @Override
        public Message toMessage() {
            return Message.of(GET, new WireWriter().string(path).i64(offset).u32(length & 0xffffffffL).toByteArray());
        }
    }

    /** Describes the file or directory at {@code path}. */
    record Stat(String path) implements ShellRequest {
        @Override
        public Message toMessage() {
            return Message.of(STAT, new WireWriter().string(path).toByteArray());
        }
    }

    /**
     * Decodes a request.
     *
     * @throws MalformedException for an unknown id, a wrong length, trailing bytes, bad UTF-8, a word count
     *         outside 1..64, a length over 2^31-1 or an offset over 2^63-1
     */
    static ShellRequest decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        ShellRequest request = switch (message.msgId()) {
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
            case PUT -> new Put(r.string("path"), offset(r), length(r));
            case GET -> new Get(r.string("path"), offset(r), length(r));
            case STAT -> new Stat(r.string("path"));
            default -> throw new MalformedException("unknown shell request id " + message.msgId());
        };
        r.end("shell request " + message.msgId());
        return request;
    }

    private static long offset(WireReader r) throws MalformedException {
        long offset = r.i64("offset");
        if (offset < 0) {
            throw new MalformedException("offset " + Long.toUnsignedString(offset) + " is over 2^63-1");
        }
        return offset;
    }

    private static int length(WireReader r) throws MalformedException {
        long length = r.u32("length");
        if (length > Integer.MAX_VALUE) {
            throw new MalformedException("length " + length + " is over 2^31-1");
        }
        return (int) length;
    }
}
