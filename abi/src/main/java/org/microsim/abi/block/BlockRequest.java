package org.microsim.abi.block;

import org.microsim.abi.EmptyReply;
import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.MsgIds;
import org.microsim.abi.Protocol;
import org.microsim.abi.Request;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * The block protocol, spoken by every port of class BLOCK (a disk served by ahci or usbd, a partition
 * served by partd). Requests are calls; every field is little-endian; no request carries handles.
 *
 * <pre>
 *  id   request    inline bytes                  lease                          OK reply payload
 * 400   GET_INFO   (none)                        none                           {@link BlockInfo} = 13 bytes
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
 *
 * @param <T> what the OK reply carries
 */
public sealed interface BlockRequest<T> extends Request<T, BlockException> {
    int GET_INFO = MsgIds.BLOCK_BASE;
    int READ = MsgIds.BLOCK_BASE + 1;
    int WRITE = MsgIds.BLOCK_BASE + 2;
    int FLUSH = MsgIds.BLOCK_BASE + 3;

    /** The most bytes one READ or WRITE call moves. */
    int MAX_TRANSFER = 1 << 20;

    /**
     * The protocol: a request that does not decode is INVALID_REQUEST; a server that is gone is DEVICE_GONE,
     * any other failed call or nonsensical answer IO_ERROR.
     */
    Protocol<BlockRequest<?>, BlockException> PROTOCOL = Protocol.of("block", BlockRequest::decode,
            BlockException::of, BlockException::new, BlockError.INVALID_REQUEST.code(), BlockError.IO_ERROR.code());

    @Override
    default Protocol<?, BlockException> protocol() {
        return PROTOCOL;
    }

    /** Asks for the device's geometry. */
    record GetInfo() implements BlockRequest<BlockInfo> {
        @Override
        public Message toMessage() {
            return Message.of(GET_INFO);
        }

        @Override
        public BlockInfo decodeReply(Message reply) throws MalformedException {
            return BlockInfo.decode(reply);
        }
    }

    /** Reads {@code count} blocks from {@code lba} into the call's writable lease. */
    record Read(long lba, int count) implements BlockRequest<Void>, EmptyReply<BlockException> {
        @Override
        public Message toMessage() {
            return Message.of(READ, transfer(lba, count));
        }
    }

    /** Writes {@code count} blocks at {@code lba} from the call's readable lease. */
    record Write(long lba, int count) implements BlockRequest<Void>, EmptyReply<BlockException> {
        @Override
        public Message toMessage() {
            return Message.of(WRITE, transfer(lba, count));
        }
    }

    /** Makes every acknowledged write durable. */
    record Flush() implements BlockRequest<Void>, EmptyReply<BlockException> {
        @Override
        public Message toMessage() {
            return Message.of(FLUSH);
        }
    }

    private static byte[] transfer(long lba, int count) {
        return new WireWriter().i64(lba).u32(count & 0xffffffffL).toByteArray();
    }

    /**
     * Decodes a request message (its lease, if any, is the server's to check with {@link BlockRequestCheck}).
     * An LBA over 2^63-1 decodes as a negative number, which the range check rejects.
     *
     * @throws MalformedException for an unknown msg id, a wrong length, trailing bytes, a count over 2^31-1 or
     *                            handles (no block request carries any)
     */
    static BlockRequest<?> decode(Message message) throws MalformedException {
        WireReader r = message.reader();
        BlockRequest<?> request = switch (message.msgId()) {
            case GET_INFO -> new GetInfo();
            case FLUSH -> new Flush();
            case READ -> new Read(lba(r, message), r.u31("block count"));
            case WRITE -> new Write(lba(r, message), r.u31("block count"));
            default -> throw new MalformedException("msg id " + message.msgId() + " is not a block request (400..403)");
        };
        r.end(name(message.msgId()) + " request");
        if (!message.handles().isEmpty()) {
            throw new MalformedException(name(message.msgId()) + " request carries no handles, not "
                    + message.handles().size());
        }
        return request;
    }

    private static long lba(WireReader r, Message message) throws MalformedException {
        if (message.size() < 12) {
            throw new MalformedException(name(message.msgId()) + " request must be 12 bytes (lba u64, count u32), got "
                    + message.size());
        }
        return r.i64("lba");
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
}
