package org.microsim.abi.block;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * A block device's geometry, the GET_INFO reply: block size u32, block count u64, read-only u8 (0 or 1),
 * 13 bytes.
 */
public record BlockInfo(int blockSize, long blockCount, boolean readOnly) {
    public static final int SIZE = 13;

    /** The OK reply carrying this geometry. */
    public Message toMessage() {
        return Replies.ok(new WireWriter().u32(blockSize).i64(blockCount).u8(readOnly ? 1 : 0).toByteArray());
    }

    /**
     * Decodes a GET_INFO reply.
     *
     * @throws MalformedException for a wrong length, a zero or over-2^31 block size, a block count over
     *                            2^63-1, a read-only flag other than 0 or 1, or handles
     */
    public static BlockInfo decode(Message reply) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException("block info carries no handles");
        }
        WireReader r = reply.reader();
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
        return new BlockInfo((int) size, count, ro == 1);
    }
}
