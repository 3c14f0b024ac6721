package org.microsim.abi.shell;

import org.microsim.abi.MalformedException;
import org.microsim.abi.Message;
import org.microsim.abi.Replies;
import org.microsim.abi.WireReader;
import org.microsim.abi.WireWriter;

/**
 * RUN's reply: whether the command succeeded, how many output bytes are in the lease and how many the whole
 * output has ({@code written < total} means the lease was too small).
 *
 * <pre>
 * success u8 (0/1), written u32, total u32
 * </pre>
 */
public record RunResult(boolean success, int written, int total) {
    /** The OK reply. */
    public Message toMessage() {
        return Replies.ok(new WireWriter().u8(success ? 1 : 0).u32(written).u32(total).toByteArray());
    }

    /** True when the lease held the whole output. */
    public boolean complete() {
        return written == total;
    }

    /** Decodes the reply; a flag other than 0/1, written over total or handles are malformed. */
    public static RunResult decode(Message reply) throws MalformedException {
        if (!reply.handles().isEmpty()) {
            throw new MalformedException("a run reply carries no handles");
        }
        WireReader r = reply.reader();
        int flag = r.u8("success flag");
        long written = r.u32("written");
        long total = r.u32("total");
        r.end("run reply");
        if (flag > 1 || written > total || total > Integer.MAX_VALUE) {
            throw new MalformedException("run reply out of range: success " + flag + ", " + written + " of " + total);
        }
        return new RunResult(flag == 1, (int) written, (int) total);
    }
}
