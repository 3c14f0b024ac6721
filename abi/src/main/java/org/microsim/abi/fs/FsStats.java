package org.microsim.abi.fs;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * What statfs tells (enough for {@code df}).
 *
 * <pre>
 * totalClusters u64, freeClusters u64, clusterSize u32, type u8 (12/16/32), readOnly u8, label str
 * </pre>
 */
public record FsStats(long totalClusters, long freeClusters, int clusterSize, FsType type, boolean readOnly,
        String label) {

    /** The OK reply. */
    public Message toMessage() {
        return Replies.ok(new WireWriter().i64(totalClusters).i64(freeClusters).u32(clusterSize).u8(type.code())
                .u8(readOnly ? 1 : 0).string(label).toByteArray());
    }

    /** Decodes the reply; bad fields or handles are malformed. */
    public static FsStats decode(Message reply) throws MalformedException {
        WireReader r = FsReplies.reader(reply);
        long total = r.i64("total clusters");
        long free = r.i64("free clusters");
        long clusterSize = r.u32("cluster size");
        FsType type = FsType.fromCode(r.u8("type"));
        int ro = r.u8("read-only flag");
        String label = r.string("label");
        r.end("statfs reply");
        if (total < 0 || free < 0 || free > total) {
            throw new MalformedException("free clusters " + free + " not within 0.." + total);
        }
        if (clusterSize == 0 || clusterSize > Integer.MAX_VALUE || ro > 1) {
            throw new MalformedException("cluster size " + clusterSize + " or read-only flag " + ro + " invalid");
        }
        return new FsStats(total, free, (int) clusterSize, type, ro == 1, label);
    }
}
