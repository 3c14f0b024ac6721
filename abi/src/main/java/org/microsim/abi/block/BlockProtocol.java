package org.microsim.abi.block;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The block protocol, spoken by every port of class BLOCK (a disk served by ahci or usbd, a partition
 * served by partd). Requests are calls; every field is little-endian.
 *
 * <pre>
 *  id   request    inline bytes                  lease                          OK reply payload
 * 400   GET_INFO   (none)                        none                           block size u32, block count u64,
 *                                                                               read-only u8 (0 or 1)  = 13 bytes
 * 401   READ       lba u64, count u32 = 12 bytes writable, >= count*blockSize   (none)
 * 402   WRITE      lba u64, count u32 = 12 bytes readable, >= count*blockSize   (none)
 * 403   FLUSH      (none)                        none                           (none)
 * </pre>
 *
 * Bulk data never travels inline: a READ lends the server a buffer to fill, a WRITE one to read, so a
 * partition server can forward the caller's lease to the disk server without copying a byte. A transfer
 * carries at most {@link #MAX_TRANSFER} bytes; {@link BlockClient} splits longer ones.
 *
 * <p>A failure is {@link Replies#error(int, String)} with a {@link BlockError} code and a sentence: out of
 * range ({@code lba + count} past the device), read-only, device gone, I/O error, invalid request (a
 * malformed or unknown request, a zero count, a lease without the right it needs, a transfer over the
 * maximum) and lease too small. {@link BlockRequestCheck} performs the checks every server needs.
 */
public final class BlockProtocol {
    private BlockProtocol() {
    }

    public static final int GET_INFO = MsgIds.BLOCK_BASE;
    public static final int READ = MsgIds.BLOCK_BASE + 1;
    public static final int WRITE = MsgIds.BLOCK_BASE + 2;
    public static final int FLUSH = MsgIds.BLOCK_BASE + 3;

    /** The most bytes one READ or WRITE call moves. */
    public static final int MAX_TRANSFER = 1 << 20;

    private static final int TRANSFER_SIZE = 12;

    /** A block request, decoded. Sealed so that servers dispatch with an exhaustive {@code switch}. */
    public sealed interface Request {
        /** The request as a message, without its lease (the caller adds it with {@link Message#withLease}). */
        Message toMessage();
    }

    /** Asks for the device's geometry; answered with an encoded {@link Info}. */
    public record GetInfo() implements Request {
        @Override
        public Message toMessage() {
            return Message.of(GET_INFO);
        }
    }

    /** Reads {@code count} blocks from {@code lba} into the call's writable lease. */
    public record Read(long lba, int count) implements Request {
        @Override
        public Message toMessage() {
            return Message.of(READ, transfer(lba, count));
        }
    }

    /** Writes {@code count} blocks at {@code lba} from the call's readable lease. */
    public record Write(long lba, int count) implements Request {
        @Override
        public Message toMessage() {
            return Message.of(WRITE, transfer(lba, count));
        }
    }

    /** Makes every acknowledged write durable. */
    public record Flush() implements Request {
        @Override
        public Message toMessage() {
            return Message.of(FLUSH);
        }
    }

    /** The GET_INFO reply payload. */
    public record Info(int blockSize, long blockCount, boolean readOnly) {
        public static final int SIZE = 13;

        /** The 13-byte wire form. */
        public byte[] encode() {
            return new WireWriter().u32(blockSize).i64(blockCount).u8(readOnly ? 1 : 0).toByteArray();
        }

        /**
         * Decodes a GET_INFO reply payload.
         *
         * @throws MalformedException for a wrong length, a zero or over-2^31 block size, a block count over
         *                            2^63-1 or a read-only flag other than 0 or 1
         */
        public static Info decode(byte[] bytes) throws MalformedException {
            WireReader r = new WireReader(bytes);
            long size = r.u32("block size");
            long count = r.i64("block count");
            int ro = r.u8("read-only");
            r.end("block info");
            if (size == 0 || size > Integer.MAX_VALUE) {
                throw new MalformedException("block size " + size + " is not between 1 and 2^31-1");
            }
            if (count < 0) {
                throw new MalformedException("block count " + Long.toUnsignedString(count) + " is over 2^63-1");
            }
            if (ro > 1) {
                throw new MalformedException("read-only flag must be 0 or 1, got " + ro);
            }
            return new Info((int) size, count, ro == 1);
        }
    }

    private static byte[] transfer(long lba, int count) {
        return new WireWriter().i64(lba).u32(count & 0xffffffffL).toByteArray();
    }

    /**
     * Decodes a request message (its lease, if any, is the server's to check with {@link BlockRequestCheck}).
     * An LBA over 2^63-1 decodes as a negative number, which the range check rejects.
     *
     * @throws MalformedException for an unknown msg id, a wrong length, trailing bytes or a count over 2^31-1
     */
    public static Request decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        Request request = switch (message.msgId()) {
            case GET_INFO -> new GetInfo();
            case FLUSH -> new Flush();
            case READ -> new Read(lba(r, message), count(r));
            case WRITE -> new Write(lba(r, message), count(r));
            default -> throw new MalformedException("msg id " + message.msgId() + " is not a block request (400..403)");
        };
        r.end(name(message.msgId()) + " request");
        return request;
    }

    private static long lba(WireReader r, Message message) throws MalformedException {
        if (message.size() < TRANSFER_SIZE) {
            throw new MalformedException(name(message.msgId()) + " request must be " + TRANSFER_SIZE
                    + " bytes (lba u64, count u32), got " + message.size());
        }
        return r.i64("lba");
    }

    private static int count(WireReader r) throws MalformedException {
        long count = r.u32("count");
        if (count > Integer.MAX_VALUE) {
            throw new MalformedException("block count " + count + " is over 2^31-1");
        }
        return (int) count;
    }

    private static String name(int msgId) {
        return switch (msgId) {
            case GET_INFO -> "GET_INFO";
            case READ -> "READ";
            case WRITE -> "WRITE";
            case FLUSH -> "FLUSH";
            default -> "block";
        };
    }

    /** The reply a server sends for a failed request. */
    public static Message errorReply(BlockException e) {
        return Replies.error(e.error().code(), e.getMessage());
    }

    /** The reply a server sends for a request that did not decode. */
    public static Message errorReply(MalformedException e) {
        return Replies.error(BlockError.INVALID_REQUEST.code(), e.getMessage());
    }
}
